import { axfrRecordSet, type ListRecordSet } from './fixtures.js';
import { RecordTable, type TableMeta } from '../../src/table/table.js';
import type { Snapshot } from '../../src/serving.js';
import { defaultConfig } from '../../src/config/defaults.js';
import { tableMetaFor } from '../../src/table/meta.js';

/** The golden `axfr.json` records of a fixture as a RecordSet. */
export function fixtureRecords(name = 'upstream-fake'): ListRecordSet {
  return axfrRecordSet(name);
}

export const TEST_META: TableMeta = tableMetaFor(defaultConfig(), 1);

export function fixtureTable(name = 'upstream-fake', meta: Partial<TableMeta> = {}): RecordTable {
  return RecordTable.build(fixtureRecords(name), { ...TEST_META, ...meta });
}

/** A Snapshot around a table, for ServingState.swap in tests. */
export function snapshotOf(table: RecordTable): Snapshot {
  return {
    table,
    axfrBody: Buffer.from('{}'),
    enumerateBody: Buffer.from('{}'),
    serial: table.meta.serial,
    leader: 'master@127.0.0.1:5050',
    master: '127.0.0.1:5050',
    loadedAt: Date.now(),
    buildMs: 0,
    counts: { a: table.counts.a, aaaa: table.counts.aaaa, srv: table.counts.srv, names: table.counts.names, tasks: 0 },
  };
}
