import pino, { type Logger } from 'pino';

export interface LogOptions {
  /** the Go `-v` flag: 0 normal, 1 verbose, 2 very verbose (every record of every refresh) */
  verbosity: number;
  /** human-readable lines instead of JSON */
  pretty: boolean;
  /** `-logtostderr`: write to stderr instead of stdout */
  toStderr: boolean;
}

export function levelFor(verbosity: number): pino.Level {
  if (verbosity >= 2) return 'trace';
  if (verbosity === 1) return 'debug';
  return 'info';
}

const PRETTY_LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

/**
 * A small synchronous pretty printer: `time LEVEL msg key=value …`. Good enough
 * for a person at a terminal without pulling in pino-pretty's dependency tree.
 */
function prettyStream(fd: number): pino.DestinationStream {
  const out = pino.destination({ dest: fd, sync: true });
  return {
    write(line: string): void {
      let rec: Record<string, unknown>;
      try {
        rec = JSON.parse(line) as Record<string, unknown>;
      } catch {
        out.write(line);
        return;
      }
      const { time, level, msg, pid: _pid, hostname: _host, ...rest } = rec;
      const extras = Object.entries(rest)
        .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
        .join(' ');
      const when = new Date(typeof time === 'number' ? time : Date.now()).toISOString();
      out.write(`${when} ${PRETTY_LEVELS[level as number] ?? level} ${String(msg ?? '')}${extras ? ' ' + extras : ''}\n`);
    },
  };
}

export function createLogger(opts: LogOptions, bindings: Record<string, unknown> = {}): Logger {
  const fd = opts.toStderr ? 2 : 1;
  const stream = opts.pretty ? prettyStream(fd) : pino.destination({ dest: fd, sync: false });
  return pino({ level: levelFor(opts.verbosity), base: { ...bindings }, timestamp: pino.stdTimeFunctions.epochTime }, stream);
}
