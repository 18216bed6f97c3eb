import { TYPE_A, TYPE_AAAA, TYPE_NAMES, TYPE_SRV, type RecordStore, type StoreType } from '../../src/records/store.js';
import type { Enumeration, RecordType } from '../../src/records/types.js';

/** `/v1/enumerate` as the Go program writes it: one object per record. */
export interface GoEnumRecord {
  name: string;
  host: string;
  rtype: RecordType;
}
export interface GoEnumeration {
  frameworks: Array<{
    tasks: Array<{ name: string; id: string; records: GoEnumRecord[] | null }>;
    name: string;
  }> | null;
}

/** A task's records, `journal[from, to)` of `store`, as Go's record objects. */
export function taskRecords(store: RecordStore, from: number, to: number): GoEnumRecord[] | null {
  if (from === to) return null;
  const out: GoEnumRecord[] = [];
  for (let j = from; j < to; j++) {
    const ref = store.journal.items[j]!;
    const type = (ref >>> 30) as StoreType;
    const node = ref & 0x3fffffff;
    out.push({
      name: store.nameText(store.ownerOf(type, node)),
      host: store.text(type, node),
      rtype: TYPE_NAMES[type]!,
    });
  }
  return out;
}

/** Our Enumeration (records in the store's journal) in the Go document's shape, key order included. */
export function goEnumeration(store: RecordStore, e: Enumeration): GoEnumeration {
  return {
    frameworks:
      e.frameworks?.map((f) => ({
        tasks: f.tasks.map((t) => ({ name: t.name, id: t.id, records: taskRecords(store, t.from, t.to) })),
        name: f.name,
      })) ?? null,
  };
}

const TYPES: Record<RecordType, StoreType> = { A: TYPE_A, AAAA: TYPE_AAAA, SRV: TYPE_SRV };

/**
 * A Go `/v1/enumerate` document as our Enumeration over `store` (which holds
 * the same records, e.g. made from the fixture's axfr.json): each record is
 * looked up in the store and appended to its journal.
 */
export function fromGoEnumeration(doc: GoEnumeration, store: RecordStore): Enumeration {
  const nodeOf = (r: GoEnumRecord): number => {
    const type = TYPES[r.rtype];
    const id = store.names.find(r.name);
    for (let n = store.firstNode(type, id); n >= 0; n = store.nextNode(type, n)) {
      if (store.text(type, n) === r.host) return (type << 30) | n;
    }
    throw new Error(`${r.rtype} ${r.name} ${r.host} is not in the store`);
  };
  return {
    frameworks:
      doc.frameworks?.map((f) => ({
        tasks: f.tasks.map((t) => {
          const from = store.journal.length;
          for (const r of t.records ?? []) store.journal.push(nodeOf(r));
          return { name: t.name, id: t.id, from, to: store.journal.length };
        }),
        name: f.name,
      })) ?? null,
  };
}
