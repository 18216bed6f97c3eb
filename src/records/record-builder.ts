import type { ParsedIP } from '../net/ip.js';
import type { RecordSet, RecordType, Values } from './types.js';

/** Below this many values a name's array is replaced by an exactly sized copy on each add (no growth slack). */
const EXACT_UNDER = 8;
/** From this many values on, a side Set answers "already there?" instead of a scan. */
const INDEXED_FROM = 24;

/**
 * The record maps under construction (name → distinct values, in insertion order),
 * and the journal of what the current task newly inserted, for /v1/enumerate.
 */
export class RecordBuilder {
  readonly records: RecordSet = { a: new Map(), aaaa: new Map(), srv: new Map() };
  /**
   * While a task is inserted (`journalled` ≥ 0): the records it added that did
   * not exist before, as name, host, rtype triples in `journal[0, journalled)`.
   * One scratch array for all tasks; each keeps an exactly sized copy.
   */
  private readonly journal: string[] = [];
  private journalled = -1;
  /** value index of the arrays that grew large; dropped with the builder */
  private readonly index = new Map<string[], Set<string>>();

  beginTask(): void {
    this.journalled = 0;
  }

  /** The records the task added (see `journal`), or null when none: Go's nil slice. */
  endTask(): string[] | null {
    const n = this.journalled;
    this.journalled = -1;
    return n > 0 ? this.journal.slice(0, n) : null;
  }

  private record(name: string, value: string, rtype: RecordType): void {
    if (this.journalled < 0) return;
    const j = this.journal;
    const at = this.journalled;
    j[at] = name;
    j[at + 1] = value;
    j[at + 2] = rtype;
    this.journalled = at + 3;
  }

  map(rtype: RecordType): Map<string, Values> {
    return rtype === 'A' ? this.records.a : rtype === 'AAAA' ? this.records.aaaa : this.records.srv;
  }

  /**
   * Adds `value` to `name`'s values unless present, journalling it when new.
   * `held` is the name's stored array when the caller holds it (see
   * NameSets). Returns the name's array afterwards, if it has one: small
   * arrays are replaced rather than grown, and the replaced one is emptied so
   * that a holder can tell it is stale (a stored array is never empty).
   */
  add(rtype: RecordType, name: string, held: string[] | undefined, value: string): string[] | undefined {
    const map = this.map(rtype);
    let values = held;
    if (values === undefined) {
      const stored = map.get(name);
      if (stored === undefined || typeof stored === 'string') {
        if (stored === value) return undefined;
        values = stored === undefined ? undefined : [stored, value];
        map.set(name, values ?? value);
        this.record(name, value, rtype);
        return values;
      }
      values = stored;
    }
    const n = values.length;
    if (n < EXACT_UNDER) {
      for (let i = 0; i < n; i++) if (values[i] === value) return values;
      const grown = new Array<string>(n + 1);
      for (let i = 0; i < n; i++) grown[i] = values[i]!;
      grown[n] = value;
      values.length = 0;
      values = grown;
      map.set(name, values);
    } else if (n < INDEXED_FROM) {
      if (values.includes(value)) return values;
      values.push(value);
    } else {
      let seen = this.index.get(values);
      if (seen === undefined) {
        seen = new Set(values);
        this.index.set(values, seen);
      }
      if (seen.has(value)) return values;
      seen.add(value);
      values.push(value);
    }
    this.record(name, value, rtype);
    return values;
  }

  insert(rtype: RecordType, name: string, value: string): void {
    this.add(rtype, name, undefined, value);
  }

  insertIP(name: string, ip: ParsedIP): void {
    this.add(ip.family === 4 ? 'A' : 'AAAA', name, undefined, ip.text);
  }
}

/**
 * One name's value arrays, once it has them, held so that an application's
 * names (which receive records from every one of its tasks) are not looked up
 * in the record maps again. An emptied array was replaced through another
 * path (two frameworks of one name share names): it is looked up again.
 */
export class NameSets {
  private a: string[] | undefined;
  private aaaa: string[] | undefined;
  private srv: string[] | undefined;

  constructor(readonly name: string) {}

  insertIP(b: RecordBuilder, ip: ParsedIP): void {
    if (ip.family === 4) this.a = b.add('A', this.name, live(this.a), ip.text);
    else this.aaaa = b.add('AAAA', this.name, live(this.aaaa), ip.text);
  }

  insertSRV(b: RecordBuilder, value: string): void {
    this.srv = b.add('SRV', this.name, live(this.srv), value);
  }
}

function live(values: string[] | undefined): string[] | undefined {
  return values !== undefined && values.length > 0 ? values : undefined;
}
