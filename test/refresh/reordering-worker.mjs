// A refresh worker whose results arrive out of build order: asked to refresh, it
// pushes a stream build numbered 2 (serial 2), then answers the poll with a build
// numbered 1 (serial 1), as a poll fetched before a stream build would be. The
// Refresher must keep serving serial 2.
import { parentPort } from 'node:worker_threads';
import { defaultConfig } from '../../dist/src/config/defaults.js';
import { storeOf } from '../../dist/src/records/store-text.js';
import { tableMetaFor } from '../../dist/src/table/meta.js';
import { RecordTable } from '../../dist/src/table/table.js';

function result(seq, source) {
  const records = { a: new Map([[`s${seq}.marathon.mesos.`, '10.0.0.1']]), aaaa: new Map(), srv: new Map() };
  const table = RecordTable.build(storeOf(records), tableMetaFor(defaultConfig(), seq));
  const timings = { fetchMs: 0, generateMs: 0, buildMs: 0, totalMs: 0 };
  const counts = { a: 1, aaaa: 0, srv: 0, names: 1, tasks: 1 };
  return {
    kind: 'table',
    seq,
    source,
    tableBuffer: table.buffer,
    serial: seq,
    leader: 'master@127.0.0.1:5050',
    master: '127.0.0.1:5050',
    counts,
    generation: seq,
    timings,
    skippedItems: 0,
    stateBytes: 0,
  };
}

parentPort.on('message', (msg) => {
  if (msg.type !== 'refresh') return;
  const newer = result(2, 'stream');
  parentPort.postMessage({ type: 'pushed', ok: true, result: newer }, [newer.tableBuffer]);
  const older = result(1, 'poll');
  parentPort.postMessage({ type: 'result', id: msg.id, ok: true, result: older }, [older.tableBuffer]);
});
