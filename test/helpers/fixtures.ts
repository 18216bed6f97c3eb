import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The golden cluster states and the Go program's output for them (see test/fixtures/README.md). */
export const FIXTURES_DIR = join(import.meta.dirname, '..', 'fixtures');

export function fixtureNames(): string[] {
  return readdirSync(FIXTURES_DIR)
    .filter((n) => existsSync(join(FIXTURES_DIR, n, 'state.json')))
    .sort();
}

/** A golden file's text, as the Go program wrote it. */
export function fixtureText(name: string, file: string): string {
  return readFileSync(join(FIXTURES_DIR, name, file), 'utf8');
}

export function readFixture(
  name: string,
  file: 'state.json' | 'config.json' | 'axfr.json' | 'enumerate.json',
): unknown {
  return JSON.parse(fixtureText(name, file));
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

/** The Records of a `/v1/axfr` document as a RecordSet (value order as in the document). */
export function axfrRecords(doc: AxfrJson): ListRecordSet {
  const toMap = (o: Record<string, string[]> | undefined) => new Map(Object.entries(o ?? {}));
  return { a: toMap(doc.Records.As), aaaa: toMap(doc.Records.AAAAs), srv: toMap(doc.Records.SRVs) };
}

/** The Go program's `/v1/axfr` Records of a fixture as a RecordSet. */
export function axfrRecordSet(name: string): ListRecordSet {
  return axfrRecords(readFixture(name, 'axfr.json') as AxfrJson);
}
