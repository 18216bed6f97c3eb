/**
 * The Go program's `/v1/hosts` and `/v1/services` answers, made from its own
 * record maps (a fixture's axfr.json) by its handlers' rules, never by our
 * code: the key is the parameter without `.*`, lower-cased one code point at a
 * time, with a dot added; it matches a map key exactly; `/v1/services` splits
 * each value at its last colon, prints the port as `strconv.Atoi` reads it, and
 * lists one address of each family of the target. Value order is Go's random
 * order, so answers compare as sorted lists.
 */
import { expect } from 'vitest';

/** Go's three record maps: a name's values as one string or a list (RecordSet and ListRecordSet both fit). */
export interface GoMaps {
  a: ReadonlyMap<string, string | readonly string[]>;
  aaaa: ReadonlyMap<string, string | readonly string[]>;
  srv: ReadonlyMap<string, string | readonly string[]>;
}

const list = (v: string | readonly string[] | undefined): readonly string[] =>
  v === undefined ? [] : typeof v === 'string' ? [v] : v;

export type HostsBody = Array<{ host: string; ip: string }>;
export type ServicesBody = Array<{ service: string; host: string; ip: string; port: string }>;

export function goKey(param: string): string {
  let key = '';
  for (const ch of param.replaceAll('.*', '')) key += ch === '\u0130' ? 'i' : ch.toLowerCase();
  return key === '' || key.endsWith('.') ? key : `${key}.`;
}

/** `/v1/hosts`: `host ip family` per entry, sorted; [] for the placeholder. */
export function goHosts(maps: GoMaps, param: string): string[] {
  const key = goKey(param);
  const a = list(maps.a.get(key));
  const aaaa = list(maps.aaaa.get(key));
  return [...a.map((ip) => `${key} ${ip} A`), ...aaaa.map((ip) => `${key} ${ip} AAAA`)].sort();
}

/** `/v1/services`: `host port family` per entry, sorted; [] for the placeholder. */
export function goServices(maps: GoMaps, param: string): string[] {
  const out: string[] = [];
  for (const value of list(maps.srv.get(goKey(param)))) {
    const at = value.lastIndexOf(':');
    const host = value.slice(0, at);
    const digits = value.slice(at + 1);
    const port = /^[+-]?[0-9]+$/.test(digits) ? String(Number(digits)) : '0';
    if (maps.a.has(host)) out.push(`${host} ${port} A`);
    if (maps.aaaa.has(host)) out.push(`${host} ${port} AAAA`);
  }
  return out.sort();
}

const family = (ip: string): string => (ip.includes(':') ? 'AAAA' : 'A');

/** Asserts a `/v1/hosts` body is Go's answer for `param`: the same values, A before AAAA. */
export function expectGoHosts(got: HostsBody, maps: GoMaps, param: string): void {
  const want = goHosts(maps, param);
  if (want.length === 0) {
    expect(got, param).toEqual([{ host: '', ip: '' }]);
    return;
  }
  const families = got.map((e) => family(e.ip));
  expect(families, param).toEqual([...families].sort());
  expect(got.map((e) => `${e.host} ${e.ip} ${family(e.ip)}`).sort(), param).toEqual(want);
}

/** Asserts a `/v1/services` body is Go's answer for `param`, each address one of its target's. */
export function expectGoServices(got: ServicesBody, maps: GoMaps, param: string): void {
  const want = goServices(maps, param);
  if (want.length === 0) {
    expect(got, param).toEqual([{ service: '', host: '', ip: '', port: '' }]);
    return;
  }
  const seen = got.map((e) => {
    expect(e.service, param).toBe(param);
    expect(list((family(e.ip) === 'A' ? maps.a : maps.aaaa).get(e.host)), param).toContain(e.ip);
    return `${e.host} ${e.port} ${family(e.ip)}`;
  });
  expect(seen.sort(), param).toEqual(want);
}
