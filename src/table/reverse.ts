/**
 * The reverse names of the PTR pairs (`ptrOn`), planned for the table build:
 * per address its name under `in-addr.arpa.` (RFC 1035 §3.5) or `ip6.arpa.`
 * (RFC 3596 §2.5) in wire form, its index key (what `RecordTable.find`
 * computes from a query's name, so both share `hashWireName`), and its PTR
 * RRs. A target's PTR RR is encoded once however many addresses point to it
 * (`slave.<domain>`), as SRV RRs are.
 */
import type { MemoryBudget } from '../records/budget.js';
import type { PtrPairs } from '../records/ptr-pairs.js';
import { hashWireName } from './layout.js';

const IN_ADDR_ARPA = Uint8Array.of(7, ...bytes('in-addr'), 4, ...bytes('arpa'), 0);
const IP6_ARPA = Uint8Array.of(3, ...bytes('ip6'), 4, ...bytes('arpa'), 0);
const ARPA = Uint8Array.of(4, ...bytes('arpa'), 0);
const HEX = bytes('0123456789abcdef');
/** Per octet value: its decimal label as written on the wire (length octet, digits), 4 bytes each. */
const DECIMAL = new Uint8Array(256 * 4);
for (let b = 0; b < 256; b++) DECIMAL.set([String(b).length, ...bytes(String(b))], b * 4);

function bytes(s: string): number[] {
  return [...s].map((c) => c.charCodeAt(0));
}

/** `TypedArray.set` costs more than this loop for a name's few bytes. */
function put(src: Uint8Array, out: Uint8Array, at: number): number {
  for (let i = 0; i < src.length; i++) out[at + i] = src[i]!;
  return at + src.length;
}

/** The longest reverse name: 32 one-nibble labels and `ip6.arpa.`. */
export const MAX_REVERSE_NAME = 32 * 2 + IP6_ARPA.length;

/** Writes `d.c.b.a.in-addr.arpa.` of the IPv4 address `v4` (a u32) at `out[at]`; returns the offset after it. */
export function writeIPv4ReverseName(v4: number, out: Uint8Array, at: number): number {
  for (let shift = 0; shift < 32; shift += 8) {
    const label = ((v4 >>> shift) & 0xff) * 4;
    const len = DECIMAL[label]!;
    for (let i = 0; i <= len; i++) out[at + i] = DECIMAL[label + i]!;
    at += len + 1;
  }
  return put(IN_ADDR_ARPA, out, at);
}

/** Writes the nibble name under `ip6.arpa.` of the IPv6 address `addr[off, off + 16)` at `out[at]`. */
export function writeIPv6ReverseName(addr: Uint8Array, off: number, out: Uint8Array, at: number): number {
  for (let i = off + 15; i >= off; i--) {
    const b = addr[i]!;
    out[at] = 1;
    out[at + 1] = HEX[b & 0x0f]!;
    out[at + 2] = 1;
    out[at + 3] = HEX[b >>> 4]!;
    at += 4;
  }
  return put(IP6_ARPA, out, at);
}

/** True when the wire name `name[start, end)` is `apex` or below it (both lower case, uncompressed). */
function isUnder(name: Uint8Array, start: number, end: number, apex: Uint8Array): boolean {
  for (let at = start; ; at += name[at]! + 1) {
    if (end - at === apex.length) {
      let i = 0;
      while (i < apex.length && name[at + i] === apex[i]) i++;
      return i === apex.length;
    }
    if (end - at < apex.length) return false;
  }
}

export class ReversePlan {
  /** the reverse names in wire form, back to back, up to `nameBytes` */
  readonly names: Uint8Array;
  readonly nameBytes: number;
  /** by reverse entry: where its name starts in `names` (it ends where the next one starts) */
  readonly nameStart: Uint32Array;
  /** by reverse entry: its index key */
  readonly key: Uint32Array;
  /** by reverse entry: its first PTR RR in `rrList`, and how many it has */
  readonly rrStart: Uint32Array;
  readonly rrCount: Uint32Array;
  /** PTR RR ids, per reverse entry, up to `listed` */
  readonly rrList: Uint32Array;
  readonly listed: number;
  /** by PTR RR id: the target's node, up to `rrs` */
  readonly rrTarget: Uint32Array;
  readonly rrs: number;
  /** reverse entries planned */
  readonly count: number;

  /**
   * `wireLen` gives each node's wire length when it is a name DNS can carry
   * (else 0 or 1): only those become targets. An address whose reverse name
   * falls inside our own domain (`apex`) is left out: the domain's names win.
   * The arrays are sized for every pair at once (plain typed arrays: no
   * growth checks per address).
   */
  constructor(pairs: PtrPairs, wireLen: Uint16Array, apex: Uint8Array, budget: MemoryBudget) {
    const groups = pairs.groupCount;
    const pairCount = pairs.pairCount;
    budget.charge(groups * MAX_REVERSE_NAME + groups * 20 + pairCount * 8 + (groups > 0 ? wireLen.length * 4 : 0));
    const names = new Uint8Array(groups * MAX_REVERSE_NAME);
    const nameStart = new Uint32Array(groups + 1);
    const key = new Uint32Array(groups);
    const rrStart = new Uint32Array(groups);
    const rrCount = new Uint32Array(groups);
    const rrList = new Uint32Array(pairCount);
    const rrTarget = new Uint32Array(pairCount);
    const rrOf = groups > 0 ? new Int32Array(wireLen.length).fill(-1) : new Int32Array(0);
    const v6 = pairs.v6Bytes();
    // Only a domain at, below or above `arpa.` can hold a reverse name.
    const apexNearArpa = isUnder(apex, 0, apex.length, ARPA) || isUnder(ARPA, 0, ARPA.length, apex);
    let count = 0;
    let at = 0;
    let listed = 0;
    let rrs = 0;
    for (let g = 0; g < groups; g++) {
      const end =
        pairs.familyOf(g) === 4
          ? writeIPv4ReverseName(pairs.v4Of(g), names, at)
          : writeIPv6ReverseName(v6, pairs.v6Offset(g), names, at);
      if (apexNearArpa && isUnder(names, at, end, apex)) continue;
      const first = listed;
      for (let pair = pairs.firstPair(g); pair >= 0; pair = pairs.nextPair(pair)) {
        const target = pairs.targetOf(pair);
        if (wireLen[target]! <= 1) continue;
        let rr = rrOf[target]!;
        if (rr < 0) {
          rr = rrOf[target] = rrs++;
          rrTarget[rr] = target;
        }
        rrList[listed++] = rr;
      }
      if (listed === first) continue;
      key[count] = hashWireName(names, at, end);
      rrStart[count] = first;
      rrCount[count] = listed - first;
      nameStart[++count] = end;
      at = end;
    }
    this.names = names;
    this.nameBytes = at;
    this.nameStart = nameStart;
    this.key = key;
    this.rrStart = rrStart;
    this.rrCount = rrCount;
    this.rrList = rrList;
    this.listed = listed;
    this.rrTarget = rrTarget;
    this.rrs = rrs;
    this.count = count;
  }
}
