/**
 * `/v1/hosts/{host}` and `/v1/services/{service}` bodies (docs/compatibility.md, Routes):
 * Go's shapes, placeholder objects when nothing is found, ports as strings.
 * A name's answer comes from the HTTP-only names when they hold it (names that
 * cannot go on the wire, `SOAMname` outside the domain), else from the table.
 */
import { goToLower } from '../records/lower-case.js';
import { httpHosts, httpServices, type HostAddresses, type HttpNamesView } from '../table/http-names.js';
import type { LookupResult } from '../table/table.js';
import { goJsonIndent } from '../json/go-json.js';

/** What the lookups read: a snapshot's table and its HTTP-only names. */
export interface LookupSource {
  table: { lookup(name: string): LookupResult | null };
  httpNames: HttpNamesView;
}

export const HOSTS_PLACEHOLDER = goJsonIndent([{ host: '', ip: '' }]);
export const SERVICES_PLACEHOLDER = goJsonIndent([{ service: '', host: '', ip: '', port: '' }]);

/**
 * Go's key: every `.*` removed (old clients send wildcards), lower-cased as Go
 * does, absolute. Null when nothing is left, where the Go handler panicked.
 */
export function lookupKey(param: string): string | null {
  const key = goToLower(param.replaceAll('.*', ''));
  if (key === '') return null;
  return key.endsWith('.') ? key : key + '.';
}

function addresses(source: LookupSource, name: string): HostAddresses | LookupResult | null {
  return httpHosts(source.httpNames, name) ?? source.table.lookup(name);
}

/** A values, then AAAA values, each as `{"host": key, "ip": value}`. */
export function hostsBody(source: LookupSource, param: string): string {
  const key = lookupKey(param);
  const found = key === null ? null : addresses(source, key);
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
export function servicesBody(source: LookupSource, param: string): string {
  const key = lookupKey(param);
  if (key === null) return SERVICES_PLACEHOLDER;
  const out: Array<{ service: string; host: string; ip: string; port: string }> = [];
  const kept = httpServices(source.httpNames, key);
  if (kept !== undefined) {
    for (const { host, ip, port } of kept) out.push({ service: param, host, ip, port });
  } else {
    for (const { target, port } of source.table.lookup(key)?.srv ?? []) {
      const addrs = addresses(source, target);
      if (addrs === null) continue;
      const p = String(port);
      if (addrs.a.length > 0) out.push({ service: param, host: target, ip: addrs.a[0]!, port: p });
      if (addrs.aaaa.length > 0) out.push({ service: param, host: target, ip: addrs.aaaa[0]!, port: p });
    }
  }
  return out.length === 0 ? SERVICES_PLACEHOLDER : goJsonIndent(out);
}
