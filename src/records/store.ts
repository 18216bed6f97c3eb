/**
 * The generator's output: every name with its A, AAAA and SRV values, as the
 * Go program's three maps hold them, but stored compactly. Names are nodes of
 * a label tree (names.ts), an id each; values are numbers in typed arrays (IPv4 as a u32, IPv6
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
import { formatIPv6, type Addr } from '../net/ip.js';
import { type MemoryBudget, unlimited } from './budget.js';
import { f64s, u32s, u8s } from './growable.js';
import { NameTree } from './names.js';
import { PtrPairs } from './ptr-pairs.js';
import { RawTexts } from './raw-texts.js';
import { REF_NODE_MASK, REF_TYPE_SHIFT, ValueIndex, bytesKey, numberKey, srvKey, textKey } from './value-index.js';
import { NONE, ValueLists } from './value-lists.js';
import type { RecordType } from './types.js';

export const TYPE_A = 0;
export const TYPE_AAAA = 1;
export const TYPE_SRV = 2;
export type StoreType = typeof TYPE_A | typeof TYPE_AAAA | typeof TYPE_SRV;
export const TYPE_NAMES: readonly RecordType[] = ['A', 'AAAA', 'SRV'];

/**
 * A name's values of one type are in the value index once it has four; until
 * then a new value is compared along its list. At 50,000 tasks a refresh
 * inserts ~1,000,000 values, most of them to a task's own names (one or two
 * addresses, a port or two).
 */
const INDEXED_FROM = 4;

/** How large a store starts: enough for its expected size, so its arrays rarely grow (growth copies them). */
export interface StoreSize {
  names: number;
  /** per type: A, AAAA, SRV */
  values: readonly [number, number, number];
}

const SMALL: StoreSize = { names: 1024, values: [1024, 256, 1024] };

export class RecordStore {
  /** the names, as generated (absolute; may hold upper case or spaces, see docs/compatibility.md) */
  readonly names: NameTree;
  /** what the store's arrays, and the table built from it, may allocate */
  readonly budget: MemoryBudget;
  private readonly lists: [ValueLists, ValueLists, ValueLists];
  /** A nodes: the address as an unsigned 32-bit number */
  private readonly aValue;
  /** AAAA nodes: 16 bytes each */
  private readonly aaaaValue;
  /** SRV nodes: the target's name id and the port */
  private readonly srvTarget;
  private readonly srvPort;
  /** values kept as text (only in stores made from text) */
  private readonly raw = new RawTexts();
  /** the values of every name with `INDEXED_FROM` or more of a type (value-index.ts) */
  private readonly index: ValueIndex;
  /** some SRV port is outside 0–65535: DNS writes it modulo 2^16, so two values may become one RR */
  srvPortWraps = false;
  /**
   * While a task is generated: the records it added that did not exist
   * before, as `type << 30 | node` per record. /v1/enumerate lists them.
   */
  readonly journal;
  private journaling = false;
  /** the PTR pairs (`ptrOn`); empty otherwise */
  readonly ptr: PtrPairs;

  constructor(budget: MemoryBudget = unlimited(), size: StoreSize = SMALL) {
    this.budget = budget;
    this.names = new NameTree(budget, size.names);
    const [a, aaaa, srv] = size.values;
    this.lists = [
      new ValueLists(size.names, a, budget),
      new ValueLists(size.names, aaaa, budget),
      new ValueLists(size.names, srv, budget),
    ];
    for (const l of this.lists) l.growNames(size.names);
    this.aValue = u32s(a, budget);
    this.aaaaValue = u8s(16 * aaaa, budget);
    this.srvTarget = u32s(srv, budget);
    this.srvPort = f64s(srv, budget);
    this.journal = u32s(a + aaaa + srv, budget);
    // About half the values expected: the rest are small names' (`INDEXED_FROM`).
    this.index = new ValueIndex((a + aaaa + srv) >> 1, budget);
    this.ptr = new PtrPairs(budget);
  }

  get nameCount(): number {
    return this.names.size;
  }

  /** The id of the name written `text`, made on first use. */
  id(text: string): number {
    return this.room(this.names.intern(text));
  }

  /** The id of the name `<text>.<parent>` (`text` may hold dots), made on first use. */
  below(parent: number, text: string): number {
    return this.room(this.names.below(parent, text));
  }

  /** The name's text, as interned. */
  nameText(id: number): string {
    return this.names.text(id);
  }

