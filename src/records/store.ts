/**
 * The generator's output: every name with its A, AAAA and SRV values, as the
 * Go program's three maps hold them, but stored compactly. Names are interned
 * once (an id each); values are numbers in typed arrays (IPv4 as a u32, IPv6
 * as 16 bytes, SRV as target name id + port), kept per name in insertion
 * order in a singly linked list, and de-duplicated as Go's sets are. At
 * 50,000 tasks this replaces hundreds of thousands of small strings and
 * arrays, which is most of what a refresh used to allocate, and the table
 * build reads the values without parsing text again.
 *
 * A value whose text is not the canonical form of its number (only possible
 * when a store is made from text, e.g. a golden file) keeps that text for the
 * HTTP views; DNS uses the number.
 */
import { formatIPv6, ipv4Value, parseIPv6Into, type Addr } from '../net/ip.js';
import type { RecordSet, RecordType, Values } from './types.js';
import { valuesOf } from './record-set.js';

export const TYPE_A = 0;
export const TYPE_AAAA = 1;
export const TYPE_SRV = 2;
export type StoreType = typeof TYPE_A | typeof TYPE_AAAA | typeof TYPE_SRV;
export const TYPE_NAMES: readonly RecordType[] = ['A', 'AAAA', 'SRV'];

/** From this many values on, a side Set answers "already there?" instead of a scan. */
const INDEXED_FROM = 16;
const NONE = -1;

/** A growable typed array; `items` is valid up to `length`. */
class Growable<T extends Uint32Array | Int32Array | Uint8Array | Float64Array> {
  length = 0;
  constructor(
    public items: T,
    private readonly make: (size: number) => T,
  ) {}

  reserve(n: number): void {
    if (this.length + n <= this.items.length) return;
    const grown = this.make(Math.max(this.items.length * 2, this.length + n));
    grown.set(this.items);
    this.items = grown;
  }

  push(v: number): number {
    if (this.length === this.items.length) this.reserve(1);
    this.items[this.length] = v;
    return this.length++;
  }
}

const u32s = (n: number) => new Growable(new Uint32Array(n), (m) => new Uint32Array(m));
const i32s = (n: number) => new Growable(new Int32Array(n), (m) => new Int32Array(m));
const f64s = (n: number) => new Growable(new Float64Array(n), (m) => new Float64Array(m));
const u8s = (n: number) => new Growable(new Uint8Array(n), (m) => new Uint8Array(m));

/** The value nodes of one type: per name a list (head, tail), per node its successor. */
class ValueLists {
  /** by name id */
  readonly head = i32s(1024);
  readonly tail = i32s(1024);
  readonly count = u32s(1024);
  /** by node id */
  readonly next = i32s(1024);
  /** by node id: the name it belongs to */
  readonly owner = u32s(1024);
  /** name id → the keys of its values, once it has INDEXED_FROM or more */
  readonly index = new Map<number, Set<number | string>>();

  growNames(names: number): void {
    for (const g of [this.head, this.tail]) {
      g.reserve(names - g.length);
      g.items.fill(NONE, g.length, names);
      g.length = Math.max(g.length, names);
    }
    this.count.reserve(names - this.count.length);
    this.count.length = Math.max(this.count.length, names);
  }

  /** Links node `node` at the end of name `id`'s list. */
  append(id: number, node: number): void {
    this.next.push(NONE);
    this.owner.push(id);
    const tail = this.tail.items[id]!;
    if (tail === NONE) this.head.items[id] = node;
    else this.next.items[tail] = node;
    this.tail.items[id] = node;
    this.count.items[id]!++;
  }
}

export class RecordStore {
  /** by name id: the name as generated (absolute; may hold upper case or spaces, see docs/compatibility.md) */
  readonly names: string[] = [];
  private readonly ids = new Map<string, number>();
  private readonly lists: [ValueLists, ValueLists, ValueLists] = [new ValueLists(), new ValueLists(), new ValueLists()];
  /** A nodes: the address as an unsigned 32-bit number */
  private readonly aValue = u32s(1024);
  /** AAAA nodes: 16 bytes each */
  private readonly aaaaValue = u8s(16 * 1024);
  /** SRV nodes: the target's name id and the port */
  private readonly srvTarget = u32s(1024);
  private readonly srvPort = f64s(1024);
  /** node key `type:node` → the value's text where it is not the canonical form of the number */
  private readonly rawText = new Map<number, string>();
  /** node keys of values kept as text only: their number means nothing */
  private readonly textOnly = new Set<number>();
  /** per type: some value of that type kept its text */
  private readonly rawSeen = [false, false, false];
  /** some SRV port is outside 0–65535: DNS writes it modulo 2^16, so two values may become one RR */
  srvPortWraps = false;
  /**
   * While a task is generated: the records it added that did not exist
   * before, as `type << 30 | node` per record. /v1/enumerate lists them.
   */
  readonly journal = u32s(4096);
  private journaling = false;

