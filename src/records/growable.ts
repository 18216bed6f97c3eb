import type { MemoryBudget } from './budget.js';

type Typed = Uint32Array | Int32Array | Uint16Array | Uint8Array | Float64Array;

/**
 * A typed array that doubles as it fills; `items` is valid up to `length`.
 * Growth is charged to the refresh's memory budget before it is allocated.
 */
export class Growable<T extends Typed> {
  length = 0;
  constructor(
    public items: T,
    private readonly make: (size: number) => T,
    private readonly budget: MemoryBudget,
  ) {
    budget.charge(items.byteLength);
  }

  /** Makes room for `n` more items. */
  reserve(n: number): void {
    if (this.length + n <= this.items.length) return;
    const size = Math.max(this.items.length * 2, this.length + n);
    this.budget.charge((size - this.items.length) * this.items.BYTES_PER_ELEMENT);
    const grown = this.make(size);
    grown.set(this.items);
    this.items = grown;
  }

  /** Appends `v`; returns its index. */
  push(v: number): number {
    if (this.length === this.items.length) this.reserve(1);
    this.items[this.length] = v;
    return this.length++;
  }

  /**
   * Appends `src[from, from + n)`, copied item by item: for the few items of
   * one value (an IPv6 address), `items.set(src.subarray(…))` made a view
   * object per call, millions of them per build.
   */
  pushFrom(src: ArrayLike<number>, from: number, n: number): void {
    this.reserve(n);
    const items = this.items;
    const at = this.length;
    for (let i = 0; i < n; i++) items[at + i] = src[from + i]!;
    this.length = at + n;
  }
}

export const u32s = (n: number, b: MemoryBudget) => new Growable(new Uint32Array(n), (m) => new Uint32Array(m), b);
export const i32s = (n: number, b: MemoryBudget) => new Growable(new Int32Array(n), (m) => new Int32Array(m), b);
export const f64s = (n: number, b: MemoryBudget) => new Growable(new Float64Array(n), (m) => new Float64Array(m), b);
export const u8s = (n: number, b: MemoryBudget) => new Growable(new Uint8Array(n), (m) => new Uint8Array(m), b);

/**
 * An open-addressing index in twice as many slots. The name tree's child
 * index and the record store's value index hold two numbers per slot, what
 * the slot leads to + 1 (0: empty) and its key, probed linearly from `key &
 * mask`: each entry is placed again by its key.
 */
export function doubledSlots<T extends Int32Array | Uint32Array>(slots: T): T {
  const grown = new (slots.constructor as new (length: number) => T)(slots.length * 2);
  const mask = (grown.length >>> 1) - 1;
  for (let q = 0; q < slots.length; q += 2) {
    if (slots[q] === 0) continue;
    let p = slots[q + 1]! & mask;
    while (grown[2 * p] !== 0) p = (p + 1) & mask;
    grown[2 * p] = slots[q]!;
    grown[2 * p + 1] = slots[q + 1]!;
  }
  return grown;
}
