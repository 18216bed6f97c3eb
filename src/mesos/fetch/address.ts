import { lookup } from 'node:dns/promises';
import { parseEndpoint, type Endpoint } from '../../net/host-port.js';
import { parseIP } from '../../net/ip.js';

/** `name@host:port` (a Mesos UPID) → its address, or null; exactly one `@`, as Go requires. */
export function parseLeader(leader: string): Endpoint | null {
  const parts = leader.split('@');
  if (parts.length !== 2 || parts[0] === '') return null;
  return parseEndpoint(parts[1] ?? '');
}

/**
 * Whether two addresses name the same endpoint. Ports must match (we re-fetch on
 * the leader's own port, so two masters on one host are different endpoints);
 * hosts match on canonical IP text, or else when their resolved addresses overlap
 * (`localhost` vs `127.0.0.1`). A name that does not resolve matches nothing.
 */
export async function sameEndpoint(a: Endpoint, b: Endpoint): Promise<boolean> {
  if (a.port !== b.port) return false;
  const hostA = canonicalHost(a.host);
  const hostB = canonicalHost(b.host);
  if (hostA === hostB) return true;
  if (parseIP(hostA) && parseIP(hostB)) return false;
  const [ipsA, ipsB] = await Promise.all([resolveAll(hostA), resolveAll(hostB)]);
  return ipsA.some((ip) => ipsB.includes(ip));
}

function canonicalHost(host: string): string {
  return parseIP(host)?.text ?? host.toLowerCase();
}

async function resolveAll(host: string): Promise<string[]> {
  if (parseIP(host)) return [host];
  try {
    const found = await lookup(host, { all: true });
    return found.map((entry) => canonicalHost(entry.address));
  } catch {
    return [];
  }
}
