/**
 * The upstream fallback used when forwarding is on and `resolvers` is empty:
 * the `nameserver` lines of resolv.conf, minus this host's own addresses
 * (forwarding to ourselves would loop).
 */
import { networkInterfaces } from 'node:os';
import { canonicalIp } from '../net/ip.js';

/** The `nameserver` values of a resolv.conf text, in file order (as miekg/dns reads them). */
export function parseNameservers(text: string): string[] {
  const servers: string[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields[0] === 'nameserver' && fields.length > 1) servers.push(fields[1]!);
  }
  return servers;
}

/** Canonical addresses of every local interface, IPv4 and IPv6 (Go only drops IPv4 ones). */
export function localAddresses(): string[] {
  const out: string[] = [];
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) {
      const ip = canonicalIp(a.address.split('%')[0]!);
      if (ip !== null) out.push(ip);
    }
  }
  return out;
}

/** `servers` without those equal (as IPs) to one of `local`. */
export function withoutLocal(servers: readonly string[], local: readonly string[]): string[] {
  const mine = new Set(local.map((a) => canonicalIp(a) ?? a));
  return servers.filter((s) => !mine.has(canonicalIp(s) ?? s));
}
