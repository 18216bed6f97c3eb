import cluster from 'node:cluster';
import type { Logger } from 'pino';
import { componentLogger, createLogger } from '../../log.js';
import { MesosDnsError } from '../../errors.js';
import { RecordTable } from '../../table/table.js';
import { LiveTable } from '../../table/live.js';
import { NameMarks } from '../../table/name-marks.js';
import { DnsStats } from '../stats/counters.js';
import { ForwardLatency } from '../stats/latency.js';
import { statsReport } from '../stats/report.js';
import { STATS_INTERVAL_MS, type FromWorker, type ToWorker } from './ipc.js';
import { startDnsServer } from './server.js';

/**
 * Worker side: waits for its config and a first table, then binds and serves
 * DNS from the latest table the primary sent (so its sockets, like the
 * primary's, open only once a state has loaded), reports counters every
 * second, and exits when the primary disconnects.
 */
export function dnsWorkerMain(): void {
  const holder: { current: { table: LiveTable } | null } = { current: null };
  const stats = new DnsStats();
  const latency = new ForwardLatency();
  let root: Logger = createLogger({ verbosity: 0, pretty: false, toStderr: false });
  let stop: (() => Promise<void>) | null = null;
  const reply = (m: FromWorker): void => {
    if (process.connected) process.send?.(m);
  };
  let init: Extract<ToWorker, { t: 'init' }> | null = null;
  const startOnce = (): void => {
    if (init === null || holder.current === null || stop !== null) return;
    stop = () => Promise.resolve();
    startDnsServer({ config: init.config, serving: holder, stats, log: root, latency }).then(
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
  };
  process.on('message', (m: ToWorker) => {
    if (m.t === 'table' || m.t === 'overlay') {
      try {
        holder.current = { table: received(m, holder.current?.table ?? null) };
      } catch (err) {
        componentLogger(root, 'dns-worker').error(
          { err },
          'DNS worker got an unusable table; keeping the previous one',
        );
      }
    } else if (m.t === 'init' && init === null) {
      init = m;
      root = createLogger(m.log).child({ worker: cluster.worker?.id });
    }
    startOnce();
  });
  // Once the primary is gone and the sockets are closed, nothing keeps the process alive: it ends.
  process.on('disconnect', () => {
    void (stop ?? (() => Promise.resolve()))();
  });
  reply({ t: 'hello' });
}

/** The table a message from the primary makes: a new base, or the current base with a new overlay. */
function received(m: Extract<ToWorker, { t: 'table' | 'overlay' }>, current: LiveTable | null): LiveTable {
  if (m.t === 'table') return new LiveTable(RecordTable.fromBuffer(m.buffer));
  if (current === null) throw new MesosDnsError('MESOS_DNS_TABLE_INVALID', 'an overlay came before any table');
  return new LiveTable(current.base, RecordTable.fromBuffer(m.overlay), NameMarks.fromBuffer(m.hidden));
}
