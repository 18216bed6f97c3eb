/**
 * `/v1/hosts/{host}` and `/v1/services/{service}` bodies (docs/compatibility.md, Routes):
 * Go's shapes, placeholder objects when nothing is found, ports as strings.
 */
import type { LookupResult } from '../table/table.js';
import { goJsonIndent } from '../json/go-json.js';

/** What the lookups need from the record table. */
export interface NameLookup {
  lookup(name: string): LookupResult | null;
}

export const HOSTS_PLACEHOLDER = goJsonIndent([{ host: '', ip: '' }]);
export const SERVICES_PLACEHOLDER = goJsonIndent([{ service: '', host: '', ip: '', port: '' }]);

/**
 * Go's key: every `.*` removed (old clients send wildcards), lower-cased, absolute.
 * Null when nothing is left, where the Go handler panicked.
 */
export function lookupKey(param: string): string | null {
  const key = param.replaceAll('.*', '').toLowerCase();
  if (key === '') return null;
  return key.endsWith('.') ? key : key + '.';
}

/** A values, then AAAA values, each as `{"host": key, "ip": value}`. */
export function hostsBody(table: NameLookup, param: string): string {
  const key = lookupKey(param);
  const found = key === null ? null : table.lookup(key);
  if (found === null || (found.a.length === 0 && found.aaaa.length === 0)) return HOSTS_PLACEHOLDER;
  const out: Array<{ host: string; ip: string }> = [];
  for (const ip of found.a) out.push({ host: key!, ip });
  for (const ip of found.aaaa) out.push({ host: key!, ip });
  return goJsonIndent(out);
}

/**
 * One entry per SRV target with an A value and one more if it has an AAAA value
 * (Go takes one address of each family). `service` echoes the parameter as received.
 */
export function servicesBody(table: NameLookup, param: string): string {
  const key = lookupKey(param);
  const found = key === null ? null : table.lookup(key);
  const out: Array<{ service: string; host: string; ip: string; port: string }> = [];
  for (const { target, port } of found?.srv ?? []) {
    const addrs = table.lookup(target);
    if (addrs === null) continue;
    const p = String(port);
    if (addrs.a.length > 0) out.push({ service: param, host: target, ip: addrs.a[0]!, port: p });
    if (addrs.aaaa.length > 0) out.push({ service: param, host: target, ip: addrs.aaaa[0]!, port: p });
  }
  return out.length === 0 ? SERVICES_PLACEHOLDER : goJsonIndent(out);
}
