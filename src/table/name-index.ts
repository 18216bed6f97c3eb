/**
 * The table build's index of entry names: open addressing with linear probing
 * over `hashWire` values, which `hostNameHash` computes while validating a
 * name, so no name is hashed twice and no string is compared unless the
 * hashes agree. Grown to keep the capacity the smallest power of two ≥ 2 ×
 * entries (min 8) and refilled in entry order, so `slots` is exactly the
 * table's hash region (table-layout.ts).
 */
export class NameIndex {
  /** absolute lower-case names, by entry */
  readonly keys: string[] = [];
  private hashes = new Uint32Array(1024);
  /** entry + 1 per slot, 0 = empty */
  slots = new Uint32Array(8);

  add(key: string, hash: number): number {
    const e = this.keys.length;
    this.keys.push(key);
    if (e === this.hashes.length) {
      const grown = new Uint32Array(e * 2);
      grown.set(this.hashes);
      this.hashes = grown;
    }
    this.hashes[e] = hash;
    if ((e + 1) * 2 > this.slots.length) {
      this.slots = new Uint32Array(this.slots.length * 2);
      for (let i = 0; i <= e; i++) this.place(i);
    } else {
      this.place(e);
    }
    return e;
  }

  private place(e: number): void {
    const slots = this.slots;
    const mask = slots.length - 1;
    let p = this.hashes[e]! & mask;
    while (slots[p] !== 0) p = (p + 1) & mask;
    slots[p] = e + 1;
  }

  /** Entry of `key`, whose hash is `h`, or -1. */
  find(key: string, h: number): number {
    const slots = this.slots;
    const mask = slots.length - 1;
    for (let p = h & mask; ; p = (p + 1) & mask) {
      const e = slots[p]! - 1;
      if (e < 0) return -1;
      if (this.hashes[e] === h && this.keys[e] === key) return e;
    }
  }

  /** Entry of the name `key[from, key.length)` (the root when empty), or -1: no substring is made. */
  findSuffix(key: string, from: number, h: number): number {
    const slots = this.slots;
    const mask = slots.length - 1;
    const len = key.length - from;
    for (let p = h & mask; ; p = (p + 1) & mask) {
      const e = slots[p]! - 1;
      if (e < 0) return -1;
      if (this.hashes[e] !== h) continue;
      const k = this.keys[e]!;
      if (len === 0 ? k === '.' : k.length === len && key.endsWith(k)) return e;
    }
  }

  /** Entry of the name `v[0, end)` plus a trailing dot when it lacks one, or -1. */
  findPrefix(v: string, end: number, h: number): number {
    const slots = this.slots;
    const mask = slots.length - 1;
    const dotted = v.charCodeAt(end - 1) === 0x2e;
    for (let p = h & mask; ; p = (p + 1) & mask) {
      const e = slots[p]! - 1;
      if (e < 0) return -1;
      if (this.hashes[e] !== h) continue;
      const k = this.keys[e]!;
      if (dotted ? k.length === end && v.startsWith(k) : k.length === end + 1 && k.startsWith(v.slice(0, end)))
        return e;
    }
  }
}
