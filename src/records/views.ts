/**
 * The `/v1/axfr` and `/v1/enumerate` bodies, byte for byte as the Go program
 * writes them (`json.MarshalIndent(v, " ", " ")`), produced on request from a
 * record store in chunks of about CHUNK_CHARS characters, so a 100 MB body is
 * never one string and the caller can yield between chunks.
 */
import { goJsonIndent, goNewline, goQuote, sortUtf8 } from '../json/go-json.js';
import { TYPE_A, TYPE_AAAA, TYPE_NAMES, TYPE_SRV, type RecordStore, type StoreType } from './store.js';
import type { EnumFramework, EnumTask, Enumeration } from './types.js';

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

/** About how much text a chunk holds before it is handed out. */
const CHUNK_CHARS = 256 * 1024;

/** Collects parts and hands them out joined, about CHUNK_CHARS at a time. */
class Chunker {
  private parts: string[] = [];
  private size = 0;

  add(s: string): string | null {
    this.parts.push(s);
    this.size += s.length;
    return this.size >= CHUNK_CHARS ? this.take() : null;
  }

  take(): string {
    const out = this.parts.join('');
    this.parts = [];
    this.size = 0;
    return out;
  }
}

/**
 * Go's `/v1/axfr` body: for each type, the names that hold values of it,
 * sorted as Go sorts map keys (UTF-8 bytes), each with its values sorted
 * the same way; names that can never go on the wire included.
 */
export function* axfrChunks(store: RecordStore, meta: AxfrMeta): Generator<string> {
  const nl1 = goNewline(1);
  const c = new Chunker();
  c.add(
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
  for (const [i, [title, type]] of sections.entries()) {
    c.add(`${i === 0 ? '' : ','}${nl2}"${title}": `);
    const ids = namesWith(store, type);
    if (ids.length === 0) {
      c.add('{}');
      continue;
    }
    c.add('{');
    for (let k = 0; k < ids.length; k++) {
      const id = ids[k]!;
      let entry = `${k === 0 ? '' : ','}${nl3}${goQuote(store.nameText(id))}: [`;
      const values: string[] = [];
      for (let n = store.firstNode(type, id); n >= 0; n = store.nextNode(type, n)) values.push(store.text(type, n));
      // Go lists a set's values in random order; sorted, the body is the same on every request and every instance.
      if (values.length > 1) sortUtf8(values);
      for (let v = 0; v < values.length; v++) entry += `${v === 0 ? '' : ','}${nl4}${goQuote(values[v]!)}`;
      const out = c.add(`${entry}${nl3}]`);
      if (out !== null) yield out;
    }
    c.add(`${nl2}}`);
  }
  c.add(`${nl1}}${goNewline(0)}}`);
  yield c.take();
}

/** The ids of the names holding values of `type`, in Go's map-key order. */
function namesWith(store: RecordStore, type: StoreType): number[] {
  const names: string[] = [];
  const byName = new Map<string, number>();
  for (let id = 0; id < store.nameCount; id++) {
    if (store.count(type, id) === 0) continue;
    const name = store.nameText(id);
    names.push(name);
    byName.set(name, id);
  }
  return sortUtf8(names).map((n) => byName.get(n)!);
}

/**
 * Go's `/v1/enumerate` body: every framework in state order with its counted
 * tasks, each with the records it added (`null` when none, as Go's nil
 * slice). Key order is Go's: framework `tasks, name`; task `name, id,
 * records`; record `name, host, rtype`.
 */
export function* enumerateChunks(store: RecordStore, e: Enumeration): Generator<string> {
  const c = new Chunker();
  c.add(`{${goNewline(1)}"frameworks": `);
  const frameworks = e.frameworks;
  if (frameworks === null || frameworks.length === 0) {
    c.add(`${frameworks === null ? 'null' : '[]'}${goNewline(0)}}`);
    yield c.take();
    return;
  }
  c.add('[');
  for (let f = 0; f < frameworks.length; f++) {
    c.add(`${f === 0 ? '' : ','}${goNewline(2)}`);
    for (const part of frameworkParts(store, frameworks[f]!)) {
      const out = c.add(part);
      if (out !== null) yield out;
    }
  }
  c.add(`${goNewline(1)}]${goNewline(0)}}`);
  yield c.take();
}

/** One framework object at depth 2, in parts of a task each. */
function* frameworkParts(store: RecordStore, f: EnumFramework): Generator<string> {
  const nl3 = goNewline(3);
  yield `{${nl3}"tasks": `;
  if (f.tasks.length === 0) {
    yield '[]';
  } else {
    yield '[';
    for (let t = 0; t < f.tasks.length; t++)
      yield `${t === 0 ? '' : ','}${goNewline(4)}${taskJson(store, f.tasks[t]!)}`;
    yield `${nl3}]`;
  }
  yield `,${nl3}"name": ${goQuote(f.name)}${goNewline(2)}}`;
}

/** One task object at depth 4. */
function taskJson(store: RecordStore, t: EnumTask): string {
  const nl5 = goNewline(5);
  let out = `{${nl5}"name": ${goQuote(t.name)},${nl5}"id": ${goQuote(t.id)},${nl5}"records": `;
  if (t.from === t.to) return `${out}null${goNewline(4)}}`;
  const nl6 = goNewline(6);
  const nl7 = goNewline(7);
  const journal = store.journal.items;
  out += '[';
  for (let j = t.from; j < t.to; j++) {
    const ref = journal[j]!;
    const type = (ref >>> 30) as StoreType;
    const node = ref & 0x3fffffff;
    out +=
      `${j === t.from ? '' : ','}${nl6}{${nl7}"name": ${goQuote(store.nameText(store.ownerOf(type, node)))},` +
      `${nl7}"host": ${goQuote(store.text(type, node))},${nl7}"rtype": "${TYPE_NAMES[type]!}"${nl6}}`;
  }
  return `${out}${nl5}]${goNewline(4)}}`;
}

/** A whole body from its chunks (tests, small sets). */
export function joinChunks(chunks: Iterable<string>): string {
  let out = '';
  for (const c of chunks) out += c;
  return out;
}
