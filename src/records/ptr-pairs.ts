/**
 * The PTR records of one refresh (`ptrOn`): which names each address we know
 * points back to. One group per distinct address (an IPv4 address as a u32,
 * an IPv6 address as 16 bytes) holds the chain of its target names (name-tree
 * ids); a pair already held is not added again, so an address shared by
 * several agents still has one `slave.<domain>` target. The table build turns
 * each group into one reverse name.
 */
import type { Addr } from '../net/ip.js';
import type { MemoryBudget } from './budget.js';
import { i32s, u32s, u8s } from './growable.js';
import { fnvMix as mix } from './hash.js';

const NONE = -1;

function addrKey(addr: Addr): number {
  if (addr.family === 4) return mix(mix(4, addr.v4), 0x2e) >>> 0;
  const b = addr.v6;
  let h = 6;
  for (let i = 0; i < 16; i += 4) h = mix(h, (b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!);
  return h >>> 0;
}

export class PtrPairs {
  /** by group: 4 or 6 */
  private readonly family;
  /** by group: the IPv4 address, or the IPv6 address's index in `v6` (16 bytes each) */
  private readonly addr;
  private readonly v6;
  /** by group: its first pair */
  private readonly head;
  /** by group: its address's hash, to rehash the index */
  private readonly key;
  /** by pair: the target name, and the next pair of its group */
  private readonly target;
  private readonly next;
  /** group + 1 per slot (0 = empty), open addressing, linear probing, at most half full */
  private slots: Uint32Array;

  constructor(private readonly budget: MemoryBudget) {
    this.family = u8s(64, budget);
    this.addr = u32s(64, budget);
    this.v6 = u8s(256, budget);
    this.head = i32s(64, budget);
    this.key = u32s(64, budget);
    this.target = u32s(64, budget);
    this.next = i32s(64, budget);
    budget.charge(128 * 4);
    this.slots = new Uint32Array(128);
  }

  /** Distinct addresses. */
  get groupCount(): number {
    return this.family.length;
  }

  /** Distinct (address, target) pairs. */
  get pairCount(): number {
    return this.target.length;
  }

  /** Adds `target` as a name of `addr` unless it is one already. */
  add(addr: Addr, target: number): void {
    const key = addrKey(addr);
    const p = this.probe(addr, key);
    const found = this.slots[p]!;
    if (found !== 0) {
      if (!this.hasTarget(found - 1, target)) this.link(found - 1, target);
      return;
    }
    const g = this.family.push(addr.family);
    if (addr.family === 4) {
      this.addr.push(addr.v4);
    } else {
      this.addr.push(this.v6.length / 16);
      this.v6.reserve(16);
      this.v6.items.set(addr.v6, this.v6.length);
      this.v6.length += 16;
    }
    this.head.push(NONE);
    this.key.push(key);
    this.slots[p] = g + 1;
    this.link(g, target);
    if (this.family.length * 2 > this.slots.length) this.rehash();
  }

  /** True when `target` is a name of `addr`. */
  has(addr: Addr, target: number): boolean {
    const found = this.slots[this.probe(addr, addrKey(addr))]!;
    return found !== 0 && this.hasTarget(found - 1, target);
  }

  /** 4 or 6. */
  familyOf(group: number): 4 | 6 {
    return this.family.items[group] === 4 ? 4 : 6;
  }

  /** An IPv4 group's address as an unsigned 32-bit number. */
  v4Of(group: number): number {
    return this.addr.items[group]!;
  }

  /** An IPv6 group's address is `v6Bytes()[v6Offset(group), + 16)`. */
  v6Offset(group: number): number {
    return this.addr.items[group]! * 16;
  }

  v6Bytes(): Uint8Array {
    return this.v6.items;
  }

  /** A group's first pair, or -1; `nextPair` walks on. */
  firstPair(group: number): number {
    return this.head.items[group]!;
  }

  nextPair(pair: number): number {
    return this.next.items[pair]!;
  }

  targetOf(pair: number): number {
    return this.target.items[pair]!;
  }

  /** The slot holding `addr`'s group, or the empty slot where it would go. */
  private probe(addr: Addr, key: number): number {
    const slots = this.slots;
    const mask = slots.length - 1;
    let p = key & mask;
    for (let ref = slots[p]!; ref !== 0; p = (p + 1) & mask, ref = slots[p]!) {
      if (this.key.items[ref - 1] === key && this.holds(ref - 1, addr)) return p;
    }
    return p;
  }

  private hasTarget(group: number, target: number): boolean {
    for (let pair = this.head.items[group]!; pair !== NONE; pair = this.next.items[pair]!) {
      if (this.target.items[pair] === target) return true;
    }
    return false;
  }

  private holds(group: number, addr: Addr): boolean {
    if (this.family.items[group] !== addr.family) return false;
    if (addr.family === 4) return this.addr.items[group] === addr.v4;
    const v = this.v6.items;
    const off = this.addr.items[group]! * 16;
    for (let i = 0; i < 16; i++) if (v[off + i] !== addr.v6[i]) return false;
    return true;
  }

  private link(group: number, target: number): void {
    const pair = this.target.push(target);
    this.next.push(this.head.items[group]!);
    this.head.items[group] = pair;
  }

  private rehash(): void {
    this.budget.charge(this.slots.byteLength * 2);
    const slots = new Uint32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let g = 0; g < this.family.length; g++) {
      let p = this.key.items[g]! & mask;
      while (slots[p] !== 0) p = (p + 1) & mask;
      slots[p] = g + 1;
    }
    this.slots = slots;
  }
}
