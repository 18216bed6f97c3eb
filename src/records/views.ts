/**
 * The `/v1/axfr` and `/v1/enumerate` bodies, byte for byte as the Go program
 * writes them (`json.MarshalIndent(v, " ", " ")`), produced on request from a
 * record store in UTF-8 chunks of about 256 KiB, written into buffers the caller
 * gives (`ChunkSource`), so a 100 MB body is never held whole and the caller
 * can yield between chunks.
 */
import { ByteChunks, CHUNK_BYTES, CHUNK_SLACK_BYTES, newBuffers, type ChunkSource } from '../json/byte-chunks.js';
import { goJsonIndent, goNewline, goQuote, utf8SortKey } from '../json/go-json.js';
import { formatIPv6 } from '../net/ip.js';
import { NameBytes } from './name-bytes.js';
import { TYPE_A, TYPE_AAAA, TYPE_NAMES, TYPE_SRV, type RecordStore, type StoreType } from './store.js';
import type { EnumTask, Enumeration } from './types.js';

/** The HTTP bodies rendered from a record store: `/v1/axfr` and `/v1/enumerate`. */
export type ViewName = 'axfr' | 'enumerate';

export type { ChunkSource };

/** A buffer of this size holds any chunk of a body, but one with a value too large for it. */
export const VIEW_CHUNK_BUFFER_BYTES = CHUNK_BYTES + CHUNK_SLACK_BYTES;

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
export function* axfrChunks(
  store: RecordStore,
  meta: AxfrMeta,
  source: ChunkSource = newBuffers,
): Generator<Uint8Array> {
  const nl1 = goNewline(1);
  const out = new ByteChunks(CHUNK_BYTES, source);
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
  const order = axfrOrder(store);
  const nameBytes = nameBytesOf(store);
  for (const [i, [title, type]] of sections.entries()) {
    out.text(`${i === 0 ? '' : ','}${nl2}"${title}": `);
    const { names, values } = order[type]!;
    if (names.length === 0) {
      out.text('{}');
      continue;
    }
    out.byte(0x7b);
    let v = 0;
    for (let k = 0; k < names.length; k++) {
      const id = names[k]!;
      out.all(k === 0 ? AXFR_NAME_FIRST : AXFR_NAME_NEXT);
      writeNameText(out, store, nameBytes, id);
      out.all(AXFR_VALUES_OPEN);
      writeValueText(out, store, nameBytes, type, values[v++]!);
      for (let left = store.count(type, id) - 1; left > 0; left--) {
        out.all(AXFR_VALUE_NEXT);
        writeValueText(out, store, nameBytes, type, values[v++]!);
      }
      out.all(AXFR_VALUES_CLOSE);
      if (out.full) yield out.take();
    }
    out.text(`${nl2}}`);
  }
  out.text(`${nl1}}${goNewline(0)}}`);
  yield out.take();
}

/** The punctuation of a name's entry in `/v1/axfr`, around its text and its values' texts. */
const AXFR_NAME_FIRST = latin1(`${goNewline(3)}"`);
const AXFR_NAME_NEXT = latin1(`,${goNewline(3)}"`);
const AXFR_VALUES_OPEN = latin1(`": [${goNewline(4)}"`);
const AXFR_VALUE_NEXT = latin1(`",${goNewline(4)}"`);
const AXFR_VALUES_CLOSE = latin1(`"${goNewline(3)}]`);

/** For one type: the names holding values of it, in Go's map-key order, and their values' nodes in body order. */
interface TypeOrder {
  names: Int32Array;
  /** each name's value nodes in turn (`count` of them), sorted as Go sorts strings (UTF-8 bytes) */
  values: Int32Array;
}

const orders = new WeakMap<RecordStore, readonly TypeOrder[]>();
const nameBytes = new WeakMap<RecordStore, NameBytes>();

/** The bytes of `store`'s names, made on first use and kept with the store. */
function nameBytesOf(store: RecordStore): NameBytes {
  let bytes = nameBytes.get(store);
  if (bytes === undefined) {
    bytes = new NameBytes(store.names);
    nameBytes.set(store, bytes);
  }
  return bytes;
}