  /** Makes the value lists cover name `id`. */
  private room(id: number): number {
    if (id >= this.lists[0].head.length) for (const l of this.lists) l.growNames(Math.max(1024, id * 2));
    return id;
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
    const list = this.lists[TYPE_A];
    if (list.count.items[id]! < INDEXED_FROM) {
      for (let node = list.head.items[id]!; node !== NONE; node = list.next.items[node]!) {
        if (this.sameA(node, ip, raw)) return false;
      }
      this.link(TYPE_A, id, this.aValue.push(ip), raw);
      return true;
    }
    const key = raw === undefined ? numberKey(id, TYPE_A, ip) : textKey(id, TYPE_A, raw);
    const slots = this.index.slots;
    const mask = (slots.length >>> 1) - 1;
    const k = key >>> 0;
    let p = key & mask;
    for (let ref = slots[2 * p]!; ref !== 0; p = (p + 1) & mask, ref = slots[2 * p]!) {
      if (slots[2 * p + 1] !== k) continue;
      const node = (ref - 1) & REF_NODE_MASK;
      if ((ref - 1) >>> REF_TYPE_SHIFT !== TYPE_A || list.owner.items[node] !== id) continue;
      if (this.sameA(node, ip, raw)) return false;
    }
    this.linkIndexed(TYPE_A, id, this.aValue.push(ip), raw, key, p);
    return true;
  }

  private sameA(node: number, ip: number, raw: string | undefined): boolean {
    if (raw !== undefined) return this.raw.get(TYPE_A, node) === raw;
    return this.aValue.items[node] === ip && !this.raw.has(TYPE_A, node);
  }

  /** Adds the IPv6 value `bytes[off, off + 16)` unless present; true when it was new. */
  addAAAA(id: number, bytes: Uint8Array, off: number, raw?: string): boolean {
    const list = this.lists[TYPE_AAAA];
    if (list.count.items[id]! < INDEXED_FROM) {
      for (let node = list.head.items[id]!; node !== NONE; node = list.next.items[node]!) {
        if (this.sameAAAA(node, bytes, off, raw)) return false;
      }
      this.link(TYPE_AAAA, id, this.pushAAAA(bytes, off), raw);
      return true;
    }
    const key = raw === undefined ? bytesKey(id, TYPE_AAAA, bytes, off) : textKey(id, TYPE_AAAA, raw);
    const slots = this.index.slots;
    const mask = (slots.length >>> 1) - 1;
    const k = key >>> 0;
    let p = key & mask;
    for (let ref = slots[2 * p]!; ref !== 0; p = (p + 1) & mask, ref = slots[2 * p]!) {
      if (slots[2 * p + 1] !== k) continue;
      const node = (ref - 1) & REF_NODE_MASK;
      if ((ref - 1) >>> REF_TYPE_SHIFT !== TYPE_AAAA || list.owner.items[node] !== id) continue;
      if (this.sameAAAA(node, bytes, off, raw)) return false;
    }
    this.linkIndexed(TYPE_AAAA, id, this.pushAAAA(bytes, off), raw, key, p);
    return true;
  }

  private sameAAAA(node: number, bytes: Uint8Array, off: number, raw: string | undefined): boolean {
    if (raw !== undefined) return this.raw.get(TYPE_AAAA, node) === raw;
    const v = this.aaaaValue.items;
    let i = 0;
    while (i < 16 && v[node * 16 + i] === bytes[off + i]) i++;
    return i === 16 && !this.raw.has(TYPE_AAAA, node);
  }

  private pushAAAA(bytes: Uint8Array, off: number): number {
    const node = this.aaaaValue.length / 16;
    this.aaaaValue.pushFrom(bytes, off, 16);
    return node;
  }

  /** Adds the SRV value `<target's text>:<port>` unless present; true when it was new. */
  addSrv(id: number, target: number, port: number, raw?: string): boolean {
    const list = this.lists[TYPE_SRV];
    if (list.count.items[id]! < INDEXED_FROM) {
      for (let node = list.head.items[id]!; node !== NONE; node = list.next.items[node]!) {
        if (this.sameSrv(node, target, port, raw)) return false;
      }
      this.link(TYPE_SRV, id, this.pushSrv(target, port), raw);
      return true;
    }
    const key = raw === undefined ? srvKey(id, TYPE_SRV, target, port) : textKey(id, TYPE_SRV, raw);
    const slots = this.index.slots;
    const mask = (slots.length >>> 1) - 1;
    const k = key >>> 0;
    let p = key & mask;
    for (let ref = slots[2 * p]!; ref !== 0; p = (p + 1) & mask, ref = slots[2 * p]!) {
      if (slots[2 * p + 1] !== k) continue;
      const node = (ref - 1) & REF_NODE_MASK;
      if ((ref - 1) >>> REF_TYPE_SHIFT !== TYPE_SRV || list.owner.items[node] !== id) continue;
      if (this.sameSrv(node, target, port, raw)) return false;
    }
    this.linkIndexed(TYPE_SRV, id, this.pushSrv(target, port), raw, key, p);
    return true;
  }

