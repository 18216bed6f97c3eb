/**
 * First pass of the table build: which names of the record store become
 * entries (host names inside the domain), the RRs of each as flat typed
 * lists, and the empty non-terminals and apex around them — so the second
 * pass (build.ts) writes straight into one exactly sized buffer. The store
 * already holds values as numbers, so nothing here parses text; only names
 * are validated and hashed, once each.
 */
import { formatIPv6 } from '../net/ip.js';
import { TYPE_A, TYPE_AAAA, TYPE_SRV, type RecordStore, type StoreType } from '../records/store.js';
import { NameIndex } from './name-index.js';
import { hostNameHash, hostWireLength } from './encode.js';

export const T_A = TYPE_A;
export const T_AAAA = TYPE_AAAA;
export const T_SRV = TYPE_SRV;

/** The largest port an SRV RR can carry; the Go program wrote larger ones modulo 2^16. */
const PORT_SPACE = 0x10000;

/** A growable typed list; `items` is valid up to `length`. */
class List<T extends Uint8Array | Uint32Array> {
  length = 0;
  constructor(
    public items: T,
    private readonly make: (size: number) => T,
  ) {}

  /** Makes room for `n` more items. */
  reserve(n: number): void {
    if (this.length + n <= this.items.length) return;
    const grown = this.make(Math.max(this.items.length * 2, this.length + n));
    grown.set(this.items);
    this.items = grown;
  }

  push(v: number): void {
    if (this.length === this.items.length) this.reserve(1);
    this.items[this.length++] = v;
  }
}

const u32List = (size: number): List<Uint32Array> => new List(new Uint32Array(size), (n) => new Uint32Array(n));
const u8List = (size: number): List<Uint8Array> => new List(new Uint8Array(size), (n) => new Uint8Array(n));

export class TablePlan {
  readonly names = new NameIndex();
  /** total wire length of the entry names */
  nameBytes = 0;
  /** entry × 3 + type → number of RRs, then first index of the entry's RRs in the type's list */
  readonly count: List<Uint32Array>;
  readonly start: List<Uint32Array>;
  /** IPv4 addresses as unsigned 32-bit numbers */
  readonly aList = u32List(1024);
  /** IPv6 addresses, 16 bytes each */
  readonly aaaaList = u8List(1024);
  /** SRV RR ids, per entry */
  readonly srvList = u32List(1024);
  /** by SRV RR id: the target's store name id */
  readonly srvTarget = u32List(1024);
  /** by SRV RR id: the port << 8 | the target's wire length */
  readonly srvPortLen = u32List(1024);
  /** store name id → its entry, or -1 (not a host name in the domain, or no values) */
  private readonly entryOf: Int32Array;
  /** (target name id, port) → SRV RR id: names holding the same value share one encoded RR */
  private readonly srvIds = new Map<number, number>();
  /** store name id → 1 when it is a usable SRV target (a host name other than the root) */
  private readonly targetOk: Uint8Array;

  constructor(
    private readonly store: RecordStore,
    private readonly apexKey: string,
  ) {
    const n = store.nameCount;
    this.entryOf = new Int32Array(n).fill(-1);
    this.targetOk = new Uint8Array(n);
    this.count = u32List(n * 3 + 48);
    this.start = u32List(n * 3 + 48);
    const sources = new Map<number, number[]>();
    for (let id = 0; id < n; id++) {
      if (!this.hasUsable(id)) continue;
      const e = this.entryFor(id);
      if (e < 0) continue;
      const merged = sources.get(e);
      if (merged === undefined) sources.set(e, [id]);
      else merged.push(id);
    }
    for (const [e, ids] of sources) {
      for (const type of [T_A, T_AAAA, T_SRV] as const) this.fill(e, type, ids);
    }
    this.addAncestors();
    if (this.find(apexKey) < 0) this.entry(apexKey, hostNameHash(apexKey, 0, apexKey.length));
  }

  /** Entry index of an absolute lower-case name, or -1. */
  find(key: string): number {
    return this.names.find(key, hostNameHash(key, 0, key.length));
  }

  /** Glue of an absolute lower-case name: its entry index + 1 when it has A or AAAA records, else 0. */
  addressEntry(key: string): number {
    return this.glue(this.find(key));
  }

  /** Glue of the target of SRV RR `id`. */
  srvTargetEntry(id: number): number {
    return this.glue(this.entryOf[this.srvTarget.items[id]!]!);
  }

  /** The target name of SRV RR `id`, as stored (a trailing dot optional). */
  srvTargetName(id: number): string {
    return this.store.names[this.srvTarget.items[id]!]!;
  }

  private glue(e: number): number {
    const count = this.count.items;
    return e >= 0 && count[e * 3 + T_A]! + count[e * 3 + T_AAAA]! > 0 ? e + 1 : 0;
  }

  private entry(key: string, hash: number): number {
    this.nameBytes += key === '.' ? 1 : key.length + 1;
    this.count.reserve(3);
    this.start.reserve(3);
    this.count.length += 3;
    this.start.length += 3;
    return this.names.add(key, hash);
  }