/**
 * The order of a `/v1/axfr` body: for each type, its names (UTF-8 byte order)
 * and each name's values (the same order; Go lists a set's values in random
 * order, and sorted, the body is the same on every request and every
 * instance). Sorting 400,000 names and the values of each set is most of the
 * work of a body, so the order is made once per record store, on the first
 * request or when the refresh worker is idle after a swap (`prepareViews`), and
 * kept with the store: one 32-bit number per name and per record.
 */
function axfrOrder(store: RecordStore): readonly TypeOrder[] {
  let order = orders.get(store);
  if (order !== undefined) return order;
  const bytes = nameBytesOf(store);
  let count = 0;
  for (let id = 0; id < store.nameCount; id++) if (store.hasValues(id)) count++;
  const sorted = new Int32Array(count);
  for (let id = 0, k = 0; id < store.nameCount; id++) if (store.hasValues(id)) sorted[k++] = id;
  sorted.sort((a, b) => bytes.compare(a, b));
  order = STORE_TYPES.map((type) => typeOrder(store, type, sorted));
  orders.set(store, order);
  return order;
}

const STORE_TYPES: readonly StoreType[] = [TYPE_A, TYPE_AAAA, TYPE_SRV];

function typeOrder(store: RecordStore, type: StoreType, sorted: Int32Array): TypeOrder {
  let nameCount = 0;
  for (const id of sorted) if (store.count(type, id) > 0) nameCount++;
  const names = new Int32Array(nameCount);
  const values = new Int32Array(store.valueCount(type));
  const keys: string[] = [];
  const nodes: number[] = [];
  let k = 0;
  let v = 0;
  for (const id of sorted) {
    const first = store.firstNode(type, id);
    if (first < 0) continue;
    names[k++] = id;
    if (store.nextNode(type, first) < 0) {
      values[v++] = first;
      continue;
    }
    keys.length = 0;
    nodes.length = 0;
    for (let n = first; n >= 0; n = store.nextNode(type, n)) {
      nodes.push(n);
      keys.push(utf8SortKey(store.text(type, n)));
    }
    sortTogether(keys, nodes);
    for (const node of nodes) values[v++] = node;
  }
  return { names, values };
}

/**
 * Sorts `nodes` by `keys` (equal keys are equal texts, whose order does not show in the body). Most sets hold a
 * few values: an insertion sort of those costs less than the native sort's calls to a comparator.
 */
