/**
 * The record store's value index (store.ts): which value nodes a name holds,
 * found by a key made from the name and the value, so that "does this name
 * hold this value already?" (Go's sets) costs one probe, without a scan of a
 * long list or a Set per name.
 *
 * Per slot two numbers: the node's reference, `(type << 30 | node) + 1` (0 =
 * empty), and its key (as unsigned); open addressing with linear probing, at
 * most half full. The key sits beside the reference so that passing over
 * another value's slot reads no memory but the slot's own. The store probes
 * `slots` itself, comparing the values it finds as only it can.
 */
import type { MemoryBudget } from './budget.js';
import { doubledSlots } from './growable.js';
import { fnvMix as mix } from './hash.js';

export const REF_TYPE_SHIFT = 30;
export const REF_NODE_MASK = (1 << REF_TYPE_SHIFT) - 1;

function finish(h: number): number {
  h ^= h >>> 15;
  return Math.imul(h, 0x2c1b3c6d) ^ (h >>> 12);
}

/** The key of a value that is one 32-bit number (an IPv4 address). */
export function numberKey(id: number, type: number, v: number): number {
  return finish(mix(mix(id, type), v));
}

/** The key of a 16-byte value (an IPv6 address) at `bytes[off]`. */
export function bytesKey(id: number, type: number, bytes: Uint8Array, off: number): number {
  let h = mix(id, type);
  for (let i = off; i < off + 16; i += 4) {
    h = mix(h, (bytes[i]! << 24) | (bytes[i + 1]! << 16) | (bytes[i + 2]! << 8) | bytes[i + 3]!);
  }
  return finish(h);
}

/** The key of an SRV value: its target's name id and its port (any number a state may give). */
export function srvKey(id: number, type: number, target: number, port: number): number {
  return finish(mix(mix(mix(mix(id, type), target), port | 0), Math.floor(port / 0x100000000)));
}

/** The key of a value kept as text. */
export function textKey(id: number, type: number, text: string): number {
  let h = mix(mix(id, type), 0x7fffffff);
  for (let i = 0; i < text.length; i++) h = mix(h, text.charCodeAt(i));
  return finish(h);
}

export class ValueIndex {
  /** read by the store's probes; replaced as it grows */
  slots: Uint32Array;
  private size = 0;

  /** Sized for `expected` values at most half full. */
  constructor(
    expected: number,
    private readonly budget: MemoryBudget,
  ) {
    let n = 8192;
    while (n < 2 * expected) n *= 2;
    budget.charge(n * 8);
    this.slots = new Uint32Array(n * 2);
  }

  /** Puts node `node` of `type` in `slot`, which a probe for `key` found empty. */
  place(slot: number, type: number, node: number, key: number): void {
    this.slots[2 * slot] = ((type << REF_TYPE_SHIFT) | node) + 1;
    this.slots[2 * slot + 1] = key;
    if (++this.size * 4 > this.slots.length) {
      this.budget.charge(this.slots.byteLength * 2);
      this.slots = doubledSlots(this.slots);
    }
  }

  /** Puts a node that is not in the index yet under `key`. */
  add(type: number, node: number, key: number): void {
    const slots = this.slots;
    const mask = (slots.length >>> 1) - 1;
    let p = key & mask;
    while (slots[2 * p] !== 0) p = (p + 1) & mask;
    this.place(p, type, node, key);
  }
}
