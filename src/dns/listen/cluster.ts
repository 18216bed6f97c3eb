import cluster, { type Worker } from 'node:cluster';
import { fileURLToPath } from 'node:url';
import pino, { type Logger } from 'pino';
import type { Config } from '../../config/types.js';
import { MesosDnsError } from '../../errors.js';
import { RecordTable } from '../../table/table.js';
import { ForwardLatency } from '../stats/latency.js';
import { startDnsServer } from './server.js';
import { DnsStats } from '../stats/counters.js';
import { addReport, emptyReport, statsReport, sumReports, type WorkerStatsReport } from '../stats/report.js';

/** Messages between the primary and DNS workers (IPC with `serialization: 'advanced'`). */
type ToWorker =
  | { t: 'init'; config: Config; logLevel: string }
  | { t: 'table'; buffer: ArrayBuffer };
type FromWorker =
  | { t: 'hello' }
  | { t: 'ready'; udpPort: number; tcpPort: number }
  | { t: 'failed'; code: string; message: string }
  | { t: 'stats'; report: WorkerStatsReport };

const STATS_INTERVAL_MS = 1_000;
const RESTART_DELAY_MS = 1_000;

export interface DnsWorkersOptions {
  /** `config.workers` processes are started */
  config: Config;
  /** receives the sum of every worker's counters (for /metrics) */
  stats: DnsStats;
  /** receives the sum of the workers' forward latency */
  latency?: ForwardLatency;
  log: Logger;
  /** the table to hand to each worker at start (later ones go through publish()) */
  table?: RecordTable | null;
  /** script the workers run; default: `worker-entry.js` next to this module (i.e. in dist/) */
  exec?: string;
  /** how long to wait for every worker to listen */
  startTimeoutMs?: number;
}

export interface DnsWorkersHandle {
  udpPort: number;
  tcpPort: number;
  /** Sends a new table to every worker (call after each swap). */
  publish(table: RecordTable): void;
  /** workers alive now */
  readonly workerCount: number;
  close(): Promise<void>;
}

/**
 * Primary side of multi-core serving: forks `config.workers` DNS workers that
 * share the UDP and TCP listeners through `node:cluster` (the primary owns the
 * bound handles; workers read the same UDP socket, and TCP connections are
 * handed out round-robin). The primary keeps refresh and HTTP; each table is
 * copied to the workers as an ArrayBuffer. Workers report their counters
 * every second and the primary sums them into `stats`. A worker that dies is
 * restarted with the current table, and its counts are kept.
 */
export async function runDnsWorkers(opts: DnsWorkersOptions): Promise<DnsWorkersHandle> {
  const { config, log } = opts;
  const exec = opts.exec ?? fileURLToPath(new URL('./worker-entry.js', import.meta.url));
  cluster.setupPrimary({ exec, serialization: 'advanced' });
  let table: RecordTable | null = opts.table ?? null;
  let closing = false;
  const live = new Map<number, Worker>();
  const reports = new Map<number, WorkerStatsReport>();
  let retired = emptyReport();
  const latency = opts.latency;

  const refreshSums = (): void => {
    const all = [retired, ...reports.values()];
    sumReports(opts.stats, all);
    latency?.setSum(all.map((r) => r.latency));
  };

  const fork = (): Promise<{ udpPort: number; tcpPort: number }> => {
    const worker = cluster.fork();
    live.set(worker.id, worker);
    return new Promise((resolve, reject) => {
      worker.on('message', (m: FromWorker) => {
        // 'hello' rather than cluster's 'online': the worker's ESM entry may not
        // be listening for messages yet when 'online' fires.
        if (m.t === 'hello') {
          send(worker, { t: 'init', config, logLevel: log.level });
          if (table !== null) send(worker, { t: 'table', buffer: table.buffer });
        } else if (m.t === 'ready') resolve({ udpPort: m.udpPort, tcpPort: m.tcpPort });
        else if (m.t === 'failed') reject(new MesosDnsError(m.code, `DNS worker could not start: ${m.message}`));
        else if (m.t === 'stats') {
          reports.set(worker.id, m.report);
          refreshSums();
        }
      });
      worker.on('exit', (code, signal) => {
        live.delete(worker.id);
        const last = reports.get(worker.id);
        if (last) retired = addReport(retired, last);
        reports.delete(worker.id);
        reject(new MesosDnsError('MESOS_DNS_WORKER_EXITED', `DNS worker exited (code ${code}, signal ${signal})`));
        if (closing) return;
        log.error({ worker: worker.id, code, signal }, 'DNS worker exited; restarting it');
        setTimeout(() => {
          if (closing) return;
          fork().catch((err: unknown) => {
            if (!closing) log.error({ err }, 'DNS worker restart failed');
          });
        }, RESTART_DELAY_MS).unref();
      });
    });
  };

  const stopAll = async (): Promise<void> => {
    closing = true;
    await Promise.all(
      [...live.values()].map(
        (w) =>
          new Promise<void>((resolve) => {
            w.once('exit', () => resolve());
            w.disconnect();
            setTimeout(() => w.process.kill('SIGKILL'), 5_000).unref();
          }),
      ),
    );
  };

  let bound: { udpPort: number; tcpPort: number };
  try {
    const started = Promise.all(Array.from({ length: Math.max(1, config.workers) }, () => fork()));
    bound = (await withTimeout(started, opts.startTimeoutMs ?? 30_000))[0]!;
  } catch (err) {
    await stopAll();
    throw err;
  }
  log.info({ workers: live.size, udpPort: bound.udpPort, tcpPort: bound.tcpPort }, 'DNS workers listening');
  return {
    udpPort: bound.udpPort,
    tcpPort: bound.tcpPort,
    publish(next) {
      table = next;
      for (const w of live.values()) send(w, { t: 'table', buffer: next.buffer });
    },
    get workerCount() {
      return live.size;
    },
    close: stopAll,
  };
}

