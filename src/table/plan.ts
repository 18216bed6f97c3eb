/**
 * First pass of the table build: which names of the record store become
 * entries (host names inside the domain, with the empty non-terminals and
 * the apex around them), the RRs of each as flat typed lists, and the hash
 * index — so the second pass (build.ts) writes straight into one exactly
 * sized buffer. Names are nodes of the store's label tree: a node's wire
 * length, validity and index hash follow from its parent's and its own
 * label, in one pass over the nodes in id order (parents first). Nothing
 * here parses text or builds a full name.
 */
import { formatIPv6 } from '../net/ip.js';
import { RELATIVE, ROOT } from '../records/names.js';
import { u32s, u8s } from '../records/growable.js';
import { TYPE_A, TYPE_AAAA, TYPE_SRV, type RecordStore, type StoreType } from '../records/store.js';
import { MAX_NAME_LEN } from '../wire/constants.js';
import { isHostLabel } from './encode.js';
import { FNV_OFFSET } from '../records/hash.js';
import { hashLabel, indexKey } from './layout.js';
import { ReversePlan } from './reverse.js';

export const T_A = TYPE_A;
export const T_AAAA = TYPE_AAAA;
export const T_SRV = TYPE_SRV;

const NONE = -1;

export class TablePlan {
  /** by entry: its name's node; entries are in node order, so an entry's parent comes before it */
  readonly entryNode: Uint32Array;
  /** by node: its entry, or -1 */
  readonly entryOf: Int32Array;
  /** by node: the name's wire length when it is an absolute host name, else 0 */
  readonly wireLen: Uint16Array;
  /** total wire length of the entry names */
  readonly nameBytes: number;
  /** entry × 3 + type → number of RRs, then first index of the entry's RRs in the type's list */
  readonly count: Uint32Array;
  readonly start: Uint32Array;
  /** IPv4 addresses as unsigned 32-bit numbers */
  readonly aList;
  /** IPv6 addresses, 16 bytes each */
  readonly aaaaList;
  /** SRV RR ids, per entry */
  readonly srvList;
  /** by SRV RR id: the target's node */
  readonly srvTarget;
  /** by SRV RR id: the port << 8 | the target's wire length */
  readonly srvPortLen;
  /** the hash index: entry + 1 per slot (0 = empty), open addressing, linear probing */
  readonly slots: Uint32Array;
  /** the apex's entry */
  readonly apexEntry: number;
  /** the reverse names (PTR records), entries after the name tree's */
  readonly reverse: ReversePlan;
  /** by SRV target node: its first SRV RR id, or -1; `srvNext` chains the others */
  private readonly srvFirst: Int32Array;
  private readonly srvNext;
  /** a name written without its trailing dot → the absolute name it is in DNS */
  private readonly twin = new Map<number, number>();
  /** an absolute name with twins → the names whose values its entry holds */
  private readonly sources = new Map<number, number[]>();
  private readonly single = [0];

