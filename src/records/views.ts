/**
 * The `/v1/axfr` and `/v1/enumerate` bodies, byte for byte as the Go program
 * writes them (`json.MarshalIndent(v, " ", " ")`), produced on request from a
 * record store in UTF-8 chunks of about 256 KiB, so a 100 MB body is never
 * held whole and the caller can yield between chunks.
 */
import { ByteChunks } from '../json/byte-chunks.js';
import { goJsonIndent, goNewline, goQuote, sortUtf8, utf8SortKey } from '../json/go-json.js';
import { TYPE_A, TYPE_AAAA, TYPE_NAMES, TYPE_SRV, type RecordStore, type StoreType } from './store.js';
import type { EnumTask, Enumeration } from './types.js';

/** The HTTP bodies rendered from a record store: `/v1/axfr` and `/v1/enumerate`. */
export type ViewName = 'axfr' | 'enumerate';

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
 * Go's `/v1/axfr` body: for each type, the names that hold values of it,
 * sorted as Go sorts map keys (UTF-8 bytes), each with its values sorted
 * the same way; names that can never go on the wire included.
 */
export function* axfrChunks(store: RecordStore, meta: AxfrMeta): Generator<Uint8Array> {
  const nl1 = goNewline(1);
  const out = new ByteChunks();
  out.text(
    `{${nl1}"TTL": ${goJsonIndent(meta.ttl)},${nl1}"Serial": ${goJsonIndent(meta.serial)},` +
      `${nl1}"RefreshSeconds": ${goJsonIndent(meta.refreshSeconds)},${nl1}"Mname": ${goQuote(meta.mname)},` +
      `${nl1}"Rname": ${goQuote(meta.rname)},${nl1}"Domain": ${goQuote(meta.domain)},${nl1}"Records": {`,
  );
  const sections: [string, StoreType][] = [
    ['As', TYPE_A],
    ['AAAAs', TYPE_AAAA],
    ['SRVs', TYPE_SRV],
  ];
  const nl2 = goNewline(2);
  const nl3 = goNewline(3);
  const nl4 = goNewline(4);
  const values: string[] = [];
  for (const [i, [title, type]] of sections.entries()) {
    out.text(`${i === 0 ? '' : ','}${nl2}"${title}": `);
    const ids = namesWith(store, type);
    if (ids.length === 0) {
      out.text('{}');
      continue;
    }
    out.text('{');
    for (let k = 0; k < ids.length; k++) {
      const id = ids[k]!;
      out.text(`${k === 0 ? '' : ','}${nl3}${goQuote(store.nameText(id))}: [`);
      values.length = 0;
      for (let n = store.firstNode(type, id); n >= 0; n = store.nextNode(type, n)) values.push(store.text(type, n));
      // Go lists a set's values in random order; sorted, the body is the same on every request and every instance.
      if (values.length > 1) sortUtf8(values);
      for (let v = 0; v < values.length; v++) out.text(`${v === 0 ? '' : ','}${nl4}${goQuote(values[v]!)}`);
      out.text(`${nl3}]`);
      if (out.full) yield out.take();
    }
    out.text(`${nl2}}`);
  }
  out.text(`${nl1}}${goNewline(0)}}`);
  yield out.take();
}

/** The ids of the names holding values of `type`, in Go's map-key order. */
function namesWith(store: RecordStore, type: StoreType): number[] {
  const ids: number[] = [];
  for (const id of axfrOrder(store)) if (store.count(type, id) > 0) ids.push(id);
  return ids;
}

const orders = new WeakMap<RecordStore, Int32Array>();

/**
 * Every name holding a value, in Go's map-key order (UTF-8 bytes). Sorting
 * 300,000 names is most of the work of a `/v1/axfr` body, so the order is
 * made once per record store, on the first request or when the refresh
 * worker is idle after a swap (`prepareViews`), and kept with the store.
 */
function axfrOrder(store: RecordStore): Int32Array {
  let order = orders.get(store);
  if (order !== undefined) return order;
  const ids: number[] = [];
  const keys: string[] = [];
  for (let id = 0; id < store.nameCount; id++) {
    if (store.count(TYPE_A, id) + store.count(TYPE_AAAA, id) + store.count(TYPE_SRV, id) === 0) continue;
    ids.push(id);
    keys.push(utf8SortKey(store.nameText(id)));
  }
  // Names are distinct, and so are their sort keys.
  const byKey = [...ids.keys()].sort((x, y) => (keys[x]! < keys[y]! ? -1 : 1));
  order = Int32Array.from(byKey, (i) => ids[i]!);
  orders.set(store, order);
  return order;
}

/** Does now the work every later `/v1/axfr` body of `store` would repeat. */
export function prepareViews(store: RecordStore): void {
  axfrOrder(store);
}

/**
 * Go's `/v1/enumerate` body: every framework in state order with its counted
 * tasks, each with the records it added (`null` when none, as Go's nil
 * slice). Key order is Go's: framework `tasks, name`; task `name, id,
 * records`; record `name, host, rtype`.
 */
export function* enumerateChunks(store: RecordStore, e: Enumeration): Generator<Uint8Array> {
  const out = new ByteChunks();
  out.text(`{${goNewline(1)}"frameworks": `);
  const frameworks = e.frameworks;
  if (frameworks === null || frameworks.length === 0) {
    out.text(`${frameworks === null ? 'null' : '[]'}${goNewline(0)}}`);
    yield out.take();
    return;
  }
  out.text('[');
  const nl3 = goNewline(3);
  for (let f = 0; f < frameworks.length; f++) {
    const fw = frameworks[f]!;
    out.text(`${f === 0 ? '' : ','}${goNewline(2)}{${nl3}"tasks": `);
    if (fw.tasks.length === 0) {
      out.text('[]');
    } else {
      out.text('[');
      for (let t = 0; t < fw.tasks.length; t++) {
        if (t > 0) out.text(',');
        writeTask(out, store, fw.tasks[t]!);
        if (out.full) yield out.take();
      }
      out.text(`${nl3}]`);
    }
    out.text(`,${nl3}"name": ${goQuote(fw.name)}${goNewline(2)}}`);
  }
  out.text(`${goNewline(1)}]${goNewline(0)}}`);
  yield out.take();
}

/** One task object at depth 4, after its newline. */
function writeTask(out: ByteChunks, store: RecordStore, t: EnumTask): void {
  const nl5 = goNewline(5);
  out.text(`${goNewline(4)}{${nl5}"name": ${goQuote(t.name)},${nl5}"id": ${goQuote(t.id)},${nl5}"records": `);
  if (t.from === t.to) {
    out.text(`null${goNewline(4)}}`);
    return;
  }
  const nl6 = goNewline(6);
  const nl7 = goNewline(7);
  const journal = store.journal.items;
  out.text('[');
  for (let j = t.from; j < t.to; j++) {
    const ref = journal[j]!;
    const type = (ref >>> 30) as StoreType;
    const node = ref & 0x3fffffff;
    out.text(
      `${j === t.from ? '' : ','}${nl6}{${nl7}"name": ${goQuote(store.nameText(store.ownerOf(type, node)))},` +
        `${nl7}"host": ${goQuote(store.text(type, node))},${nl7}"rtype": "${TYPE_NAMES[type]!}"${nl6}}`,
    );
  }
  out.text(`${nl5}]${goNewline(4)}}`);
}

/** A whole body from its chunks (tests, small sets). */
export function joinChunks(chunks: Iterable<Uint8Array>): string {
  return Buffer.concat([...chunks]).toString('utf8');
}
