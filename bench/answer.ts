/**
 * Micro-benchmark of answer() alone on a synthetic 5,000-task table.
 * Prints figures only; run with `npm run build && node dist/bench/answer.js`.
 */
import { answer } from '../src/dns/answer/answer.js';
import type { AnswerContext } from '../src/dns/answer/verdict.js';
import { DnsStats } from '../src/dns/stats/counters.js';
import { QTYPE } from '../src/wire/constants.js';
import { buildQuery } from '../test/helpers/dns-msg.js';
import { RecordTable } from '../src/table/table.js';
import { storeOf } from '../src/records/store-text.js';
import { addValue } from '../src/records/record-set.js';
import type { RecordSet } from '../src/records/types.js';
import { defaultConfig } from '../src/config/defaults.js';
import { tableMetaFor } from '../src/table/meta.js';

const TASKS = 5000;
const APPS = 500;

function taskName(i: number): string {
  return `app-${i % APPS}-t${i.toString(36)}-s${i % 250}`;
}

function syntheticRecords(): RecordSet {
  const rs: RecordSet = { a: new Map(), aaaa: new Map(), srv: new Map() };
  for (let i = 0; i < TASKS; i++) {
    const app = `app-${i % APPS}`;
    const ip = `10.${(i >> 16) & 0xff}.${(i >> 8) & 0xff}.${i & 0xff}`;
    const agentIp = `10.200.${(i % 250) >> 8}.${i % 250}`;
    const task = taskName(i);
    addValue(rs.a, `${app}.marathon.mesos.`, ip);
    addValue(rs.a, `${task}.marathon.mesos.`, ip);
    addValue(rs.a, `${app}.marathon.slave.mesos.`, agentIp);
    addValue(rs.a, `${task}.marathon.slave.mesos.`, agentIp);
    addValue(rs.srv, `_${app}._tcp.marathon.mesos.`, `${task}.marathon.slave.mesos.:${31000 + (i % 1000)}`);
  }
  return rs;
}

function main(): void {
  const records = syntheticRecords();
  const t0 = performance.now();
  const table = RecordTable.build(storeOf(records), tableMetaFor(defaultConfig(), 1));
  const buildMs = performance.now() - t0;
  const t1 = performance.now();
  const adopted = RecordTable.fromBuffer(table.buffer);
  const adoptMs = performance.now() - t1;
  console.log(
    `table: ${table.counts.names} names, ${table.counts.a} A, ${table.counts.srv} SRV, ${(table.buffer.byteLength / 1024).toFixed(0)} KiB; build ${buildMs.toFixed(1)} ms, fromBuffer ${adoptMs.toFixed(3)} ms`,
  );

  const mixes: Record<string, Buffer[]> = {
    'A (task name)': [],
    'A (app, 10 records)': [],
    'SRV (10 + glue)': [],
    NXDOMAIN: [],
  };
  for (let i = 0; i < 1000; i++) {
    const app = `app-${i % APPS}`;
    mixes['A (task name)']!.push(buildQuery(`${taskName((i * 7) % TASKS)}.marathon.mesos.`, { id: i, qtype: QTYPE.A }));
    mixes['A (app, 10 records)']!.push(buildQuery(`${app}.Marathon.mesos.`, { id: i, qtype: QTYPE.A, edns: 1232 }));
    mixes['SRV (10 + glue)']!.push(buildQuery(`_${app}._tcp.marathon.mesos.`, { id: i, qtype: QTYPE.SRV, edns: 4096 }));
    mixes.NXDOMAIN!.push(buildQuery(`nothere-${i}.marathon.mesos.`, { id: i, qtype: QTYPE.A }));
  }
  const ctx: AnswerContext = {
    transport: 'udp',
    domain: 'mesos',
    recursionAvailable: true,
    externalOn: false,
    setTruncateBit: true,
    ednsMaxUdpSize: 1232,
    stats: new DnsStats(),
  };
  for (const [label, queries] of Object.entries(mixes)) {
    let bytes = 0;
    for (let i = 0; i < 20_000; i++) answer(queries[i % queries.length]!, adopted, ctx);
    const start = performance.now();
    let n = 0;
    while (performance.now() - start < 1500) {
      for (let i = 0; i < 1000; i++) {
        const v = answer(queries[i]!, adopted, ctx);
        if (v.kind === 'reply') bytes += v.reply.length;
      }
      n += 1000;
    }
    const secs = (performance.now() - start) / 1000;
    console.log(
      `${label.padEnd(22)} ${Math.round(n / secs)
        .toLocaleString('en-US')
        .padStart(10)} answers/s  (avg ${Math.round(bytes / n)} bytes)`,
    );
  }
  console.log(
    `stats: answered ${ctx.stats.answered}, nxdomain ${ctx.stats.nxdomain}, truncated ${ctx.stats.truncated}`,
  );
}

main();
