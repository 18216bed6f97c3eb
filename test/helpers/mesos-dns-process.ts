import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
export const BIN = join(ROOT, 'bin', 'mesos-dns');

export type LogRecord = Record<string, unknown> & { msg?: string; level?: number };

export interface MesosDnsProcess {
  readonly proc: ChildProcess;
  readonly configFile: string;
  /** the DNS ports from the latest "DNS listening" line (0 before it: DNS binds after the first state load) */
  readonly udpPort: number;
  readonly tcpPort: number;
  readonly httpPort: number;
  readonly logs: LogRecord[];
  /** stderr text (config errors, crashes) */
  stderr(): string;
  waitForLog(pred: (r: LogRecord) => boolean, timeoutMs?: number, from?: number): Promise<LogRecord>;
  /** waits for the next successful refresh after log index `from` */
  waitForRefresh(from?: number, timeoutMs?: number): Promise<LogRecord>;
  /** waits until DNS listens (after the first state load) */
  waitForDns(timeoutMs?: number): Promise<void>;
  writeConfig(config: Record<string, unknown>): void;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Loopback-only defaults: ephemeral ports, no forwarding to the outside. */
export function testConfig(overrides: Record<string, unknown>): Record<string, unknown> {
  return {
    listener: '127.0.0.1',
    port: 0,
    httpListener: '127.0.0.1',
    httpPort: 0,
    externalOn: false,
    refreshSeconds: 60,
    zkDetectionTimeout: 0,
    ...overrides,
  };
}

/**
 * Starts the real program (`bin/mesos-dns`, built by `npm test`) with a config
 * file in a temp dir, reads its JSON log lines, and learns the bound ports
 * from the "listening" lines. By default it waits for HTTP and for DNS, which
 * listens only after the first state load: `waitDns: false` for a program
 * whose masters fail at first, `waitListening: false` to wait for nothing.
 */
export async function startMesosDns(
  config: Record<string, unknown>,
  opts: { args?: string[]; waitListening?: boolean; waitDns?: boolean; env?: Record<string, string> } = {},
): Promise<MesosDnsProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'mesos-dns-e2e-'));
  const configFile = join(dir, 'config.json');
  writeFileSync(configFile, JSON.stringify(config, null, 1));
  const proc = spawn(BIN, [`-config=${configFile}`, '-v=1', ...(opts.args ?? [])], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...opts.env },
  });
  const logs: LogRecord[] = [];
  const waiters: Array<() => void> = [];
  let stderr = '';
  let buf = '';
  proc.stdout!.setEncoding('utf8');
  proc.stdout!.on('data', (chunk: string) => {
    buf += chunk;
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      try {
        logs.push(JSON.parse(line) as LogRecord);
      } catch {
        logs.push({ msg: line });
      }
    }
    for (const w of waiters.splice(0)) w();
  });
  proc.stderr!.setEncoding('utf8');
  proc.stderr!.on('data', (c: string) => {
    stderr += c;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    proc.on('exit', (code, signal) => {
      rmSync(dir, { recursive: true, force: true });
      for (const w of waiters.splice(0)) w();
      resolve({ code, signal });
    });
  });
  let done = false;
  void exited.then(() => {
    done = true;
  });

  const waitForLog = async (pred: (r: LogRecord) => boolean, timeoutMs = 20_000, from = 0): Promise<LogRecord> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = logs.slice(from).find(pred);
      if (hit) return hit;
      if (done)
        throw new Error(
          `mesos-dns exited before the expected log line; stderr: ${stderr}; logs: ${JSON.stringify(logs.slice(-5))}`,
        );
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for a log line; last logs: ${JSON.stringify(logs.slice(-5))}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 200));
        waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  };

  const dnsLine = () => [...logs].reverse().find((r) => r.msg === 'DNS listening');
  const waitForDns = async (timeoutMs = 20_000) => {
    await waitForLog((r) => r.msg === 'DNS listening', timeoutMs);
  };
  let httpPort = 0;
  if (opts.waitListening !== false) {
    if (config.httpOn !== false) httpPort = Number((await waitForLog((r) => r.msg === 'HTTP listening')).port);
    if (config.dnsOn !== false && opts.waitDns !== false) await waitForDns();
  }

  return {
    proc,
    configFile,
    get udpPort() {
      return Number(dnsLine()?.udpPort ?? 0);
    },
    get tcpPort() {
      return Number(dnsLine()?.tcpPort ?? 0);
    },
    httpPort,
    logs,
    stderr: () => stderr,
    waitForLog,
    waitForRefresh: (from = 0, timeoutMs = 20_000) => waitForLog((r) => r.msg === 'refresh done', timeoutMs, from),
    waitForDns,
    writeConfig: (c) => writeFileSync(configFile, JSON.stringify(c, null, 1)),
    exited,
    stop: async () => {
      if (!done) proc.kill('SIGTERM');
      return exited;
    },
  };
}
