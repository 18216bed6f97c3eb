/**
 * The reverse names of the PTR pairs (`ptrOn`), planned for the table build:
 * per address its name under `in-addr.arpa.` (RFC 1035 §3.5) or `ip6.arpa.`
 * (RFC 3596 §2.5) in wire form, its index key (what `RecordTable.find`
 * computes from a query's name, so both share `hashWireName`), and its PTR
 * RRs. A target's PTR RR is encoded once however many addresses point to it
 * (`slave.<domain>`), as SRV RRs are.
 */
import type { MemoryBudget } from '../records/budget.js';
import { u32s, u8s } from '../records/growable.js';
import type { PtrPairs } from '../records/ptr-pairs.js';
import { hashWireName } from './layout.js';

const IN_ADDR_ARPA = Uint8Array.of(7, ...bytes('in-addr'), 4, ...bytes('arpa'), 0);
const IP6_ARPA = Uint8Array.of(3, ...bytes('ip6'), 4, ...bytes('arpa'), 0);
const HEX = bytes('0123456789abcdef');

function bytes(s: string): number[] {
  return [...s].map((c) => c.charCodeAt(0));
}

/** The longest reverse name: 32 one-nibble labels and `ip6.arpa.`. */
export const MAX_REVERSE_NAME = 32 * 2 + IP6_ARPA.length;

/** Writes `d.c.b.a.in-addr.arpa.` of the IPv4 address `v4` (a u32) at `out[at]`; returns the offset after it. */
export function writeIPv4ReverseName(v4: number, out: Uint8Array, at: number): number {
  for (let shift = 0; shift < 32; shift += 8) {
    const b = (v4 >>> shift) & 0xff;
    const len = b >= 100 ? 3 : b >= 10 ? 2 : 1;
    out[at] = len;
    for (let i = len, rest = b; i >= 1; i--, rest = Math.floor(rest / 10)) out[at + i] = 0x30 + (rest % 10);
    at += len + 1;
  }
  out.set(IN_ADDR_ARPA, at);
  return at + IN_ADDR_ARPA.length;
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
  out.set(IP6_ARPA, at);
  return at + IP6_ARPA.length;
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
  /** the reverse names in wire form, back to back */
  readonly names;
  /** by reverse entry: where its name starts in `names` (it ends where the next one starts) */
  readonly nameStart;
  /** by reverse entry: its index key */
  readonly key;
  /** by reverse entry: its first PTR RR in `rrList`, and how many it has */
  readonly rrStart;
  readonly rrCount;
  /** PTR RR ids, per reverse entry */
  readonly rrList;
  /** by PTR RR id: the target's node */
  readonly rrTarget;

  /**
   * `wireLen` gives each node's wire length when it is a name DNS can carry
   * (else 0 or 1): only those become targets. An address whose reverse name
   * falls inside our own domain (`apex`) is left out: the domain's names win.
   */
  constructor(pairs: PtrPairs, wireLen: Uint16Array, apex: Uint8Array, budget: MemoryBudget) {
    const groups = pairs.groupCount;
    this.names = u8s(groups * 24 + MAX_REVERSE_NAME, budget);
    this.nameStart = u32s(groups + 1, budget);
    this.key = u32s(groups, budget);
    this.rrStart = u32s(groups, budget);
    this.rrCount = u32s(groups, budget);
    this.rrList = u32s(pairs.pairCount, budget);
    this.rrTarget = u32s(pairs.pairCount, budget);
    this.nameStart.push(0);
    if (groups === 0) return;
    budget.charge(wireLen.length * 4);
    const rrOf = new Int32Array(wireLen.length).fill(-1);
    const v6 = pairs.v6Bytes();
    for (let g = 0; g < groups; g++) {
      const names = this.names;
      names.reserve(MAX_REVERSE_NAME);
      const start = names.length;
      const end =
        pairs.familyOf(g) === 4
          ? writeIPv4ReverseName(pairs.v4Of(g), names.items, start)
          : writeIPv6ReverseName(v6, pairs.v6Offset(g), names.items, start);
      if (isUnder(names.items, start, end, apex)) continue;
      const first = this.rrList.length;
      for (let pair = pairs.firstPair(g); pair >= 0; pair = pairs.nextPair(pair)) {
        const target = pairs.targetOf(pair);
        if (wireLen[target]! <= 1) continue;
        let rr = rrOf[target]!;
        if (rr < 0) rr = rrOf[target] = this.rrTarget.push(target);
        this.rrList.push(rr);
      }
      if (this.rrList.length === first) continue;
      names.length = end;
      this.nameStart.push(end);
      this.key.push(hashWireName(names.items, start, end));
      this.rrStart.push(first);
      this.rrCount.push(this.rrList.length - first);
    }
  }

  /** Reverse entries planned. */
  get count(): number {
    return this.key.length;
  }
}
