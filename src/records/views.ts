/**
 * The `/v1/axfr` and `/v1/enumerate` bodies, byte for byte as the Go program
 * writes them (`json.MarshalIndent(v, " ", " ")`), produced on request from a
 * record store in UTF-8 chunks of about 100 KiB, so a 100 MB body is never
 * held whole and the caller can yield between chunks.
 */
import { ByteChunks } from '../json/byte-chunks.js';
import { goJsonIndent, goNewline, goQuote, sortUtf8, utf8SortKey } from '../json/go-json.js';
import { formatIPv6 } from '../net/ip.js';
import { RELATIVE, ROOT } from './names.js';
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
    out.byte(0x7b);
    for (let k = 0; k < ids.length; k++) {
      const id = ids[k]!;
      if (k > 0) out.byte(0x2c);
      out.ascii(nl3);
      writeName(out, store, id);
      out.ascii(': [');
      out.ascii(nl4);
      const first = store.firstNode(type, id);
      if (store.count(type, id) === 1) {
        writeValue(out, store, type, first);
      } else {
        values.length = 0;
        for (let n = first; n >= 0; n = store.nextNode(type, n)) values.push(store.text(type, n));
        // Go lists a set's values in random order; sorted, the body is the same on every request and every instance.
        sortUtf8(values);
        out.quoted(values[0]!);
        for (let v = 1; v < values.length; v++) {
          out.byte(0x2c);
          out.ascii(nl4);
          out.quoted(values[v]!);
        }
      }
      out.ascii(nl3);
      out.byte(0x5d);
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
    if (!store.hasValues(id)) continue;
    ids.push(id);
    keys.push(utf8SortKey(store.nameText(id)));
  }
  // Names are distinct, and so are their sort keys. A typed array of indexes sorts faster than an array of them.
  const byKey = new Uint32Array(ids.length);
  for (let i = 0; i < byKey.length; i++) byKey[i] = i;
  byKey.sort((x, y) => (keys[x]! < keys[y]! ? -1 : 1));
  order = new Int32Array(ids.length);
  for (let i = 0; i < byKey.length; i++) order[i] = ids[byKey[i]!]!;
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
  out.ascii(goNewline(4));
  out.byte(0x7b);
  out.ascii(nl5);
  out.ascii('"name": ');
  out.quoted(t.name);
  out.byte(0x2c);
  out.ascii(nl5);
  out.ascii('"id": ');
  out.quoted(t.id);
  out.byte(0x2c);
  out.ascii(nl5);
  out.ascii('"records": ');
  if (t.from === t.to) {
    out.ascii('null');
    out.ascii(goNewline(4));
    out.byte(0x7d);
    return;
  }
  const nl6 = goNewline(6);
  const nl7 = goNewline(7);
  const journal = store.journal.items;
  out.byte(0x5b);
  for (let j = t.from; j < t.to; j++) {
    const ref = journal[j]!;
    const type = (ref >>> 30) as StoreType;
    const node = ref & 0x3fffffff;
    if (j > t.from) out.byte(0x2c);
    out.ascii(nl6);
    out.byte(0x7b);
    out.ascii(nl7);
    out.ascii('"name": ');
    writeName(out, store, store.ownerOf(type, node));
    out.byte(0x2c);
    out.ascii(nl7);
    out.ascii('"host": ');
    writeValue(out, store, type, node);
    out.byte(0x2c);
    out.ascii(nl7);
    out.ascii(RTYPES[type]!);
    out.ascii(nl6);
    out.byte(0x7d);
  }
  out.ascii(nl5);
  out.byte(0x5d);
  out.ascii(goNewline(4));
  out.byte(0x7d);
}

const RTYPES = TYPE_NAMES.map((t) => `"rtype": "${t}"`);

/**
 * A name quoted, written from its label and its parent's kept text
 * (`NameTree.text` would build a new string for every leaf name, at every use).
 */
function writeName(out: ByteChunks, store: RecordStore, id: number): void {
  out.byte(0x22);
  writeNameText(out, store, id);
  out.byte(0x22);
}

/** A name's text escaped, without quotes. Escapes are per code point and a `.` ends a label: parts escape alone. */
function writeNameText(out: ByteChunks, store: RecordStore, id: number): void {
  const names = store.names;
  const parent = names.parent(id);
  if (parent < 0) {
    out.escaped(names.text(id));
    return;
  }
  out.escaped(names.label(id));
  if (parent === ROOT) out.byte(0x2e);
  else if (parent !== RELATIVE) {
    out.byte(0x2e);
    out.escaped(names.text(parent));
  }
}

/** A value quoted, as `store.text` would give it, written without building its text. */
function writeValue(out: ByteChunks, store: RecordStore, type: StoreType, node: number): void {
  const raw = store.rawOf(type, node);
  if (raw !== undefined) {
    out.quoted(raw);
    return;
  }
  out.byte(0x22);
  if (type === TYPE_A) {
    const ip = store.aOf(node);
    out.uint(ip >>> 24);
    out.byte(0x2e);
    out.uint((ip >>> 16) & 255);
    out.byte(0x2e);
    out.uint((ip >>> 8) & 255);
    out.byte(0x2e);
    out.uint(ip & 255);
  } else if (type === TYPE_AAAA) {
    out.ascii(formatIPv6(store.aaaaBytes(), node * 16));
  } else {
    writeNameText(out, store, store.srvTargetOf(node));
    out.byte(0x3a);
    const port = store.srvPortOf(node);
    if (Number.isInteger(port) && port >= 0 && port < 0x80000000) out.uint(port);
    else out.ascii(String(port));
  }
  out.byte(0x22);
}

/** A whole body from its chunks (tests, small sets). */
export function joinChunks(chunks: Iterable<Uint8Array>): string {
  return Buffer.concat([...chunks]).toString('utf8');
}
