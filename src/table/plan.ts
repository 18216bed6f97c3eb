/**
 * First pass of the table build: which names become entries, in which order,
 * and the RRs of each, parsed once into flat typed lists — so the second pass
 * (table-build.ts) writes straight into one exactly sized buffer without
 * touching a value string again. No per-name or per-RR objects, and no large
 * JS arrays (their growth garbage alone costs a major GC at 50,000 tasks):
 * only names whose values need de-duplication (never the generator's output)
 * get Sets.
 */
import type { RecordSet, Values } from '../records/types.js';
import { formatIPv6, ipv4Value, parseIPv6Into } from '../net/ip.js';
import { NameIndex } from './name-index.js';
import { valuesOf } from '../records/record-set.js';
import { hostNameHash, parseSrvValue, type SrvParts } from './encode.js';

export const T_A = 0;
export const T_AAAA = 1;
export const T_SRV = 2;
type RType = typeof T_A | typeof T_AAAA | typeof T_SRV;

const srvParts: SrvParts = { colon: 0, port: 0, wireLen: 0, hash: 0, canonical: false };
const ipv6 = new Uint8Array(16);

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
  /** SRV value ids */
  readonly srvList = u32List(1024);
  /**
   * SRV values by id. The generator stores each value under several names
   * (TCP and UDP, framework and agent domain) whose lists then hold the same
   * values: such lists share one run of ids, so each value is parsed and
   * encoded once.
   */
  readonly srvText: string[] = [];
  /** by id: the port << 8 | the target's wire length */
  readonly srvPortLen = u32List(1024);
  /** by id: `hostNameHash` of the target */
  private readonly srvHash = u32List(1024);

  /** entry × 3 + type → the values of every source name, when two stored names map to one key */
  private readonly merged = new Map<number, Values[]>();
  /** entry × 3 + type → the values of its one source name, when they are not all canonical */
  private readonly nonCanonical = new Map<number, Values>();

  /** The values of the last SRV name appended, to share their run with the next name when both hold the same values. */
  private readonly lastSrv: string[] = [];
  private lastSrvStart = 0;
  private lastSrvUsable = 0;
  private lastSrvCanonical = true;
  private appendedCanonical = true;

  constructor(
    records: RecordSet,
    private readonly apexKey: string,
  ) {
    // Room for every stored name; ancestors grow the lists.
    const names = records.a.size + records.aaaa.size + records.srv.size + 16;
    this.count = u32List(names * 3);
    this.start = u32List(names * 3);
    this.addAll(records.a, T_A);
    this.addAll(records.aaaa, T_AAAA);
    this.addAll(records.srv, T_SRV);
    for (const [slot, values] of this.nonCanonical) if (!this.merged.has(slot)) this.dedupe(slot, [values]);
    for (const [slot, sources] of this.merged) this.dedupe(slot, sources);
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

  /** Glue of the target of an SRV value. */
  srvTargetEntry(id: number): number {
    const v = this.srvText[id]!;
    const colon = v.lastIndexOf(':');
    return this.glue(this.names.findPrefix(v, colon, this.srvHash.items[id]!));
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

  private addAll(map: Map<string, Values>, type: RType): void {
    const apex = this.apexKey;
    for (const [name, values] of map) {
      // Names that must not reach DNS: not host names, or outside the domain.
      const h = hostNameHash(name, 0, name.length);
      if (h < 0) continue;
      const key = name.endsWith('.') ? name : `${name}.`;
      const at = key.length - apex.length;
      if (apex !== '.' && key !== apex && !(at > 0 && key.charCodeAt(at - 1) === 0x2e && key.endsWith(apex))) continue;

      let listStart: number;
      let usable: number;
      if (type === T_SRV && this.sameAsLastSrv(values)) {
        listStart = this.lastSrvStart;
        usable = this.lastSrvUsable;
        this.appendedCanonical = this.lastSrvCanonical;
      } else {
        listStart = this.listLength(type);
        usable = this.append(values, type);
      }
      if (usable === 0) continue;
      let i = this.names.find(key, h);
      if (i < 0) i = this.entry(key, h);
      const slot = i * 3 + type;
      if (this.count.items[slot] === 0) {
        this.count.items[slot] = usable;
        this.start.items[slot] = listStart;
        if (!this.appendedCanonical) this.nonCanonical.set(slot, values);
      } else {
        // The same name stored with and without its trailing dot; the other spelling came first.
        const sources = this.merged.get(slot);
        if (sources) sources.push(values);
        else this.merged.set(slot, [map.get(name === key ? key.slice(0, -1) : key)!, values]);
      }
    }
  }

  /** True when `values` are exactly the values of the last SRV name appended, in the same order. */
  private sameAsLastSrv(values: Values): boolean {
    const last = this.lastSrv;
    if (typeof values === 'string') return last.length === 1 && last[0] === values;
    if (values.length !== last.length || last.length === 0) return false;
    for (let k = 0; k < last.length; k++) if (values[k] !== last[k]) return false;
    return true;
  }

  private listLength(type: RType): number {
    return type === T_A ? this.aList.length : type === T_AAAA ? this.aaaaList.length / 16 : this.srvList.length;
  }

  /**
   * Appends the usable values of a name to the type's list; returns how many.
   * Notes whether they were all canonical text (then distinct text ⇒
   * distinct RR, so no de-duplication is needed).
   */
  private append(values: Values, type: RType): number {
    let usable = 0;
    let canonical = true;
    if (type === T_SRV) {
      this.lastSrv.length = 0;
      this.lastSrvStart = this.srvList.length;
    }
    const single = typeof values === 'string';
    for (let i = 0, n = single ? 1 : values.length; i < n; i++) {
      const v = single ? values : values[i]!;
      if (type === T_A) {
        const ip = ipv4Value(v);
        if (ip < 0) continue;
        this.aList.push(ip);
      } else if (type === T_AAAA) {
        const list = this.aaaaList;
        list.reserve(16);
        if (!parseIPv6Into(v, list.items, list.length)) continue;
        if (canonical && formatIPv6(list.items, list.length) !== v) canonical = false;
        list.length += 16;
      } else {
        this.lastSrv.push(v);
        const id = this.srvId(v);
        if (id < 0) continue;
        this.srvList.push(id);
        if (!srvParts.canonical) canonical = false;
      }
      usable++;
    }
    this.appendedCanonical = canonical;
    if (type === T_SRV) {
      this.lastSrvUsable = usable;
      this.lastSrvCanonical = canonical;
    }
    return usable;
  }

  /** Id of a newly parsed SRV value, or -1 when it is unusable. */
  private srvId(v: string): number {
    if (!parseSrvValue(v, srvParts)) return -1;
    this.srvText.push(v);
    this.srvPortLen.push((srvParts.port << 8) | srvParts.wireLen);
    this.srvHash.push(srvParts.hash);
    return this.srvText.length - 1;
  }

  /**
   * The slow path, for names stored twice (with and without the trailing dot)
   * or values in a non-canonical form: keeps the first value of each distinct
   * RR across every source, appended to the list as a new run.
   */
  private dedupe(slot: number, sources: readonly Values[]): void {
    const type = (slot % 3) as RType;
    const seen = new Set<string>();
    const distinct: string[] = [];
    for (const values of sources) {
      for (const v of valuesOf(values)) {
        const k = this.dedupeKey(type, v);
        if (k === null || seen.has(k)) continue;
        seen.add(k);
        distinct.push(v);
      }
    }
    this.start.items[slot] = this.listLength(type);
    this.count.items[slot] = this.append(distinct, type);
  }

  /** What makes two values one RR, or null for an unusable value. */
  private dedupeKey(type: RType, v: string): string | null {
    if (type === T_A) return ipv4Value(v) < 0 ? null : v;
    if (type === T_AAAA) return parseIPv6Into(v, ipv6, 0) ? formatIPv6(ipv6, 0) : null;
    if (!parseSrvValue(v, srvParts)) return null;
    const target = v.slice(0, srvParts.colon);
    return `${target}${target.endsWith('.') ? '' : '.'}:${srvParts.port}`;
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
