import { readFileSync } from 'node:fs';
import { FIXTURES_DIR, type ListRecordSet } from './fixtures.js';
import { RecordTable, type TableMeta } from '../../src/records/table.js';
import type { Snapshot } from '../../src/serving.js';
import { defaultConfig } from '../../src/config/defaults.js';
import { tableMetaFor } from '../../src/records/table-meta.js';

export const FIXTURES = FIXTURES_DIR;

interface AxfrJson {
  Records: { As: Record<string, string[]>; AAAAs: Record<string, string[]>; SRVs: Record<string, string[]> };
}

/** The golden `axfr.json` records of a fixture as a RecordSet. */
export function fixtureRecords(name = 'upstream-fake'): ListRecordSet {
  const doc = JSON.parse(readFileSync(`${FIXTURES}/${name}/axfr.json`, 'utf8')) as AxfrJson;
  const toMap = (o: Record<string, string[]> | undefined) => new Map(Object.entries(o ?? {}));
  return { a: toMap(doc.Records.As), aaaa: toMap(doc.Records.AAAAs), srv: toMap(doc.Records.SRVs) };
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
