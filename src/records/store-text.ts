/**
 * A record store to and from its text form, the Go program's three maps of
 * name → values (`RecordSet`): golden files and tests' literal sets go in,
 * tests compare what comes out.
 */
import { formatIPv6, ipv4Value, parseIPv6Into } from '../net/ip.js';
import { valuesOf } from './record-set.js';
import { RecordStore, TYPE_A, TYPE_AAAA, TYPE_NAMES, TYPE_SRV } from './store.js';
import type { RecordSet, Values } from './types.js';
import { NONE } from './value-lists.js';

/** Every name's values as text, the Go program's three maps. */
export function recordSetOf(store: RecordStore): RecordSet {
  const out: RecordSet = { a: new Map(), aaaa: new Map(), srv: new Map() };
  const maps = [out.a, out.aaaa, out.srv];
  for (let id = 0; id < store.nameCount; id++) {
    for (const type of [TYPE_A, TYPE_AAAA, TYPE_SRV] as const) {
      const values: string[] = [];
      for (let n = store.firstNode(type, id); n !== NONE; n = store.nextNode(type, n)) values.push(store.text(type, n));
      if (values.length > 0) maps[type]!.set(store.nameText(id), values.length === 1 ? values[0]! : values);
    }
  }
  return out;
}

/** Every record as text, one at a time, in type then name order (the trace log of a build). */
export function* recordTexts(store: RecordStore): Generator<{ rtype: string; name: string; value: string }> {
  for (const type of [TYPE_A, TYPE_AAAA, TYPE_SRV] as const) {
    for (let id = 0; id < store.nameCount; id++) {
      for (let n = store.firstNode(type, id); n !== NONE; n = store.nextNode(type, n)) {
        yield { rtype: TYPE_NAMES[type]!, name: store.nameText(id), value: store.text(type, n) };
      }
    }
  }
}

/**
 * A store holding a record set given as text (a golden file, a test's
 * literal set). Values that do not parse as their type are kept as text:
 * the HTTP views show them, DNS leaves them out.
 */
export function storeOf(rs: {
  a: ReadonlyMap<string, Values>;
  aaaa: ReadonlyMap<string, Values>;
  srv: ReadonlyMap<string, Values>;
}): RecordStore {
  const s = new RecordStore();
  const bytes = new Uint8Array(16);
  for (const [name, values] of rs.a) {
    const id = s.id(name);
    for (const v of valuesOf(values)) {
      const ip = ipv4Value(v);
      if (s.addA(id, ip < 0 ? 0 : ip, ip < 0 ? v : undefined) && ip < 0) s.markLastTextOnly(TYPE_A, id);
    }
  }
  for (const [name, values] of rs.aaaa) {
    const id = s.id(name);
    for (const v of valuesOf(values)) {
      const ok = parseIPv6Into(v, bytes, 0);
      if (!ok) bytes.fill(0);
      const added = s.addAAAA(id, bytes, 0, ok && formatIPv6(bytes, 0) === v ? undefined : v);
      if (added && !ok) s.markLastTextOnly(TYPE_AAAA, id);
    }
  }
  for (const [name, values] of rs.srv) {
    const id = s.id(name);
    for (const v of valuesOf(values)) {
      const colon = v.lastIndexOf(':');
      const target = s.id(colon < 0 ? v : v.slice(0, colon));
      const portText = colon < 0 ? '' : v.slice(colon + 1);
      const canonical = /^(0|[1-9][0-9]{0,14})$/.test(portText) && v.charCodeAt(colon - 1) === 0x2e;
      s.addSrv(id, target, canonical ? Number(portText) : NaN, canonical ? undefined : v);
    }
  }
  return s;
}
