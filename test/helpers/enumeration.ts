import type { EnumTask, Enumeration, RecordType } from '../../src/records/types.js';

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

/** Our Enumeration (flattened records) in the Go document's shape, key order included. */
export function goEnumeration(e: Enumeration): GoEnumeration {
  return {
    frameworks:
      e.frameworks?.map((f) => ({
        tasks: f.tasks.map((t) => ({ name: t.name, id: t.id, records: goRecords(t) })),
        name: f.name,
      })) ?? null,
  };
}

function goRecords(t: EnumTask): GoEnumRecord[] | null {
  if (t.records === null) return null;
  const out: GoEnumRecord[] = [];
  for (let i = 0; i < t.records.length; i += 3) {
    out.push({ name: t.records[i]!, host: t.records[i + 1]!, rtype: t.records[i + 2] as RecordType });
  }
  return out;
}

/** A Go `/v1/enumerate` document as our Enumeration. */
export function fromGoEnumeration(doc: GoEnumeration): Enumeration {
  return {
    frameworks:
      doc.frameworks?.map((f) => ({
        tasks: f.tasks.map((t) => ({
          name: t.name,
          id: t.id,
          records: t.records && t.records.flatMap((r) => [r.name, r.host, r.rtype]),
        })),
        name: f.name,
      })) ?? null,
  };
}