  constructor(
    private readonly store: RecordStore,
    apexText: string,
    apexWire: Uint8Array,
  ) {
    const tree = store.names;
    const budget = store.budget;
    const apex = store.id(apexText);
    this.findTwins();
    const n = tree.size;
    // Per node: wireLen, runHash, inDomain, needed, entryOf, srvFirst.
    budget.charge(n * 16);
    const wireLen = new Uint16Array(n);
    const runHash = new Int32Array(n);
    const inDomain = new Uint8Array(n);
    wireLen[ROOT] = 1;
    runHash[ROOT] = FNV_OFFSET;
    inDomain[ROOT] = apex === ROOT ? 1 : 0;
    for (let id = RELATIVE + 1; id < n; id++) {
      const parent = tree.parent(id);
      const up = wireLen[parent]!;
      if (up === 0) continue;
      const label = tree.label(id);
      const len = up + 1 + label.length;
      if (len > MAX_NAME_LEN || !isHostLabel(label)) continue;
      wireLen[id] = len;
      runHash[id] = hashLabel(runHash[parent]!, label);
      inDomain[id] = id === apex || inDomain[parent] === 1 ? 1 : 0;
    }
    this.wireLen = wireLen;

    // Entries: the names with values DNS can use, and every name between them and the apex (RFC 8020).
    const needed = new Uint8Array(n);
    needed[apex] = 1;
    const sources = this.sources;
    for (const [relative, absolute] of this.twin) {
      const list = sources.get(absolute);
      if (list === undefined) sources.set(absolute, [absolute, relative]);
      else list.push(relative);
    }
    for (let id = 0; id < n; id++) {
      if (inDomain[id] === 0 || needed[id] === 1) continue;
      if (!this.hasUsable(id) && !(sources.get(id)?.some((s) => this.hasUsable(s)) ?? false)) continue;
      for (let x = id; needed[x] === 0; x = tree.parent(x)) needed[x] = 1;
    }
    const entryOf = new Int32Array(n).fill(NONE);
    let entries = 0;
    let nameBytes = 0;
    for (let id = 0; id < n; id++) {
      if (needed[id] === 0) continue;
      entryOf[id] = entries++;
      nameBytes += wireLen[id]!;
    }
    budget.charge(entries * 28);
    const entryNode = new Uint32Array(entries);
    for (let id = 0; id < n; id++) if (entryOf[id]! >= 0) entryNode[entryOf[id]!] = id;
    this.entryOf = entryOf;
    this.entryNode = entryNode;
    this.nameBytes = nameBytes;
    this.apexEntry = entryOf[apex]!;

    this.count = new Uint32Array(entries * 3);
    this.start = new Uint32Array(entries * 3);
    this.srvFirst = new Int32Array(n).fill(NONE);
    const values = (type: StoreType): number => store.valueCount(type);
    this.aList = u32s(values(T_A), budget);
    this.aaaaList = u8s(16 * values(T_AAAA), budget);
    this.srvList = u32s(values(T_SRV), budget);
    this.srvTarget = u32s(values(T_SRV), budget);
    this.srvPortLen = u32s(values(T_SRV), budget);
    this.srvNext = u32s(values(T_SRV), budget);
    for (let e = 0; e < entries; e++) {
      const node = entryNode[e]!;
      const from = sources.get(node);
      this.fillA(e, node, from);
      this.fillAAAA(e, node, from);
      this.fillSrv(e, node, from);
    }

    this.reverse = new ReversePlan(store.ptr, wireLen, apexWire, budget);
    const reverse = this.reverse.count;
    let cap = 8;
    while (cap < (entries + reverse) * 2) cap *= 2;
    budget.charge(cap * 4);
    const slots = new Uint32Array(cap);
    const mask = cap - 1;
    for (let e = 0; e < entries; e++) {
      let p = indexKey(runHash[entryNode[e]!]!) & mask;
      while (slots[p] !== 0) p = (p + 1) & mask;
      slots[p] = e + 1;
    }
    for (let r = 0; r < reverse; r++) {
      let p = this.reverse.key[r]! & mask;
      while (slots[p] !== 0) p = (p + 1) & mask;
      slots[p] = entries + r + 1;
    }
    this.slots = slots;
  }

  /** True when some name written without its trailing dot lends its values to its absolute twin. */
  get hasTwins(): boolean {
    return this.twin.size > 0;
  }

  /** True when the entry of name `node` holds its twins' values too. */
  mergesTwins(node: number): boolean {
    return this.sources.has(node);
  }

  /** How many RRs of `type` the entry of name `node` holds; -1 when the name is no entry. */
  entryValues(node: number, type: StoreType): number {
    const e = this.entryOf[node]!;
    return e < 0 ? NONE : this.count[e * 3 + type]!;
  }

  /** True when entry `e` holds any A, AAAA or SRV record. */
  entryHasRecords(e: number): boolean {
    return this.count[e * 3 + T_A]! + this.count[e * 3 + T_AAAA]! + this.count[e * 3 + T_SRV]! > 0;
  }

  /** Entry of the absolute lower-case name `text`, or -1. */
  find(text: string): number {
    const node = this.store.names.find(text);
    return node < 0 ? NONE : this.entryOf[node]!;
  }

  /** Glue of an absolute lower-case name: its entry index + 1 when it has A or AAAA records, else 0. */
  addressEntry(text: string): number {
    return this.glue(this.find(text));
  }

  /** Glue of the target of SRV RR `id`. */
  srvTargetEntry(id: number): number {
    return this.glue(this.entryOf[this.srvTarget.items[id]!]!);
  }

  private glue(e: number): number {
    return e >= 0 && this.count[e * 3 + T_A]! + this.count[e * 3 + T_AAAA]! > 0 ? e + 1 : 0;
  }

  /**
   * Names written without their trailing dot (only in stores made from text)
   * answer in DNS as the absolute name: each one with values, or named as an
   * SRV target, gets its absolute twin, made now so the per-node arrays cover it.
   */
  private findTwins(): void {
    const s = this.store;
    const tree = s.names;
    const n = tree.size;
    const relative = new Uint8Array(n);
    relative[RELATIVE] = 1;
    let any = false;
    for (let id = RELATIVE + 1; id < n; id++) {
      if (relative[tree.parent(id)] === 1) relative[id] = 1;
      any ||= relative[id] === 1;
    }
    if (!any) return;
    const twinOf = (id: number): void => {
      if (relative[id] === 1 && !this.twin.has(id)) this.twin.set(id, s.id(`${tree.text(id)}.`));
    };
    for (let id = 0; id < n; id++) {
      if (s.hasValues(id)) twinOf(id);
    }
    for (let node = 0; node < s.valueCount(TYPE_SRV); node++) twinOf(s.srvTargetOf(node));
  }

