/** Shared loaders for the golden files produced by the Go program. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES_DIR } from '../helpers/fixtures.js';
import type { Enumeration } from '../../src/records/types.js';
import { fromGoEnumeration, type GoEnumeration } from '../helpers/enumeration.js';
import type { ListRecordSet } from '../helpers/fixtures.js';

export const FIXTURES = FIXTURES_DIR;

export const fixtureNames = (): string[] => readdirSync(FIXTURES).sort();

export function readFixture(name: string, file: string): string {
  return readFileSync(join(FIXTURES, name, file), 'utf8');
}

export interface AxfrDoc {
  TTL: number;
  RefreshSeconds: number;
  Mname: string;
  Rname: string;
  Domain: string;
  Records: { As: Record<string, string[]>; AAAAs: Record<string, string[]>; SRVs: Record<string, string[]> };
}

/**
 * The golden files were saved as `MarshalIndent(v, "", " ")`; the HTTP API writes
 * `MarshalIndent(v, " ", " ")` (go-restful), which differs only by the prefix space
 * that starts every line after the first.
 */
export const withGoPrefix = (golden: string): string => golden.replaceAll('\n', '\n ');

export function parseAxfr(text: string): { doc: AxfrDoc; records: ListRecordSet } {
  const doc = JSON.parse(text) as AxfrDoc;
  const toMap = (o: Record<string, string[]>): Map<string, string[]> => new Map(Object.entries(o));
  return {
    doc,
    records: { a: toMap(doc.Records.As), aaaa: toMap(doc.Records.AAAAs), srv: toMap(doc.Records.SRVs) },
  };
}

export function parseEnumerate(text: string): Enumeration {
  return fromGoEnumeration(JSON.parse(text) as GoEnumeration);
}
