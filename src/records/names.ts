/**
 * Every name of a record store, as a tree of labels. A refresh at 50,000
 * tasks makes ~400,000 names, most of them one new label under a shared
 * parent (`<task>-<hash>-<agent>` under `<framework>.<domain>.`). Interning
 * the label under its parent hashes a short string that is reused (for the
 * `.slave.` twin too) instead of building and hashing every full name, and
 * the table build derives each name's wire form, validity and index hash
 * from its parent's in one pass, without parsing text again.
 *
 * A name's text and its place in the tree map one to one: the labels are the
 * text split at its dots. Absolute names (ending in `.`) hang below ROOT,
 * names written without the trailing dot below RELATIVE: the Go program keeps
 * `a.mesos` and `a.mesos.` as two map keys, and so do we. A parent's id is
 * always smaller than its children's.
 */
import type { MemoryBudget } from './budget.js';
import { doubledSlots } from './growable.js';
import { FNV_OFFSET, fnvMix } from './hash.js';

/** The root, `.`; every absolute name descends from it. */
export const ROOT = 0;
/** The empty text; names written without a trailing dot descend from it. */
export const RELATIVE = 1;
const NONE = -1;

/** FNV-1a of a label, seeded with its parent: the key of the child index. */
function childKey(parent: number, label: string): number {
  let h = fnvMix(FNV_OFFSET, parent);
  for (let i = 0; i < label.length; i++) h = fnvMix(h, label.charCodeAt(i));
  h ^= h >>> 15;
  return Math.imul(h, 0x2c1b3c6d) ^ (h >>> 12);
}

export class NameTree {
  private parents: Int32Array;
  /** by id: 1 once the name has a child */
  private internal: Uint8Array;
  /**
   * by id: the label; made as long as the size expected, as is `texts`: grown
   * one name at a time, the two arrays of ~450,000 entries were reallocated
   * and copied again and again, ~20 MB of garbage in the refresh worker's heap
   */
  private readonly labels: string[];
  /** how many names there are */
  private count = 2;
  /**
   * The child index, over all names: per slot two numbers, id + 1 (0 =
   * empty) and the name's `childKey`, open addressing with linear probing, at
   * most half full. Typed arrays, not a Map per parent: ~400,000 names a
   * refresh then cost no garbage and no rehashing of string keys. The key
   * sits in the slot so that passing over another name's slot reads nothing
   * else (value-index.ts, likewise).
   */
  private slots: Int32Array;
  /** by id: the text of names that have children, kept because every child's text starts from it */
  private readonly texts: Array<string | undefined>;

  /** `size`: about how many names there will be */
  constructor(
    private readonly budget: MemoryBudget,
    size = 1024,
  ) {
    const n = Math.max(size, 16);
    let slots = 16;
    while (slots < 2 * n) slots *= 2;
    budget.charge(n * 5 + slots * 8);
    this.parents = new Int32Array(n);
    this.internal = new Uint8Array(n);
    this.slots = new Int32Array(slots * 2);
    this.labels = new Array<string>(n);
    this.labels[ROOT] = '';
    this.labels[RELATIVE] = '';
    this.texts = new Array<string | undefined>(n);
    this.texts[ROOT] = '.';
    this.texts[RELATIVE] = '';
    this.parents[ROOT] = NONE;
    this.parents[RELATIVE] = NONE;
  }

  get size(): number {
    return this.count;
  }

  parent(id: number): number {
    return this.parents[id]!;
  }

  label(id: number): string {
    return this.labels[id]!;
  }

  /** The child of `parent` with `label`, which holds no dot; made on first use. */
  child(parent: number, label: string): number {
    const key = childKey(parent, label);
    const slots = this.slots;
    const mask = (slots.length >>> 1) - 1;
    let p = key & mask;
    for (let slot = slots[2 * p]!; slot !== 0; slot = slots[2 * p]!) {
      const id = slot - 1;
      if (slots[2 * p + 1] === key && this.parents[id] === parent && this.labels[id] === label) return id;
      p = (p + 1) & mask;
    }
    const id = this.count++;
    if (id === this.parents.length) this.grow();
    this.parents[id] = parent;
    this.labels[id] = label;
    this.internal[parent] = 1;
    slots[2 * p] = id + 1;
    slots[2 * p + 1] = key;
    if ((id + 1) * 4 > slots.length) this.rehash();
    return id;
  }

  /** The child of `parent` with `label`, or -1. */
  private findChild(parent: number, label: string): number {
    const key = childKey(parent, label);
    const slots = this.slots;
    const mask = (slots.length >>> 1) - 1;
    for (let p = key & mask, slot = slots[2 * p]!; slot !== 0; p = (p + 1) & mask, slot = slots[2 * p]!) {
      const id = slot - 1;
      if (slots[2 * p + 1] === key && this.parents[id] === parent && this.labels[id] === label) return id;
    }
    return NONE;
  }

  private grow(): void {
    const size = this.parents.length * 2;
    this.budget.charge((size - this.parents.length) * 5);
    const parents = new Int32Array(size);
    parents.set(this.parents);
    this.parents = parents;
    const internal = new Uint8Array(size);
    internal.set(this.internal);
    this.internal = internal;
  }

  private rehash(): void {
    this.budget.charge(this.slots.byteLength * 2);
    this.slots = doubledSlots(this.slots);
  }

  /** The name `<text>.<parent>`: `text`'s labels, the last one nearest `parent`. */
  below(parent: number, text: string): number {
    if (!text.includes('.')) return this.child(parent, text);
    const labels = text.split('.');
    let id = parent;
    for (let i = labels.length - 1; i >= 0; i--) id = this.child(id, labels[i]!);
    return id;
  }

  /** The id of the name written `text`, made on first use. */
  intern(text: string): number {
    if (text === '.') return ROOT;
    if (text === '') return RELATIVE;
    return text.endsWith('.') ? this.below(ROOT, text.slice(0, -1)) : this.below(RELATIVE, text);
  }

  /** The id of the name written `text`, or -1 when it was never made. */
  find(text: string): number {
    if (text === '.') return ROOT;
    if (text === '') return RELATIVE;
    const absolute = text.endsWith('.');
    const labels = (absolute ? text.slice(0, -1) : text).split('.');
    let id = absolute ? ROOT : RELATIVE;
    for (let i = labels.length - 1; i >= 0 && id !== NONE; i--) id = this.findChild(id, labels[i]!);
    return id;
  }

  /** The name's text, exactly as it was interned. */
  text(id: number): string {
    const known = this.texts[id];
    if (known !== undefined) return known;
    const parent = this.parents[id]!;
    const label = this.labels[id]!;
    const text = parent === ROOT ? `${label}.` : parent === RELATIVE ? label : `${label}.${this.text(parent)}`;
    if (this.internal[id] === 1) this.texts[id] = text;
    return text;
  }
}