  private sameSrv(node: number, target: number, port: number, raw: string | undefined): boolean {
    if (raw !== undefined) return this.raw.get(TYPE_SRV, node) === raw;
    return this.srvTarget.items[node] === target && this.srvPort.items[node] === port && !this.raw.has(TYPE_SRV, node);
  }

  private pushSrv(target: number, port: number): number {
    const node = this.srvTarget.push(target);
    this.srvPort.push(port);
    if (!(port >= 0 && port < 0x10000)) this.srvPortWraps = true;
    return node;
  }

  /** Appends a new node to name `id`'s list and the journal. */
  private append(type: StoreType, id: number, node: number, raw: string | undefined): void {
    this.lists[type].append(id, node);
    if (raw !== undefined) this.raw.set(type, node, raw);
    if (this.journaling) this.journal.push((type << 30) | node);
  }

  /** `append`; the value that gives the name `INDEXED_FROM` puts all of them in the value index. */
  private link(type: StoreType, id: number, node: number, raw: string | undefined): void {
    this.append(type, id, node, raw);
    const list = this.lists[type];
    if (list.count.items[id] !== INDEXED_FROM) return;
    for (let n = list.head.items[id]!; n !== NONE; n = list.next.items[n]!)
      this.index.add(type, n, this.keyOf(type, id, n));
  }

  /** `append`, for a name in the value index: the node goes in at `slot`, found empty for `key`. */
  private linkIndexed(
    type: StoreType,
    id: number,
    node: number,
    raw: string | undefined,
    key: number,
    slot: number,
  ): void {
    this.append(type, id, node, raw);
    this.index.place(slot, type, node, key);
  }

  /** The index key of name `id`'s value `node`, as the add methods make it. */
  private keyOf(type: StoreType, id: number, node: number): number {
    const raw = this.raw.get(type, node);
    if (raw !== undefined) return textKey(id, type, raw);
    if (type === TYPE_A) return numberKey(id, type, this.aValue.items[node]!);
    if (type === TYPE_AAAA) return bytesKey(id, type, this.aaaaValue.items, node * 16);
    return srvKey(id, type, this.srvTarget.items[node]!, this.srvPort.items[node]!);
  }

  /** True when name `id` holds the address. */
  hasAddr(id: number, addr: Addr): boolean {
    const type = addr.family === 4 ? TYPE_A : TYPE_AAAA;
    for (let n = this.firstNode(type, id); n >= 0; n = this.nextNode(type, n)) {
      if (addr.family === 4 ? this.sameA(n, addr.v4, undefined) : this.sameAAAA(n, addr.v6, 0, undefined)) return true;
    }
    return false;
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

  /** True when name `id` has any A, AAAA or SRV value. */
  hasValues(id: number): boolean {
    return this.count(TYPE_A, id) + this.count(TYPE_AAAA, id) + this.count(TYPE_SRV, id) > 0;
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
    return this.raw.any(type);
  }

  /** True when the value exists as text only (it did not parse as its type). */
  isTextOnly(type: StoreType, node: number): boolean {
    return this.raw.isTextOnly(type, node);
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
    return this.raw.get(type, node);
  }

  /** A value as the Go program stores it: `10.0.0.1`, `2001:db8::1`, `web.marathon.slave.mesos.:31000`. */
  text(type: StoreType, node: number): string {
    const raw = this.rawOf(type, node);
    if (raw !== undefined) return raw;
    if (type === TYPE_A) return formatIPv4Value(this.aValue.items[node]!);
    if (type === TYPE_AAAA) return formatIPv6(this.aaaaValue.items, node * 16);
    return `${this.names.text(this.srvTarget.items[node]!)}:${this.srvPort.items[node]!}`;
  }

  /** Marks the value last added to name `id` as text only (it did not parse as its type): DNS leaves it out. */
  markLastTextOnly(type: StoreType, id: number): void {
    this.raw.markTextOnly(type, this.lists[type].tail.items[id]!);
  }
}

function formatIPv4Value(ip: number): string {
  return `${ip >>> 24}.${(ip >>> 16) & 255}.${(ip >>> 8) & 255}.${ip & 255}`;
}
