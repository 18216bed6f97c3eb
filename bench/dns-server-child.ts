/**
 * The benchmarked process: a DNS server on loopback answering from a
 * synthetic table. Prints `{"port":N,...}` on stdout once listening; exits
 * when stdin closes. Arguments: tasks, workers.
 */
import pino from 'pino';
import { defaultConfig } from '../src/config/defaults.js';
import { startDnsService } from '../src/dns/cluster.js';
import { DnsStats } from '../src/dns/stats.js';
import { RecordTable } from '../src/records/table.js';
import { syntheticCluster } from './synthetic-records.js';

const tasks = Number(process.argv[2] ?? 5000);
const workers = Number(process.argv[3] ?? 1);
const cluster = syntheticCluster(tasks);
const started = performance.now();
const table = RecordTable.build(cluster.records, {
  domain: 'mesos',
  ttl: 60,
  serial: 1,
  soaMname: 'ns1.mesos.',
  soaRname: 'root.ns1.mesos.',
  soaRefresh: 60,
  soaRetry: 600,
  soaExpire: 86400,
  soaMinttl: 60,
  srvWeight: 1,
});
const buildMs = performance.now() - started;
const stats = new DnsStats();
const service = await startDnsService({
  config: { ...defaultConfig(), listener: '127.0.0.1', port: 0, externalOn: false, workers },
  serving: { current: { table } },
  stats,
  log: pino({ level: 'warn' }),
});
process.stdout.write(`${JSON.stringify({ port: service.udpPort, buildMs, names: table.counts.names })}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  void service.close().then(() => process.exit(0));
});
