import pino, { type Logger } from 'pino';
import { ConfigError, MasterUnavailableError, MesosDnsError, StateError, StreamFailure } from './errors.js';

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

const PRETTY_LEVELS: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};

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
      out.write(
        `${when} ${PRETTY_LEVELS[level as number] ?? level} ${String(msg ?? '')}${extras ? ' ' + extras : ''}\n`,
      );
    },
  };
}

/** The parts of a component's name that show in every line it logs (`component` binding). */
export type Component =
  'main' | 'config' | 'dns' | 'dns-worker' | 'forwarder' | 'http' | 'refresh' | 'fetch' | 'stream' | 'detector' | 'zk';

/**
 * How every `err` field is logged: our errors by code, message and context
 * (their stack says nothing an operator can use), anything else with its
 * type, code and stack, since it is a bug or an unexpected system failure.
 */
export function serializeError(err: unknown): Record<string, unknown> {
  if (err instanceof MesosDnsError) {
    const out: Record<string, unknown> = { code: err.code, message: err.message };
    if (err instanceof ConfigError && err.key !== undefined) out.key = err.key;
    if (
      (err instanceof StateError || err instanceof MasterUnavailableError || err instanceof StreamFailure) &&
      err.master !== undefined
    )
      out.master = err.master;
    return out;
  }
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return { type: err.name, message: err.message, ...(code === undefined ? {} : { code }), stack: err.stack };
  }
  // An error that crossed a thread or process boundary as plain `{ code, message }`.
  if (typeof err === 'object' && err !== null && 'code' in err && 'message' in err) {
    return { code: String(err.code), message: String(err.message) };
  }
  return { message: String(err) };
}

/**
 * The root logger: no component of its own, so that each component's logger
 * (`componentLogger`) names exactly one. Pass the root, not a component's
 * logger, to code that makes loggers for components of its own.
 */
export function createLogger(opts: LogOptions): Logger {
  const fd = opts.toStderr ? 2 : 1;
  const stream = opts.pretty ? prettyStream(fd) : pino.destination({ dest: fd, sync: false });
  return pino(
    {
      level: levelFor(opts.verbosity),
      base: {},
      timestamp: pino.stdTimeFunctions.epochTime,
      serializers: { err: serializeError },
    },
    stream,
  );
}

/** The logger of one component, from the root logger. */
export function componentLogger(root: Logger, component: Component): Logger {
  return root.child({ component });
}
