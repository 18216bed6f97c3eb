import type { RecordStore } from './store.js';

/**
 * A generated record set, exactly as the Go program's three maps: name → its
 * distinct string values. Names are absolute (end in `.`) and stored as
 * generated (the legacy DiscoveryInfo pass may store upper case, spaces, empty
 * labels). Values keep insertion order; consumers shuffle where the Go program
 * is random.
 */
export interface RecordSet {
  /** IPv4 text, e.g. `10.0.0.1` */
  a: Map<string, Values>;
  /** IPv6 text in canonical form, e.g. `2001:db8::1` */
  aaaa: Map<string, Values>;
  /** `<absolute target>:<port>`, e.g. `web-e844k-s1.marathon.slave.mesos.:31000` */
  srv: Map<string, Values>;
}

/**
 * One name's distinct values: the value itself when there is one, else an
 * array. At 50,000 tasks there are ~300,000 names and two thirds hold a single
 * value; a Set, or even an array, per name costs more memory and GC time than
 * everything else the generator keeps. Read them with `valuesOf`/`valueCount`
 * (record-set.ts): iterating a string would walk its characters.
 */
export type Values = string | string[];

export type RecordType = 'A' | 'AAAA' | 'SRV';

/**
 * `/v1/enumerate` shapes (docs/compatibility.md, Enumeration). A task's records
 * are `store.journal[from, to)`: the records it added that no earlier task or
 * pass had, in generation order (none: Go's nil slice).
 */
export interface EnumTask {
  name: string;
  id: string;
  from: number;
  to: number;
}
export interface EnumFramework {
  tasks: EnumTask[];
  name: string;
}
export interface Enumeration {
  frameworks: EnumFramework[] | null;
}

export interface Generated {
  store: RecordStore;
  enumeration: Enumeration;
}