function send(worker: Worker, msg: ToWorker): void {
  if (worker.isConnected()) worker.send(msg);
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new MesosDnsError('MESOS_DNS_WORKER_TIMEOUT', `DNS workers not listening after ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
}

/**
 * Worker side: waits for its config, serves DNS from the latest table the
 * primary sent, reports counters every second, and exits when the primary
 * disconnects.
 */
export function dnsWorkerMain(): void {
  const holder: { current: { table: RecordTable } | null } = { current: null };
  const stats = new DnsStats();
  const latency = new ForwardLatency();
  let log: Logger = pino({ level: 'info' });
  let stop: (() => Promise<void>) | null = null;
  const reply = (m: FromWorker): void => {
    if (process.connected) process.send?.(m);
  };
  process.on('message', (m: ToWorker) => {
    if (m.t === 'table') {
      try {
        holder.current = { table: RecordTable.fromBuffer(m.buffer) };
      } catch (err) {
        log.error({ err }, 'DNS worker got an unusable table; keeping the previous one');
      }
      return;
    }
    if (m.t !== 'init' || stop !== null) return;
    log = pino({ level: m.logLevel }).child({ worker: cluster.worker?.id });
    stop = () => Promise.resolve();
    startDnsServer({ config: m.config, serving: holder, stats, log, latency }).then(
      (server) => {
        const timer = setInterval(() => reply({ t: 'stats', report: statsReport(stats, latency.snapshot()) }), STATS_INTERVAL_MS);
        stop = () => {
          clearInterval(timer);
          return server.close();
        };
        reply({ t: 'ready', udpPort: server.udpPort, tcpPort: server.tcpPort });
      },
      (err: NodeJS.ErrnoException) => {
        reply({ t: 'failed', code: err.code ?? 'MESOS_DNS_LISTEN_FAILED', message: err.message });
        process.exitCode = 1;
        process.disconnect?.();
      },
    );
  });
  process.on('disconnect', () => {
    void (stop ?? (() => Promise.resolve()))().finally(() => process.exit(process.exitCode ?? 0));
  });
  reply({ t: 'hello' });
}

export interface DnsService {
  udpPort: number;
  tcpPort: number;
  /** Hands a new table to the workers; a no-op in-process, where the table is read per query. */
  publish(table: RecordTable): void;
  close(): Promise<void>;
}

/**
 * What the CLI calls: the DNS server in this process when `config.workers`
 * is 1, else `config.workers` cluster workers fed by publish().
 */
export async function startDnsService(opts: {
  config: Config;
  serving: { readonly current: { readonly table: RecordTable } | null };
  stats: DnsStats;
  log: Logger;
  latency?: ForwardLatency;
  exec?: string;
}): Promise<DnsService> {
  if (opts.config.workers <= 1) {
    const server = await startDnsServer(opts);
    return { udpPort: server.udpPort, tcpPort: server.tcpPort, publish: () => undefined, close: () => server.close() };
  }
  return runDnsWorkers({ ...opts, table: opts.serving.current?.table ?? null });
}
