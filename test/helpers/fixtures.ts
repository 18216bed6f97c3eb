import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const FIXTURES_DIR = join(import.meta.dirname, '..', '..', '..', 'shared', 'fixtures');

export function fixtureNames(): string[] {
  return readdirSync(FIXTURES_DIR).filter((n) => !n.startsWith('.')).sort();
}

export function readFixture(name: string, file: 'state.json' | 'config.json' | 'axfr.json' | 'enumerate.json'): unknown {
  return JSON.parse(readFileSync(join(FIXTURES_DIR, name, file), 'utf8'));
}

export function fixturePath(name: string, file: string): string {
  return join(FIXTURES_DIR, name, file);
}

interface AxfrJson {
  Records: { As: Record<string, string[]>; AAAAs: Record<string, string[]>; SRVs: Record<string, string[]> };
}

/** A RecordSet whose values are all arrays, as read from a golden file. */
export interface ListRecordSet {
  a: Map<string, string[]>;
  aaaa: Map<string, string[]>;
  srv: Map<string, string[]>;
}

/** The Go program's `/v1/axfr` Records as a RecordSet (value order as in the file). */
export function axfrRecordSet(name: string): ListRecordSet {
  const axfr = readFixture(name, 'axfr.json') as AxfrJson;
  const toMap = (o: Record<string, string[]>) => new Map(Object.entries(o));
  return { a: toMap(axfr.Records.As), aaaa: toMap(axfr.Records.AAAAs), srv: toMap(axfr.Records.SRVs) };
}