function sortTogether(keys: string[], nodes: number[]): void {
  const n = keys.length;
  if (n > 16) {
    const byKey = nodes.map((_, i) => i).sort((x, y) => (keys[x]! < keys[y]! ? -1 : keys[x]! > keys[y]! ? 1 : 0));
    const sortedNodes = byKey.map((i) => nodes[i]!);
    for (let i = 0; i < n; i++) nodes[i] = sortedNodes[i]!;
    return;
  }
  for (let i = 1; i < n; i++) {
    const key = keys[i]!;
    const node = nodes[i]!;
    let j = i - 1;
    for (; j >= 0 && keys[j]! > key; j--) {
      keys[j + 1] = keys[j]!;
      nodes[j + 1] = nodes[j]!;
    }
    keys[j + 1] = key;
    nodes[j + 1] = node;
  }
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
export function* enumerateChunks(
  store: RecordStore,
  e: Enumeration,
  source: ChunkSource = newBuffers,
): Generator<Uint8Array> {
  const out = new ByteChunks(CHUNK_BYTES, source);
  const nameBytes = nameBytesOf(store);
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
        if (t > 0) out.byte(0x2c);
        writeTask(out, store, nameBytes, fw.tasks[t]!);
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
function writeTask(out: ByteChunks, store: RecordStore, nameBytes: NameBytes, t: EnumTask): void {
  out.all(TASK_NAME);
  out.escaped(t.name);
  out.all(TASK_ID);
  out.escaped(t.id);
  out.all(TASK_RECORDS);
  if (t.from === t.to) {
    out.all(NO_RECORDS);
    return;
  }
  const journal = store.journal.items;
  for (let j = t.from; j < t.to; j++) {
    const ref = journal[j]!;
    const type = (ref >>> 30) as StoreType;
    const node = ref & 0x3fffffff;
    out.all(j === t.from ? RECORD_FIRST : RECORD_NEXT);
    writeNameText(out, store, nameBytes, store.ownerOf(type, node));
    out.all(RECORD_HOST);
    writeValueText(out, store, nameBytes, type, node);
    out.all(RECORD_END[type]!);
  }
  out.all(RECORDS_END);
}

/** The punctuation of a task in `/v1/enumerate`, around its name, its id and its records. */
const TASK_NAME = latin1(`${goNewline(4)}{${goNewline(5)}"name": "`);
const TASK_ID = latin1(`",${goNewline(5)}"id": "`);
const TASK_RECORDS = latin1(`",${goNewline(5)}"records": `);
const NO_RECORDS = latin1(`null${goNewline(4)}}`);

/** The punctuation of a record in `/v1/enumerate`, around its name's and its value's texts. */
const RECORD_FIRST = latin1(`[${goNewline(6)}{${goNewline(7)}"name": "`);
const RECORD_NEXT = latin1(`,${goNewline(6)}{${goNewline(7)}"name": "`);
const RECORD_HOST = latin1(`",${goNewline(7)}"host": "`);
const RECORD_END = TYPE_NAMES.map((t) => latin1(`",${goNewline(7)}"rtype": "${t}"${goNewline(6)}}`));
const RECORDS_END = latin1(`${goNewline(5)}]${goNewline(4)}}`);

function latin1(s: string): Uint8Array {
  return Buffer.from(s, 'latin1');
}

/** A name's text escaped, without quotes: its bytes as they are, unless Go escapes something in it. */
function writeNameText(out: ByteChunks, store: RecordStore, nameBytes: NameBytes, id: number): void {
  if (nameBytes.escapes[id] === 1) out.escaped(store.nameText(id));
  else out.bytes(nameBytes.bytes, nameBytes.starts[id]!, nameBytes.starts[id + 1]!);
}

/** A value's text escaped, without quotes, as `store.text` would give it, written without building it. */
function writeValueText(
  out: ByteChunks,
  store: RecordStore,
  nameBytes: NameBytes,
  type: StoreType,
  node: number,
): void {
  const raw = store.rawOf(type, node);
  if (raw !== undefined) {
    out.escaped(raw);
  } else if (type === TYPE_A) {
    const ip = store.aOf(node);
    writeOctet(out, ip >>> 24);
    out.byte(0x2e);
    writeOctet(out, (ip >>> 16) & 255);
    out.byte(0x2e);
    writeOctet(out, (ip >>> 8) & 255);
    out.byte(0x2e);
    writeOctet(out, ip & 255);
  } else if (type === TYPE_AAAA) {
    out.ascii(formatIPv6(store.aaaaBytes(), node * 16));
  } else {
    writeNameText(out, store, nameBytes, store.srvTargetOf(node));
    out.byte(0x3a);
    const port = store.srvPortOf(node);
    if (Number.isInteger(port) && port >= 0 && port < 0x80000000) out.uint(port);
    else out.ascii(String(port));
  }
}

/** The decimal digits of 0 to 255, three bytes apart, and how many each has. */
const OCTET_DIGITS = new Uint8Array(256 * 3);
const OCTET_LENGTHS = new Uint8Array(256);
for (let o = 0; o < 256; o++) {
  const digits = String(o);
  OCTET_DIGITS.set(latin1(digits), o * 3);
  OCTET_LENGTHS[o] = digits.length;
}

function writeOctet(out: ByteChunks, octet: number): void {
  out.bytes(OCTET_DIGITS, octet * 3, octet * 3 + OCTET_LENGTHS[octet]!);
}

/** A whole body from its chunks (tests, small sets). */
export function joinChunks(chunks: Iterable<Uint8Array>): string {
  return Buffer.concat([...chunks]).toString('utf8');
}