  /**
   * The entry of store name `id`, made on first use; -1 for names that must
   * not reach DNS (not host names, or outside the domain). A name stored with
   * and without its trailing dot is one entry.
   */
  private entryFor(id: number): number {
    const name = this.store.names[id]!;
    const h = hostNameHash(name, 0, name.length);
    if (h < 0) return -1;
    const key = name.endsWith('.') ? name : `${name}.`;
    const apex = this.apexKey;
    const at = key.length - apex.length;
    if (apex !== '.' && key !== apex && !(at > 0 && key.charCodeAt(at - 1) === 0x2e && key.endsWith(apex))) return -1;
    let e = this.names.find(key, h);
    if (e < 0) e = this.entry(key, h);
    this.entryOf[id] = e;
    return e;
  }

  /**
   * Appends the DNS-usable values of `type` of the entry's source names to
   * the type's list. Values that cannot go on the wire (kept as text only,
   * SRV targets that are not host names, SRV ports that are not numbers) are
   * left out; values that are one RR in DNS (the same address written two
   * ways, SRV ports equal modulo 2^16, a target with and without its dot)
   * are kept once, the first time.
   */
  private fill(e: number, type: StoreType, ids: readonly number[]): void {
    const s = this.store;
    const slot = e * 3 + type;
    let n = 0;
    let seen: Set<number | string> | null = null;
    const distinct = (key: number | string): boolean => {
      seen ??= new Set();
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    };
    // One source name whose values are all numbers is the generator's case: distinct already.
    const check = ids.length > 1 || s.hasRawValues(type) || (type === T_SRV && s.srvPortWraps);
    if (type === T_A) {
      this.start.items[slot] = this.aList.length;
      for (const id of ids) {
        for (let node = s.firstNode(type, id); node >= 0; node = s.nextNode(type, node)) {
          if (!this.usable(type, node)) continue;
          const ip = s.aOf(node);
          if (check && !distinct(ip)) continue;
          this.aList.push(ip);
          n++;
        }
      }
    } else if (type === T_AAAA) {
      this.start.items[slot] = this.aaaaList.length / 16;
      const bytes = s.aaaaBytes();
      for (const id of ids) {
        for (let node = s.firstNode(type, id); node >= 0; node = s.nextNode(type, node)) {
          if (!this.usable(type, node)) continue;
          if (check && !distinct(formatIPv6(bytes, node * 16))) continue;
          const list = this.aaaaList;
          list.reserve(16);
          list.items.set(bytes.subarray(node * 16, node * 16 + 16), list.length);
          list.length += 16;
          n++;
        }
      }
    } else {
      this.start.items[slot] = this.srvList.length;
      for (const id of ids) {
        for (let node = s.firstNode(type, id); node >= 0; node = s.nextNode(type, node)) {
          if (!this.usable(type, node)) continue;
          const rr = this.srvId(s.srvTargetOf(node), s.srvDnsPort(node));
          if (check && !distinct(rr)) continue;
          this.srvList.push(rr);
          n++;
        }
      }
    }
    this.count.items[slot] = n;
  }

  /** True when name `id` has a value that can go on the wire. */
  private hasUsable(id: number): boolean {
    for (const type of [T_A, T_AAAA, T_SRV] as const) {
      for (let node = this.store.firstNode(type, id); node >= 0; node = this.store.nextNode(type, node)) {
        if (this.usable(type, node)) return true;
      }
    }
    return false;
  }

  private usable(type: StoreType, node: number): boolean {
    const s = this.store;
    if (type !== T_SRV) return !s.isTextOnly(type, node);
    return s.srvDnsPort(node) >= 0 && this.usableTarget(s.srvTargetOf(node));
  }

  private usableTarget(id: number): boolean {
    if (this.targetOk[id] === 0) {
      const name = this.store.names[id]!;
      this.targetOk[id] = hostWireLength(name, name.length) > 1 && hostNameHash(name, 0, name.length) >= 0 ? 1 : 2;
    }
    return this.targetOk[id] === 1;
  }

  /** The SRV RR id of (target, port), one per distinct pair; a target written with and without its dot is one. */
  private srvId(target: number, port: number): number {
    const name = this.store.names[target]!;
    const canonicalTarget = name.endsWith('.') ? target : this.store.find(`${name}.`);
    const t = canonicalTarget >= 0 ? canonicalTarget : target;
    const key = t * PORT_SPACE + port;
    let rr = this.srvIds.get(key);
    if (rr === undefined) {
      rr = this.srvTarget.length;
      this.srvTarget.push(t);
      this.srvPortLen.push((port << 8) | hostWireLength(this.store.names[t]!, this.store.names[t]!.length));
      this.srvIds.set(key, rr);
    }
    return rr;
  }

  /** Every ancestor of a stored name exists (RFC 8020), down to the apex. */
  private addAncestors(): void {
    const keys = this.names.keys;
    const stored = keys.length;
    // Names come grouped by parent: remember the last two parents found.
    let known1 = '';
    let known2 = '';
    for (let i = 0; i < stored; i++) {
      const key = keys[i]!;
      if (key === '.') continue;
      for (let from = key.indexOf('.') + 1; ; from = key.indexOf('.', from) + 1) {
        const len = from === key.length ? 1 : key.length - from;
        if ((known1.length === len && key.endsWith(known1)) || (known2.length === len && key.endsWith(known2))) break;
        const h = hostNameHash(key, from, key.length);
        const e = this.names.findSuffix(key, from, h);
        if (e >= 0) {
          known2 = known1;
          known1 = keys[e]!;
          break;
        }
        const parent = from === key.length ? '.' : key.slice(from);
        this.entry(parent, h);
        if (parent === this.apexKey || parent === '.') break;
      }
    }
  }
}
