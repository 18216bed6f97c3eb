// A refresh worker that sends each table's HTTP-only names a fifth of a second
// after the table, as a slow pass over a large table would. Refresh n builds a
// table of serial n holding `long-n` (a label over 63 octets: only HTTP can
// answer it) and `web.marathon.mesos.`.
import { parentPort } from 'node:worker_threads';
import { defaultConfig } from '../../dist/src/config/defaults.js';
import { storeOf } from '../../dist/src/records/store-text.js';
import { httpOnlyNames } from '../../dist/src/table/http-names.js';
import { tableMetaFor } from '../../dist/src/table/meta.js';
import { RecordTable } from '../../dist/src/table/table.js';

const longName = (n) => `${'x'.repeat(70)}-${n}.marathon.mesos.`;

let serial = 0;
parentPort.on('message', (msg) => {
  if (msg.type !== 'refresh') return;
  serial++;
  const records = {
    a: new Map([
      [longName(serial), '10.0.0.1'],
      ['web.marathon.mesos.', `10.0.1.${serial}`],
    ]),
    aaaa: new Map(),
    srv: new Map(),
  };
  const store = storeOf(records);
  const { table, plan } = RecordTable.buildWithPlan(store, tableMetaFor(defaultConfig(), serial));
  const result = {
    kind: 'table',
    seq: serial,
    source: 'poll',
    tableBuffer: table.buffer,
    serial,
    leader: 'master@127.0.0.1:5050',
    master: '127.0.0.1:5050',
    counts: { a: 2, aaaa: 0, srv: 0, ptr: 0, names: 1, tasks: 2 },
    generation: serial,
    timings: { fetchMs: 0, generateMs: 0, buildMs: 0, totalMs: 0 },
    skippedItems: 0,
    stateBytes: 0,
    compaction: false,
  };
  parentPort.postMessage({ type: 'result', id: msg.id, ok: true, result }, [table.buffer]);
  const httpNames = httpOnlyNames(store, plan);
  const names = { type: 'http-names', serial, httpNames };
  setTimeout(() => parentPort.postMessage(names, [httpNames.hosts, httpNames.services]), 200);
});
