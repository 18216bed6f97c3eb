/**
 * The benchmarked process: a DNS server on loopback answering from a
 * synthetic table. Prints `{"port":N,...}` on stdout once listening; exits
 * when stdin closes. Arguments: tasks, workers.
 */
import pino from 'pino';
import { defaultConfig } from '../src/config/defaults.js';
import { startDnsService } from '../src/dns/listen/primary.js';
import { DnsStats } from '../src/dns/stats/counters.js';
import { RecordTable } from '../src/table/table.js';
import { LiveTable } from '../src/table/live.js';
import { storeOf } from '../src/records/store-text.js';
import { syntheticCluster } from './synthetic-records.js';
import { tableMetaFor } from '../src/table/meta.js';

const tasks = Number(process.argv[2] ?? 5000);
const workers = Number(process.argv[3] ?? 1);
const cluster = syntheticCluster(tasks);
const started = performance.now();
const table = RecordTable.build(storeOf(cluster.records), tableMetaFor(defaultConfig(), 1));
const buildMs = performance.now() - started;
const stats = new DnsStats();
const service = await startDnsService({
  config: { ...defaultConfig(), listener: '127.0.0.1', port: 0, externalOn: false, workers },
  serving: { current: { table: new LiveTable(table) } },
  stats,
  log: pino({ level: 'warn' }),
  logOptions: { verbosity: 0, pretty: false, toStderr: true },
});
process.stdout.write(`${JSON.stringify({ port: service.udpPort, buildMs, names: table.counts.names })}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  void service.close().then(() => process.exit(0));
});