  get nameCount(): number {
    return this.names.length;
  }

  /** The id of `name`, interned on first use. */
  id(name: string): number {
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.names.push(name);
      this.ids.set(name, id);
      if (id >= this.lists[0].head.length) for (const l of this.lists) l.growNames(Math.max(1024, id * 2));
    }
    return id;
  }

  /** The id of `name`, or -1 when it was never interned. */
  find(name: string): number {
    return this.ids.get(name) ?? NONE;
  }

  /** Starts recording what the next insertions add (one task). */
  beginTask(): number {
    this.journaling = true;
    return this.journal.length;
  }

  /** Stops recording; the task's records are `journal[start, returned end)`. */
  endTask(): number {
    this.journaling = false;
    return this.journal.length;
  }

  /** Adds an IPv4 value (as `ipv4Value` gives it) unless present; true when it was new. */
  addA(id: number, ip: number, raw?: string): boolean {
    if (this.holdsA(id, ip, raw)) return false;
    this.link(TYPE_A, id, this.aValue.push(ip), raw, raw === undefined ? ip : undefined);
    return true;
  }

  /** Adds the IPv6 value `bytes[off, off + 16)` unless present; true when it was new. */
  addAAAA(id: number, bytes: Uint8Array, off: number, raw?: string): boolean {
    if (this.holdsAAAA(id, bytes, off, raw)) return false;
    const v = this.aaaaValue;
    v.reserve(16);
    const node = v.length / 16;
    v.items.set(bytes.subarray(off, off + 16), v.length);
    v.length += 16;
    this.link(TYPE_AAAA, id, node, raw, undefined);
    return true;
  }

  /** Adds the SRV value `<names[target]>:<port>` unless present; true when it was new. */
  addSrv(id: number, target: number, port: number, raw?: string): boolean {
    if (this.holdsSrv(id, target, port, raw)) return false;
    const node = this.srvTarget.push(target);
    this.srvPort.push(port);
    if (!(port >= 0 && port < 0x10000)) this.srvPortWraps = true;
    this.link(TYPE_SRV, id, node, raw, undefined);
    return true;
  }

  // The three `holds*` scan a short list and ask the index of a long one; they
  // are written out per type, without callbacks, because they run for every
  // value the generator inserts.

  private holdsA(id: number, ip: number, raw: string | undefined): boolean {
    const list = this.lists[TYPE_A];
    const count = list.count.items[id]!;
    if (count === 0) return false;
    if (count >= INDEXED_FROM) return this.indexOf(TYPE_A, id).has(raw === undefined ? ip : rawIndexKey(raw));
    const next = list.next.items;
    if (raw !== undefined) return this.rawInList(TYPE_A, list.head.items[id]!, next, raw);
    const v = this.aValue.items;
    const checkRaw = this.rawSeen[TYPE_A];
    for (let n = list.head.items[id]!; n !== NONE; n = next[n]!) {
      if (v[n] === ip && !(checkRaw && this.hasRaw(TYPE_A, n))) return true;
    }
    return false;
  }

  private holdsAAAA(id: number, bytes: Uint8Array, off: number, raw: string | undefined): boolean {
    const list = this.lists[TYPE_AAAA];
    const count = list.count.items[id]!;
    if (count === 0) return false;
    if (count >= INDEXED_FROM) {
      return this.indexOf(TYPE_AAAA, id).has(raw === undefined ? formatIPv6(bytes, off) : rawIndexKey(raw));
    }
    const next = list.next.items;
    if (raw !== undefined) return this.rawInList(TYPE_AAAA, list.head.items[id]!, next, raw);
    const v = this.aaaaValue.items;
    const checkRaw = this.rawSeen[TYPE_AAAA];
    for (let n = list.head.items[id]!; n !== NONE; n = next[n]!) {
      let i = 0;
      while (i < 16 && v[n * 16 + i] === bytes[off + i]) i++;
      if (i === 16 && !(checkRaw && this.hasRaw(TYPE_AAAA, n))) return true;
    }
    return false;
  }

  private holdsSrv(id: number, target: number, port: number, raw: string | undefined): boolean {
    const list = this.lists[TYPE_SRV];
    const count = list.count.items[id]!;
    if (count === 0) return false;
    if (count >= INDEXED_FROM) {
      return this.indexOf(TYPE_SRV, id).has(raw === undefined ? `${target}:${port}` : rawIndexKey(raw));
    }
    const next = list.next.items;
    if (raw !== undefined) return this.rawInList(TYPE_SRV, list.head.items[id]!, next, raw);
    const t = this.srvTarget.items;
    const p = this.srvPort.items;
    const checkRaw = this.rawSeen[TYPE_SRV];
    for (let n = list.head.items[id]!; n !== NONE; n = next[n]!) {
      if (t[n] === target && p[n] === port && !(checkRaw && this.hasRaw(TYPE_SRV, n))) return true;
    }
    return false;
  }

  private rawInList(type: StoreType, head: number, next: Int32Array, raw: string): boolean {
    for (let n = head; n !== NONE; n = next[n]!) if (this.rawText.get(rawKey(type, n)) === raw) return true;
    return false;
  }

  private hasRaw(type: StoreType, node: number): boolean {
    return this.rawText.has(rawKey(type, node));
  }

  /** The index of a long list: the keys of its values, built when it first reaches INDEXED_FROM. */
  private indexOf(type: StoreType, id: number): Set<number | string> {
    const list = this.lists[type];
    let set = list.index.get(id);
    if (set === undefined) {
      set = new Set();
      for (let n = list.head.items[id]!; n !== NONE; n = list.next.items[n]!) set.add(this.keyOf(type, n));
      list.index.set(id, set);
    }
    return set;
  }

  /** The index key of a node: its kept text, else its number (A) or canonical text. */
  private keyOf(type: StoreType, node: number): number | string {
    const raw = this.rawOf(type, node);
    if (raw !== undefined) return rawIndexKey(raw);
    if (type === TYPE_A) return this.aValue.items[node]!;
    if (type === TYPE_AAAA) return formatIPv6(this.aaaaValue.items, node * 16);
    return `${this.srvTarget.items[node]}:${this.srvPort.items[node]}`;
  }

  /** Appends a new node to name `id`'s list, its index (when it has one) and the journal. */
  private link(type: StoreType, id: number, node: number, raw: string | undefined, key: number | undefined): void {
    const list = this.lists[type];
    list.append(id, node);
    if (raw !== undefined) {
      this.rawText.set(rawKey(type, node), raw);
      this.rawSeen[type] = true;
    }
    const index = list.index.get(id);
    if (index !== undefined) index.add(key ?? this.keyOf(type, node));
    if (this.journaling) this.journal.push((type << 30) | node);
  }

  /** True when name `id` holds the address. */
  hasAddr(id: number, addr: Addr): boolean {
    return addr.family === 4 ? this.holdsA(id, addr.v4, undefined) : this.holdsAAAA(id, addr.v6, 0, undefined);
  }

  /** Adds an address to name `id`: A or AAAA by its family. */
  addAddr(id: number, addr: Addr): boolean {
    return addr.family === 4 ? this.addA(id, addr.v4) : this.addAAAA(id, addr.v6, 0);
  }

  /** How many values of `type` the store holds. */
  valueCount(type: StoreType): number {
    return type === TYPE_AAAA
      ? this.aaaaValue.length / 16
      : type === TYPE_A
        ? this.aValue.length
        : this.srvTarget.length;
  }

  /** How many values of `type` name `id` holds. */
  count(type: StoreType, id: number): number {
    return this.lists[type].count.items[id] ?? 0;
  }

  /** The first node of name `id`'s values of `type`, or -1; `nextNode` walks on. */
  firstNode(type: StoreType, id: number): number {
    return id < this.lists[type].head.length ? this.lists[type].head.items[id]! : NONE;
  }

  nextNode(type: StoreType, node: number): number {
    return this.lists[type].next.items[node]!;
  }

  /** The name a node belongs to. */
  ownerOf(type: StoreType, node: number): number {
    return this.lists[type].owner.items[node]!;
  }

  aOf(node: number): number {
    return this.aValue.items[node]!;
  }

  /** The 16 bytes of an AAAA node start at `aaaaBytes()[node * 16]`. */
  aaaaBytes(): Uint8Array {
    return this.aaaaValue.items;
  }

  srvTargetOf(node: number): number {
    return this.srvTarget.items[node]!;
  }

  srvPortOf(node: number): number {
    return this.srvPort.items[node]!;
  }

  /** Some value of `type` kept its text (only when the store was made from text). */
  hasRawValues(type: StoreType): boolean {
    return this.rawSeen[type]!;
  }

  /** True when the value exists as text only (it did not parse as its type). */
  isTextOnly(type: StoreType, node: number): boolean {
    return this.textOnly.size > 0 && this.textOnly.has(rawKey(type, node));
  }

  /**
   * The port an SRV value has on the wire: its number modulo 2^16, as the Go
   * program's encoder wrote it; -1 when it has none (a service name, a sign).
   */
  srvDnsPort(node: number): number {
    const raw = this.rawOf(TYPE_SRV, node);
    if (raw === undefined) {
      const port = this.srvPort.items[node]!;
      return port >= 0 && Number.isInteger(port) ? port % 0x10000 : -1;
    }
    const colon = raw.lastIndexOf(':');
    const digits = raw.slice(colon + 1);
    return colon >= 0 && /^[0-9]{1,15}$/.test(digits) ? Number(digits) % 0x10000 : -1;
  }

  /** The text a value was stored with when it is not the canonical form of its number. */
  rawOf(type: StoreType, node: number): string | undefined {
    return this.rawText.size === 0 ? undefined : this.rawText.get(rawKey(type, node));
  }

  /** A value as the Go program stores it: `10.0.0.1`, `2001:db8::1`, `web.marathon.slave.mesos.:31000`. */
  text(type: StoreType, node: number): string {
    const raw = this.rawOf(type, node);
    if (raw !== undefined) return raw;
    if (type === TYPE_A) return formatIPv4Value(this.aValue.items[node]!);
    if (type === TYPE_AAAA) return formatIPv6(this.aaaaValue.items, node * 16);
    return `${this.names[this.srvTarget.items[node]!]!}:${this.srvPort.items[node]!}`;
  }

  private markTextOnly(type: StoreType, node: number): void {
    this.textOnly.add(rawKey(type, node));
  }

  private lastNode(type: StoreType, id: number): number {
    return this.lists[type].tail.items[id]!;
  }

  /** Every name's values as text, the Go program's three maps (for tests and the HTTP views of small sets). */
  toRecordSet(): RecordSet {
    const out: RecordSet = { a: new Map(), aaaa: new Map(), srv: new Map() };
    const maps = [out.a, out.aaaa, out.srv];
    for (let id = 0; id < this.names.length; id++) {
      for (const type of [TYPE_A, TYPE_AAAA, TYPE_SRV] as const) {
        const values: string[] = [];
        for (let n = this.firstNode(type, id); n !== NONE; n = this.nextNode(type, n)) values.push(this.text(type, n));
        if (values.length > 0) maps[type]!.set(this.names[id]!, values.length === 1 ? values[0]! : values);
      }
    }
    return out;
  }

  /**
   * A store holding a record set given as text (a golden file, a test's
   * literal set). Values that do not parse as their type are kept as text:
   * the HTTP views show them, DNS leaves them out.
   */
  static fromRecordSet(rs: {
    a: ReadonlyMap<string, Values>;
    aaaa: ReadonlyMap<string, Values>;
    srv: ReadonlyMap<string, Values>;
  }): RecordStore {
    const s = new RecordStore();
    const bytes = new Uint8Array(16);
    for (const [name, values] of rs.a) {
      const id = s.id(name);
      for (const v of valuesOf(values)) {
        const ip = ipv4Value(v);
        if (s.addA(id, ip < 0 ? 0 : ip, ip < 0 ? v : undefined) && ip < 0)
          s.markTextOnly(TYPE_A, s.lastNode(TYPE_A, id));
      }
    }
    for (const [name, values] of rs.aaaa) {
      const id = s.id(name);
      for (const v of valuesOf(values)) {
        const ok = parseIPv6Into(v, bytes, 0);
        if (!ok) bytes.fill(0);
        const added = s.addAAAA(id, bytes, 0, ok && formatIPv6(bytes, 0) === v ? undefined : v);
        if (added && !ok) s.markTextOnly(TYPE_AAAA, s.lastNode(TYPE_AAAA, id));
      }
    }
    for (const [name, values] of rs.srv) {
      const id = s.id(name);
      for (const v of valuesOf(values)) {
        const colon = v.lastIndexOf(':');
        const target = s.id(colon < 0 ? v : v.slice(0, colon));
        const portText = colon < 0 ? '' : v.slice(colon + 1);
        const canonical = /^(0|[1-9][0-9]{0,14})$/.test(portText) && v.charCodeAt(colon - 1) === 0x2e;
        s.addSrv(id, target, canonical ? Number(portText) : NaN, canonical ? undefined : v);
      }
    }
    return s;
  }
}

/** Index keys of kept text start with a character no number's text or canonical value has. */
function rawIndexKey(raw: string): string {
  return `\u0000${raw}`;
}

function rawKey(type: StoreType, node: number): number {
  return node * 4 + type;
}

function formatIPv4Value(ip: number): string {
  return `${ip >>> 24}.${(ip >>> 16) & 255}.${(ip >>> 8) & 255}.${ip & 255}`;
}
