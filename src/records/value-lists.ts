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
  /** by name id */
  readonly head;
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
    for (const g of [this.head, this.tail]) {
      g.reserve(names - g.length);
      g.items.fill(NONE, g.length, names);
      g.length = Math.max(g.length, names);
    }
    this.count.reserve(names - this.count.length);
    this.count.length = Math.max(this.count.length, names);
  }

  /** Links node `node` at the end of name `id`'s list. */
  append(id: number, node: number): void {
    this.next.push(NONE);
    this.owner.push(id);
    const tail = this.tail.items[id]!;
    if (tail === NONE) this.head.items[id] = node;
    else this.next.items[tail] = node;
    this.tail.items[id] = node;
    this.count.items[id]!++;
  }
}
