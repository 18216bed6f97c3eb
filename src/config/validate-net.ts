/**
 * Masters, resolvers and zone resolvers (docs/compatibility.md, Validation):
 * Go's checks and messages, plus the rejection of master hosts that are not IP
 * literals (Go crashes on those at the first reload).
 */
import { ConfigError } from '../errors.js';
import { joinHostPort, parsePort, splitHostPortOrThrow } from '../net/host-port.js';
import { canonicalIp } from '../net/ip.js';

/** Go's domain check, used for `domain` and zone names. */
export const DOMAIN_PATTERN = /^[a-zA-Z0-9-]+(\.[a-zA-Z0-9-]+)*$/;

/** Each entry as canonical `ip:port` / `[ipv6]:port`; duplicates (after canonicalisation) rejected. */
export function normalizeMasters(masters: readonly string[]): string[] {
  const fail = (why: string): never => {
    throw new ConfigError(`error validating masters: ${why}`, 'masters');
  };
  const seen = new Set<string>();
  return masters.map((m) => {
    let parts: { host: string; port: string };
    try {
      parts = splitHostPortOrThrow(m);
    } catch (err) {
      return fail(`illegal host:port specified: ${m}. Error: ${(err as Error).message}`);
    }
    const port = parsePort(parts.port);
    if (port === null) return fail(`illegal host:port specified: ${m}`);
    const ip = canonicalIp(parts.host);
    if (ip === null) {
      throw new ConfigError(`masters: ${JSON.stringify(m)} is not an IP:port`, 'masters');
    }
    const normalized = joinHostPort(ip, port);
    if (seen.has(normalized)) fail(`duplicate found: ${m}`);
    seen.add(normalized);
    return normalized;
  });
}

/** Go's `normalizeResolver`: `ip` or `ip:port`, port 53 by default. */
function normalizeResolver(r: string): string {
  let host: string;
  let portText: string;
  try {
    ({ host, port: portText } = splitHostPortOrThrow(r));
  } catch {
    host = r;
    portText = '53';
  }
  const ip = canonicalIp(host);
  if (ip === null) throw new Error(`illegal ip specified: ${host}`);
  const port = parsePort(portText);
  if (port === null) throw new Error(`illegal host:port specified: ${r}`);
  return joinHostPort(ip, port);
}

/** Each resolver as canonical `ip:port`; `key` names the config key in errors. */
export function normalizeResolvers(resolvers: readonly string[], key = 'resolvers'): string[] {
  const seen = new Set<string>();
  return resolvers.map((r) => {
    let normalized: string;
    try {
      normalized = normalizeResolver(r);
    } catch (err) {
      throw new ConfigError(`error validating resolvers: ${(err as Error).message}`, key);
    }
    if (seen.has(normalized)) {
      throw new ConfigError(`error validating resolvers: duplicate found: ${r}`, key);
    }
    seen.add(normalized);
    return normalized;
  });
}

/**
 * Go's `validateZoneResolvers` over lower-cased zones: lists non-empty, zone names
 * valid, resolvers valid, no zone equal to or masking (or masked by) the Mesos domain
 * or another zone. Returns the zones with normalised resolvers.
 */
export function normalizeZoneResolvers(
  zones: Readonly<Record<string, readonly string[]>>,
  domain: string,
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const all: string[] = [];
  for (const [zone, list] of Object.entries(zones)) {
    if (list.length === 0) throw new ConfigError(`field ZoneResolver ${zone} is empty`, 'zoneResolvers');
    if (!DOMAIN_PATTERN.test(zone)) throw new ConfigError(`invalid domain name: ${zone}`, 'zoneResolvers');
    out[zone] = normalizeResolvers(list, 'zoneResolvers');
    if (zone === domain) {
      throw new ConfigError(`can't specify ZoneResolver for Mesos domain (${domain})`, 'zoneResolvers');
    }
    all.push(`.${zone}`);
  }
  all.push(`.${domain}`);
  for (const a of all) {
    for (const b of all) {
      if (a !== b && a.endsWith(b)) {
        throw new ConfigError(`ambiguous zone resolvers: ${a} is masked by ${b}`, 'zoneResolvers');
      }
    }
  }
  return out;
}
