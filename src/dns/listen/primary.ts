import cluster, { type Worker } from 'node:cluster';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { componentLogger, type LogOptions } from '../../log.js';
import type { Config } from '../../config/types.js';
import { MesosDnsError } from '../../errors.js';
import type { LiveTable } from '../../table/live.js';
import type { DnsStats } from '../stats/counters.js';
import type { ForwardLatency } from '../stats/latency.js';
import { addReport, emptyReport, sumReports, type WorkerStatsReport } from '../stats/report.js';
import type { FromWorker, ToWorker } from './ipc.js';
import { startDnsServer } from './server.js';

const RESTART_DELAY_MS = 1_000;

export interface DnsWorkersOptions {
  /** `config.workers` processes are started */
  config: Config;
  /** receives the sum of every worker's counters (for /metrics) */
  stats: DnsStats;
  /** receives the sum of the workers' forward latency */
  latency?: ForwardLatency;
  /** the root logger */
  log: Logger;
  /** how the workers log (as this process does) */
  logOptions: LogOptions;
  /** the table to hand to each worker at start (later ones go through publish()); a worker binds once it has one */
  table?: LiveTable | null;
  /** script the workers run; default: `worker-entry.js` next to this module (i.e. in dist/) */
  exec?: string;
  /** how long to wait for every worker to listen */
  startTimeoutMs?: number;
}

export interface DnsWorkersHandle {
  udpPort: number;
  tcpPort: number;
  /** Sends a new table, or only its new overlay, to every worker (call after each swap). */
  publish(table: LiveTable): void;
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
  const { config } = opts;
  const log = componentLogger(opts.log, 'dns');
  const exec = opts.exec ?? fileURLToPath(new URL('./worker-entry.js', import.meta.url));
  cluster.setupPrimary({ exec, serialization: 'advanced' });
  let table: LiveTable | null = opts.table ?? null;
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
          send(worker, { t: 'init', config, log: opts.logOptions });
          if (table !== null) sendTable(worker, table, null);
        } else if (m.t === 'ready') resolve({ udpPort: m.udpPort, tcpPort: m.tcpPort });
        else if (m.t === 'failed')
          reject(new MesosDnsError('MESOS_DNS_LISTEN_FAILED', `DNS worker could not start: ${m.message}`));
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
      const previous = table;
      table = next;
      for (const w of live.values()) sendTable(w, next, previous);
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

/**
 * A worker gets the base only when it is not the one it has (`previous`), and
 * the overlay after it: messages arrive in order, so the worker never pairs an
 * overlay with another base.
 */
function sendTable(worker: Worker, table: LiveTable, previous: LiveTable | null): void {
  if (previous?.base !== table.base) send(worker, { t: 'table', buffer: table.base.buffer });
  if (table.overlay !== null && table.hidden !== null) {
    send(worker, { t: 'overlay', overlay: table.overlay.buffer, hidden: table.hidden.buffer });
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(
      () => reject(new MesosDnsError('MESOS_DNS_WORKER_TIMEOUT', `DNS workers not listening after ${ms} ms`)),
      ms,
    );
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

export interface DnsService {
  udpPort: number;
  tcpPort: number;
  /** Hands a new table to the workers; a no-op in-process, where the table is read per query. */
  publish(table: LiveTable): void;
  close(): Promise<void>;
}

/**
 * What the CLI calls: the DNS server in this process when `config.workers`
 * is 1, else `config.workers` cluster workers fed by publish().
 */
export async function startDnsService(opts: {
  config: Config;
  serving: { readonly current: { readonly table: LiveTable } | null };
  stats: DnsStats;
  /** the root logger */
  log: Logger;
  /** how the workers log (as this process does) */
  logOptions: LogOptions;
  latency?: ForwardLatency;
  exec?: string;
}): Promise<DnsService> {
  if (opts.config.workers <= 1) {
    const server = await startDnsServer(opts);
    return { udpPort: server.udpPort, tcpPort: server.tcpPort, publish: () => undefined, close: () => server.close() };
  }
  return runDnsWorkers({ ...opts, table: opts.serving.current?.table ?? null });
}
