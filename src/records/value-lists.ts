/**
 * The value nodes of one record type in a record store (store.ts): per name a
 * singly linked list in insertion order, per node its owner.
 */
import type { MemoryBudget } from './budget.js';
import { i32s, u32s } from './growable.js';

/** No node: the end of a list, or an empty one. */
export const NONE = -1;

/** The value nodes of one type: per name a list (head, tail), per node its successor. */
export class ValueLists {
  /** by name id: NONE for a name without values of this type */
  readonly head;
  /**
   * by name id: valid only where `count` is not 0; left unfilled, as most
   * names have no value of a given type, and filling it took ~1,300 fresh
   * pages at 50,000 tasks
   */
  readonly tail;
  readonly count;
  /** by node id */
  readonly next;
  /** by node id: the name it belongs to */
  readonly owner;

  constructor(names: number, values: number, budget: MemoryBudget) {
    this.head = i32s(names, budget);
    this.tail = i32s(names, budget);
    this.count = u32s(names, budget);
    this.next = i32s(values, budget);
    this.owner = u32s(values, budget);
  }

  growNames(names: number): void {
    const head = this.head;
    head.reserve(names - head.length);
    head.items.fill(NONE, head.length, names);
    head.length = Math.max(head.length, names);
    for (const g of [this.tail, this.count]) {
      g.reserve(names - g.length);
      g.length = Math.max(g.length, names);
    }
  }

  /** Links node `node` at the end of name `id`'s list. */
  append(id: number, node: number): void {
    this.next.push(NONE);
    this.owner.push(id);
    if (this.count.items[id] === 0) this.head.items[id] = node;
    else this.next.items[this.tail.items[id]!] = node;
    this.tail.items[id] = node;
    this.count.items[id]!++;
  }
}
