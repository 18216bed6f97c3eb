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
}

export const u32s = (n: number, b: MemoryBudget) => new Growable(new Uint32Array(n), (m) => new Uint32Array(m), b);
export const i32s = (n: number, b: MemoryBudget) => new Growable(new Int32Array(n), (m) => new Int32Array(m), b);
export const f64s = (n: number, b: MemoryBudget) => new Growable(new Float64Array(n), (m) => new Float64Array(m), b);
export const u8s = (n: number, b: MemoryBudget) => new Growable(new Uint8Array(n), (m) => new Uint8Array(m), b);
