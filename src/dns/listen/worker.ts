import cluster from 'node:cluster';
import type { Logger } from 'pino';
import { componentLogger, createLogger } from '../../log.js';
import { RecordTable } from '../../table/table.js';
import { DnsStats } from '../stats/counters.js';
import { ForwardLatency } from '../stats/latency.js';
import { statsReport } from '../stats/report.js';
import { STATS_INTERVAL_MS, type FromWorker, type ToWorker } from './ipc.js';
import { startDnsServer } from './server.js';

/**
 * Worker side: waits for its config, serves DNS from the latest table the
 * primary sent, reports counters every second, and exits when the primary
 * disconnects.
 */
export function dnsWorkerMain(): void {
  const holder: { current: { table: RecordTable } | null } = { current: null };
  const stats = new DnsStats();
  const latency = new ForwardLatency();
  let root: Logger = createLogger({ verbosity: 0, pretty: false, toStderr: false });
  let stop: (() => Promise<void>) | null = null;
  const reply = (m: FromWorker): void => {
    if (process.connected) process.send?.(m);
  };
  process.on('message', (m: ToWorker) => {
    if (m.t === 'table') {
      try {
        holder.current = { table: RecordTable.fromBuffer(m.buffer) };
      } catch (err) {
        componentLogger(root, 'dns-worker').error(
          { err },
          'DNS worker got an unusable table; keeping the previous one',
        );
      }
      return;
    }
    if (m.t !== 'init' || stop !== null) return;
    root = createLogger(m.log).child({ worker: cluster.worker?.id });
    stop = () => Promise.resolve();
    startDnsServer({ config: m.config, serving: holder, stats, log: root, latency }).then(
      (server) => {
        const timer = setInterval(
          () => reply({ t: 'stats', report: statsReport(stats, latency.snapshot()) }),
          STATS_INTERVAL_MS,
        );
        stop = () => {
          clearInterval(timer);
          return server.close();
        };
        reply({ t: 'ready', udpPort: server.udpPort, tcpPort: server.tcpPort });
      },
      (err: NodeJS.ErrnoException) => {
        reply({ t: 'failed', message: err.code === undefined ? err.message : `${err.code}: ${err.message}` });
        process.exitCode = 1;
        process.disconnect?.();
      },
    );
  });
  // Once the primary is gone and the sockets are closed, nothing keeps the process alive: it ends.
  process.on('disconnect', () => {
    void (stop ?? (() => Promise.resolve()))();
  });
  reply({ t: 'hello' });
}
