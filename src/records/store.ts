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
import { doubledSlots, f64s, u32s, u8s } from './growable.js';
import { fnvMix as mix } from './hash.js';
import { NameTree } from './names.js';
import { PtrPairs } from './ptr-pairs.js';
import { NONE, ValueLists } from './value-lists.js';
import type { RecordType } from './types.js';

export const TYPE_A = 0;
export const TYPE_AAAA = 1;
export const TYPE_SRV = 2;
export type StoreType = typeof TYPE_A | typeof TYPE_AAAA | typeof TYPE_SRV;
export const TYPE_NAMES: readonly RecordType[] = ['A', 'AAAA', 'SRV'];

const TYPE_SHIFT = 30;
const NODE_MASK = (1 << TYPE_SHIFT) - 1;

function finish(h: number): number {
  h ^= h >>> 15;
  return Math.imul(h, 0x2c1b3c6d) ^ (h >>> 12);
}
function textKey(h: number, text: string): number {
  for (let i = 0; i < text.length; i++) h = mix(h, text.charCodeAt(i));
  return h;
}

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
  /** node key `type:node` → the value's text where it is not the canonical form of the number */
  private readonly rawText = new Map<number, string>();
  /** node keys of values kept as text only: their number means nothing */
  private readonly textOnly = new Set<number>();
  /**
   * The value index, over every value of every name: per slot two numbers,
   * `(type << 30 | node) + 1` (0 = empty) and the value's key (as unsigned),
   * open addressing with linear probing, at most half full. It answers "does
   * this name hold this value already?" (Go's sets) in one probe, without a
   * scan of a long list or a Set per name. The key sits beside the node, not
   * only with it, so that passing over another value's slot reads no memory
   * but the slot's own: at 50,000 tasks a refresh inserts ~1,000,000 values,
   * and a read of each passed node's key, from anywhere in a 4 MB array, was
   * a cache miss.
   */
  private valueSlots: Uint32Array;
  private values = 0;
  /** per type: some value of that type kept its text */
  private readonly rawSeen = [false, false, false];
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
    let slots = 8192;
    while (slots < 2 * (a + aaaa + srv)) slots *= 2;
    budget.charge(slots * 8);
    this.valueSlots = new Uint32Array(slots * 2);
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
    const key = raw === undefined ? finish(mix(mix(id, TYPE_A), ip)) : rawKeyOf(id, TYPE_A, raw);
    const list = this.lists[TYPE_A];
    const v = this.aValue.items;
    const slots = this.valueSlots;
    const mask = (slots.length >>> 1) - 1;
    const k = key >>> 0;
    let p = key & mask;
    for (let ref = slots[2 * p]!; ref !== 0; p = (p + 1) & mask, ref = slots[2 * p]!) {
      if (slots[2 * p + 1] !== k) continue;
      const node = (ref - 1) & NODE_MASK;
      if ((ref - 1) >>> TYPE_SHIFT !== TYPE_A || list.owner.items[node] !== id) continue;
      if (raw === undefined ? v[node] === ip && !this.hasRaw(TYPE_A, node) : this.rawOf(TYPE_A, node) === raw) {
        return false;
      }
    }
    this.link(TYPE_A, id, this.aValue.push(ip), raw, key, p);
    return true;
  }

  /** Adds the IPv6 value `bytes[off, off + 16)` unless present; true when it was new. */
  addAAAA(id: number, bytes: Uint8Array, off: number, raw?: string): boolean {
    let key: number;
    if (raw === undefined) {
      let h = mix(id, TYPE_AAAA);
      for (let i = off; i < off + 16; i += 4) {
        h = mix(h, (bytes[i]! << 24) | (bytes[i + 1]! << 16) | (bytes[i + 2]! << 8) | bytes[i + 3]!);
      }
      key = finish(h);
    } else {
      key = rawKeyOf(id, TYPE_AAAA, raw);
    }
    const list = this.lists[TYPE_AAAA];
    const slots = this.valueSlots;
    const mask = (slots.length >>> 1) - 1;
    const k = key >>> 0;
    let p = key & mask;
    for (let ref = slots[2 * p]!; ref !== 0; p = (p + 1) & mask, ref = slots[2 * p]!) {
      if (slots[2 * p + 1] !== k) continue;
      const node = (ref - 1) & NODE_MASK;
      if ((ref - 1) >>> TYPE_SHIFT !== TYPE_AAAA || list.owner.items[node] !== id) continue;
      if (raw !== undefined) {
        if (this.rawOf(TYPE_AAAA, node) === raw) return false;
        continue;
      }
      const v = this.aaaaValue.items;
      let i = 0;
      while (i < 16 && v[node * 16 + i] === bytes[off + i]) i++;
      if (i === 16 && !this.hasRaw(TYPE_AAAA, node)) return false;
    }
    const v = this.aaaaValue;
    v.reserve(16);
    const node = v.length / 16;
    v.items.set(bytes.subarray(off, off + 16), v.length);
    v.length += 16;
    this.link(TYPE_AAAA, id, node, raw, key, p);
    return true;
  }

  /** Adds the SRV value `<target's text>:<port>` unless present; true when it was new. */
  addSrv(id: number, target: number, port: number, raw?: string): boolean {
    const key =
      raw === undefined
        ? finish(mix(mix(mix(mix(id, TYPE_SRV), target), port | 0), Math.floor(port / 0x100000000)))
        : rawKeyOf(id, TYPE_SRV, raw);
    const list = this.lists[TYPE_SRV];
    const t = this.srvTarget.items;
    const ports = this.srvPort.items;
    const slots = this.valueSlots;
    const mask = (slots.length >>> 1) - 1;
    const k = key >>> 0;
    let p = key & mask;
    for (let ref = slots[2 * p]!; ref !== 0; p = (p + 1) & mask, ref = slots[2 * p]!) {
      if (slots[2 * p + 1] !== k) continue;
      const node = (ref - 1) & NODE_MASK;
      if ((ref - 1) >>> TYPE_SHIFT !== TYPE_SRV || list.owner.items[node] !== id) continue;
      if (
        raw === undefined
          ? t[node] === target && ports[node] === port && !this.hasRaw(TYPE_SRV, node)
          : this.rawOf(TYPE_SRV, node) === raw
      ) {
        return false;
      }
    }
    const node = this.srvTarget.push(target);
    this.srvPort.push(port);
    if (!(port >= 0 && port < 0x10000)) this.srvPortWraps = true;
    this.link(TYPE_SRV, id, node, raw, key, p);
    return true;
  }

  private hasRaw(type: StoreType, node: number): boolean {
    return this.rawSeen[type]! && this.rawText.has(rawKey(type, node));
  }

  /** Appends a new node to name `id`'s list, the value index (at `slot`, found free for `key`) and the journal. */
  private link(type: StoreType, id: number, node: number, raw: string | undefined, key: number, slot: number): void {
    this.lists[type].append(id, node);
    if (raw !== undefined) {
      this.rawText.set(rawKey(type, node), raw);
      this.rawSeen[type] = true;
    }
    this.valueSlots[2 * slot] = ((type << TYPE_SHIFT) | node) + 1;
    this.valueSlots[2 * slot + 1] = key;
    if (++this.values * 4 > this.valueSlots.length) this.rehashValues();
    if (this.journaling) this.journal.push((type << 30) | node);
  }

  private rehashValues(): void {
    this.budget.charge(this.valueSlots.byteLength * 2);
    this.valueSlots = doubledSlots(this.valueSlots);
  }

  /** True when name `id` holds the address. */
  hasAddr(id: number, addr: Addr): boolean {
    if (addr.family === 4) {
      for (let n = this.firstNode(TYPE_A, id); n >= 0; n = this.nextNode(TYPE_A, n)) {
        if (this.aValue.items[n] === addr.v4 && !this.hasRaw(TYPE_A, n)) return true;
      }
      return false;
    }
    const v = this.aaaaValue.items;
    for (let n = this.firstNode(TYPE_AAAA, id); n >= 0; n = this.nextNode(TYPE_AAAA, n)) {
      let i = 0;
      while (i < 16 && v[n * 16 + i] === addr.v6[i]) i++;
      if (i === 16 && !this.hasRaw(TYPE_AAAA, n)) return true;
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
    return `${this.names.text(this.srvTarget.items[node]!)}:${this.srvPort.items[node]!}`;
  }

  /** Marks the value last added to name `id` as text only (it did not parse as its type): DNS leaves it out. */
  markLastTextOnly(type: StoreType, id: number): void {
    this.textOnly.add(rawKey(type, this.lists[type].tail.items[id]!));
  }
}

/** The value index key of a value kept as text. */
function rawKeyOf(id: number, type: StoreType, raw: string): number {
  return finish(textKey(mix(mix(id, type), 0x7fffffff), raw));
}

function rawKey(type: StoreType, node: number): number {
  return node * 4 + type;
}

function formatIPv4Value(ip: number): string {
  return `${ip >>> 24}.${(ip >>> 16) & 255}.${(ip >>> 8) & 255}.${ip & 255}`;
}