  /**
   * True when name `id` has a value that can go on the wire. Asked of every
   * name in a build: written without an array of the types to loop over,
   * which was ~16 MB of garbage per build at 50,000 tasks.
   */
  private hasUsable(id: number): boolean {
    return this.hasUsableOf(T_A, id) || this.hasUsableOf(T_AAAA, id) || this.hasUsableOf(T_SRV, id);
  }

  private hasUsableOf(type: StoreType, id: number): boolean {
    const s = this.store;
    for (let node = s.firstNode(type, id); node >= 0; node = s.nextNode(type, node)) {
      if (this.usable(type, node)) return true;
    }
    return false;
  }

  /**
   * Values that cannot go on the wire are left out: values kept as text only,
   * SRV targets that are not host names (or the root), SRV ports that are not
   * numbers.
   */
  private usable(type: StoreType, node: number): boolean {
    const s = this.store;
    if (type !== T_SRV) return !s.isTextOnly(type, node);
    return s.srvDnsPort(node) >= 0 && this.wireLen[this.dnsName(s.srvTargetOf(node))]! > 1;
  }

  /** The names whose values an entry holds: its own name, or that and its twins. */
  private sourcesOf(node: number, from: readonly number[] | undefined): readonly number[] {
    if (from !== undefined) return from;
    this.single[0] = node;
    return this.single;
  }

  private dnsName(id: number): number {
    return this.twin.get(id) ?? id;
  }

  // The three fills append the entry's usable values to their type's list.
  // Values that are one RR in DNS (the same address written two ways, SRV
  // ports equal modulo 2^16, a target with and without its dot) are kept
  // once, the first time; that can only happen when a name has a twin or the
  // store was made from text, so the generator's case skips the check.

  private fillA(e: number, node: number, from: readonly number[] | undefined): void {
    const s = this.store;
    const slot = e * 3 + T_A;
    const seen = from !== undefined || s.hasRawValues(T_A) ? new Set<number>() : null;
    this.start[slot] = this.aList.length;
    let n = 0;
    const ids = this.sourcesOf(node, from);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      for (let v = s.firstNode(T_A, id); v >= 0; v = s.nextNode(T_A, v)) {
        if (!this.usable(T_A, v)) continue;
        const ip = s.aOf(v);
        if (seen !== null) {
          if (seen.has(ip)) continue;
          seen.add(ip);
        }
        this.aList.push(ip);
        n++;
      }
    }
    this.count[slot] = n;
  }

  private fillAAAA(e: number, node: number, from: readonly number[] | undefined): void {
    const s = this.store;
    const slot = e * 3 + T_AAAA;
    const seen = from !== undefined || s.hasRawValues(T_AAAA) ? new Set<string>() : null;
    const bytes = s.aaaaBytes();
    const list = this.aaaaList;
    this.start[slot] = list.length / 16;
    let n = 0;
    const ids = this.sourcesOf(node, from);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      for (let v = s.firstNode(T_AAAA, id); v >= 0; v = s.nextNode(T_AAAA, v)) {
        if (!this.usable(T_AAAA, v)) continue;
        if (seen !== null) {
          const key = formatIPv6(bytes, v * 16);
          if (seen.has(key)) continue;
          seen.add(key);
        }
        list.pushFrom(bytes, v * 16, 16);
        n++;
      }
    }
    this.count[slot] = n;
  }

  private fillSrv(e: number, node: number, from: readonly number[] | undefined): void {
    const s = this.store;
    const slot = e * 3 + T_SRV;
    const seen = from !== undefined || s.hasRawValues(T_SRV) || s.srvPortWraps ? new Set<number>() : null;
    this.start[slot] = this.srvList.length;
    let n = 0;
    const ids = this.sourcesOf(node, from);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      for (let v = s.firstNode(T_SRV, id); v >= 0; v = s.nextNode(T_SRV, v)) {
        if (!this.usable(T_SRV, v)) continue;
        const rr = this.srvId(this.dnsName(s.srvTargetOf(v)), s.srvDnsPort(v));
        if (seen !== null) {
          if (seen.has(rr)) continue;
          seen.add(rr);
        }
        this.srvList.push(rr);
        n++;
      }
    }
    this.count[slot] = n;
  }

  /** The SRV RR id of (target, port): names holding the same value share one encoded RR. */
  private srvId(target: number, port: number): number {
    const portLen = this.srvPortLen;
    for (let rr = this.srvFirst[target]!; rr !== NONE; rr = this.srvNext.items[rr]! - 1) {
      if (portLen.items[rr]! >>> 8 === port) return rr;
    }
    const rr = this.srvTarget.length;
    this.srvTarget.push(target);
    portLen.push((port << 8) | this.wireLen[target]!);
    this.srvNext.push(this.srvFirst[target]! + 1);
    this.srvFirst[target] = rr;
    return rr;
  }
}
