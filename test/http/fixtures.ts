/** Shared loaders for the golden files produced by the Go program. */
import { axfrRecords } from '../helpers/fixtures.js';
import type { Enumeration } from '../../src/records/types.js';
import { fromGoEnumeration, type GoEnumeration } from '../helpers/enumeration.js';
import type { ListRecordSet } from '../helpers/fixtures.js';

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
  return { doc, records: axfrRecords(doc) };
}

export function parseEnumerate(text: string): Enumeration {
  return fromGoEnumeration(JSON.parse(text) as GoEnumeration);
}
