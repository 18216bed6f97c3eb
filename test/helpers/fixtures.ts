/**
 * The one reader of test/fixtures: the golden cluster states, the Go
 * program's output for them (see test/fixtures/README.md), and the tables and
 * configs tests build from them.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfigText } from '../../src/config/load.js';
import { defaultConfig } from '../../src/config/defaults.js';
import type { Config, IPSource } from '../../src/config/types.js';
import type { GenerateInput } from '../../src/records/generator.js';
import { storeOf } from '../../src/records/store-text.js';
import type { RecordSet } from '../../src/records/types.js';
import type { Snapshot } from '../../src/serving.js';
import { tableMetaFor } from '../../src/table/meta.js';
import { openHttpNames, type HttpNamesView } from '../../src/table/http-names.js';
import { packAnswers } from '../../src/table/packed-answers.js';
import { RecordTable, type TableMeta } from '../../src/table/table.js';
import { LiveTable } from '../../src/table/live.js';

export const FIXTURES_DIR = join(import.meta.dirname, '..', 'fixtures');

/** Fixture names that hold a cluster state. */
export type FixtureName = 'docker-mesos-120' | 'nasty-300' | 'nasty-300-host-rfc952' | 'upstream-fake';

export function fixtureNames(): FixtureName[] {
  return readdirSync(FIXTURES_DIR)
    .filter((n) => existsSync(join(FIXTURES_DIR, n, 'state.json')))
    .sort() as FixtureName[];
}

const texts = new Map<string, string>();

/** A fixture file's text, as the Go program wrote it (read once per test file). */
export function fixtureText(name: string, file: 'state.json' | 'config.json' | 'axfr.json' | 'enumerate.json'): string {
  const path = join(FIXTURES_DIR, name, file);
  let text = texts.get(path);
  if (text === undefined) {
    text = readFileSync(path, 'utf8');
    texts.set(path, text);
  }
  return text;
}

export function readFixture(
  name: string,
  file: 'state.json' | 'config.json' | 'axfr.json' | 'enumerate.json',
): unknown {
  return JSON.parse(fixtureText(name, file));
}

/** A fresh (mutable) copy of a fixture's state document. */
export function fixtureState(name: string = 'upstream-fake'): Record<string, unknown> {
  return readFixture(name, 'state.json') as Record<string, unknown>;
}

/** A copy of `state` whose `leader` is `leader` (e.g. `master@127.0.0.1:PORT`). */
export function stateWithLeader(state: Record<string, unknown>, leader: string): Record<string, unknown> {
  return { ...state, leader };
}

/** A fixture's config.json, validated as the program does, away from this host's resolv.conf and interfaces. */
export function fixtureConfig(name: string): Config {
  return parseConfigText(fixtureText(name, 'config.json'), '/etc/mesos-dns/config.json', {
    resolvConfPath: '/nonexistent/resolv.conf',
    localAddresses: () => [],
    now: () => 1_700_000_000_000,
  }).config;
}

/** The fixture machine's resolver: the Go program resolved `localhost` to 127.0.0.1 only. */
export const FIXTURE_RESOLVER: ReadonlyMap<string, readonly string[]> = new Map([['localhost', ['127.0.0.1']]]);

/** The generator's input for a fixture, as the Go program ran it (its config.json, the fixture machine's resolver). */
export function fixtureGenerateInput(name: string): GenerateInput {
  const raw = readFixture(name, 'config.json') as Record<string, unknown>;
  const get = (k: string) => Object.entries(raw).find(([key]) => key.toLowerCase() === k.toLowerCase())?.[1];
  return {
    domain: String(get('domain') ?? 'mesos').toLowerCase(),
    enforceRFC952: get('enforceRFC952') === true,
    ipSources: (get('IPSources') as IPSource[] | undefined) ?? ['netinfo', 'mesos', 'host'],
    soaMname: String(get('SOAMname') ?? 'ns1.mesos').replace(/\.*$/, '.'),
    listener: String(get('listener') ?? '0.0.0.0'),
    masters: (get('masters') as string[] | undefined) ?? [],
    healthyOnly: false,
    resolved: FIXTURE_RESOLVER,
    interfaceAddrs: [],
  };
}

/** A `/v1/axfr` document as the Go program writes it. */
export interface AxfrDoc {
  TTL: number;
  RefreshSeconds: number;
  Mname: string;
  Rname: string;
  Domain: string;
  Records: { As: Record<string, string[]>; AAAAs: Record<string, string[]>; SRVs: Record<string, string[]> };
}

/** A RecordSet whose values are all arrays, as read from a golden file. */
export interface ListRecordSet {
  a: Map<string, string[]>;
  aaaa: Map<string, string[]>;
  srv: Map<string, string[]>;
}

/** The Records of a `/v1/axfr` document as a RecordSet (value order as in the document). */
export function axfrRecords(doc: Pick<AxfrDoc, 'Records'>): ListRecordSet {
  const toMap = (o: Record<string, string[]> | undefined) => new Map(Object.entries(o ?? {}));
  return { a: toMap(doc.Records.As), aaaa: toMap(doc.Records.AAAAs), srv: toMap(doc.Records.SRVs) };
}

export function parseAxfr(text: string): { doc: AxfrDoc; records: ListRecordSet } {
  const doc = JSON.parse(text) as AxfrDoc;
  return { doc, records: axfrRecords(doc) };
}

/** The Go program's records for a fixture (its `axfr.json`) as a RecordSet. */
export function fixtureRecords(name: string = 'upstream-fake'): ListRecordSet {
  return parseAxfr(fixtureText(name, 'axfr.json')).records;
}

/**
 * The golden files were saved as `MarshalIndent(v, "", " ")`; the HTTP API writes
 * `MarshalIndent(v, " ", " ")` (go-restful), which differs only by the prefix space
 * that starts every line after the first.
 */
export const withGoPrefix = (golden: string): string => golden.replaceAll('\n', '\n ');

export const TEST_META: TableMeta = tableMetaFor(defaultConfig(), 1);

/** A table of records given as text (a golden file, a test's literal set). */
export function tableOf(records: RecordSet | ListRecordSet, meta: TableMeta = TEST_META): RecordTable {
  return RecordTable.build(storeOf(records), meta);
}

/** A table of a fixture's golden records. */
export function fixtureTable(name: string = 'upstream-fake', meta: Partial<TableMeta> = {}): RecordTable {
  return tableOf(fixtureRecords(name), { ...TEST_META, ...meta });
}

/** A Snapshot around a table (with no HTTP-only names unless given), for ServingState.swap in tests. */
export function snapshotOf(
  table: RecordTable,
  httpNames: HttpNamesView = openHttpNames({ hosts: packAnswers([]), services: packAnswers([]), size: 0, leftOut: 0 }),
): Snapshot {
  return {
    table: new LiveTable(table),
    httpNames,
    baseHttpNames: httpNames,
    serial: table.meta.serial,
    leader: 'master@127.0.0.1:5050',
    master: '127.0.0.1:5050',
    loadedAt: Date.now(),
    buildMs: 0,
    counts: { ...table.counts, tasks: 0 },
  };
}
