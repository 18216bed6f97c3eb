/**
 * The `/v1/axfr` and `/v1/enumerate` bodies. Rendered once per refresh (in the
 * refresh worker) and stored in the Snapshot as strings, so serving them costs
 * nothing per request.
 */
import { valuesOf } from './record-set.js';
import type { EnumFramework, EnumTask, Enumeration, RecordSet, Values } from './types.js';
import { allPlain, goJsonIndent, goNewline, goQuote, goStringArray, sortUtf8 } from '../json/go-json.js';

export interface AxfrMeta {
  ttl: number;
  serial: number;
  refreshSeconds: number;
  /** with trailing dot, e.g. `ns1.mesos.` */
  mname: string;
  /** with trailing dot, e.g. `root.ns1.mesos.` */
  rname: string;
  domain: string;
}

/**
 * Go's `/v1/axfr` body: names sorted as Go sorts map keys (UTF-8 bytes), values in
 * set order. Written directly instead of through `goJsonIndent` because a large
 * cluster has hundreds of thousands of values and this runs on every refresh.
 */
export function renderAxfr(records: RecordSet, meta: AxfrMeta): string {
  const nl1 = goNewline(1);
  return (
    '{' +
    nl1 +
    '"TTL": ' +
    goJsonIndent(meta.ttl) +
    ',' +
    nl1 +
    '"Serial": ' +
    goJsonIndent(meta.serial) +
    ',' +
    nl1 +
    '"RefreshSeconds": ' +
    goJsonIndent(meta.refreshSeconds) +
    ',' +
    nl1 +
    '"Mname": ' +
    goQuote(meta.mname) +
    ',' +
    nl1 +
    '"Rname": ' +
    goQuote(meta.rname) +
    ',' +
    nl1 +
    '"Domain": ' +
    goQuote(meta.domain) +
    ',' +
    nl1 +
    '"Records": {' +
    goNewline(2) +
    '"As": ' +
    renderNameMap(records.a) +
    ',' +
    goNewline(2) +
    '"AAAAs": ' +
    renderNameMap(records.aaaa) +
    ',' +
    goNewline(2) +
    '"SRVs": ' +
    renderNameMap(records.srv) +
    nl1 +
    '}' +
    goNewline(0) +
    '}'
  );
}

/** One `name → [values]` map at depth 2 of the AXFR document. */
function renderNameMap(m: ReadonlyMap<string, Values>): string {
  if (m.size === 0) return '{}';
  const names = sortUtf8([...m.keys()]);
  const quote = allPlain(names) ? plainQuote : goQuote;
  const nl3 = goNewline(3);
  const parts = new Array<string>(names.length);
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    parts[i] = nl3 + quote(name) + ': ' + goStringArray(valuesOf(m.get(name)!), 3);
  }
  return '{' + parts.join(',') + goNewline(2) + '}';
}

const plainQuote = (s: string): string => '"' + s + '"';

/**
 * Go's `/v1/enumerate` body. Key order is written out here rather than taken from
 * the objects, so it stays Go's whatever order the generator built them in.
 */
export function renderEnumerate(e: Enumeration): string {
  const nl1 = goNewline(1);
  return '{' + nl1 + '"frameworks": ' + renderList(e.frameworks, 1, renderFramework) + goNewline(0) + '}';
}

function renderFramework(f: EnumFramework, depth: number): string {
  const nl = goNewline(depth + 1);
  return (
    '{' +
    nl +
    '"tasks": ' +
    renderList(f.tasks, depth + 1, renderTask) +
    ',' +
    nl +
    '"name": ' +
    goQuote(f.name) +
    goNewline(depth) +
    '}'
  );
}

function renderTask(t: EnumTask, depth: number): string {
  const nl = goNewline(depth + 1);
  const quote = allPlain([t.name, t.id]) && (t.records === null || allPlain(t.records)) ? plainQuote : goQuote;
  return (
    '{' +
    nl +
    '"name": ' +
    quote(t.name) +
    ',' +
    nl +
    '"id": ' +
    quote(t.id) +
    ',' +
    nl +
    '"records": ' +
    renderRecords(t.records, depth + 1, quote) +
    goNewline(depth) +
    '}'
  );
}

/** A task's flattened `name, host, rtype` triples as Go's slice of record objects at `depth`. */
function renderRecords(flat: readonly string[] | null, depth: number, quote: (s: string) => string): string {
  if (flat === null) return 'null';
  if (flat.length === 0) return '[]';
  const nl = goNewline(depth + 1);
  const nlr = goNewline(depth + 2);
  const parts = new Array<string>(flat.length / 3);
  for (let i = 0; i < flat.length; i += 3) {
    parts[i / 3] =
      '{' +
      nlr +
      '"name": ' +
      quote(flat[i]!) +
      ',' +
      nlr +
      '"host": ' +
      quote(flat[i + 1]!) +
      ',' +
      nlr +
      '"rtype": ' +
      quote(flat[i + 2]!) +
      nl +
      '}';
  }
  return '[' + nl + parts.join(',' + nl) + goNewline(depth) + ']';
}

/** A Go slice at `depth`: `null` when nil, `[]` when empty. */
function renderList<T>(items: readonly T[] | null, depth: number, one: (item: T, depth: number) => string): string {
  if (items === null) return 'null';
  if (items.length === 0) return '[]';
  const nl = goNewline(depth + 1);
  const parts = new Array<string>(items.length);
  for (let i = 0; i < items.length; i++) parts[i] = one(items[i]!, depth + 1);
  return '[' + nl + parts.join(',' + nl) + goNewline(depth) + ']';
}
