import { lookup } from 'node:dns/promises';
import { joinHostPort as joinText, parseIP, splitHostPort as splitText } from '../../net/ip.js';

export interface HostPort {
  host: string;
  port: number;
}

/**
 * Splits `host:port` / `[v6]:port` like Go's net.SplitHostPort, and insists on a
 * host and a usable port. Returns undefined for anything else.
 */
export function splitHostPort(text: string): HostPort | undefined {
  const hp = splitText(text);
  if (!hp || hp.host === '' || !/^[0-9]{1,5}$/.test(hp.port)) return undefined;
  const port = Number(hp.port);
  if (port < 1 || port > 65535) return undefined;
  return { host: hp.host, port };
}

export function joinHostPort({ host, port }: HostPort): string {
  return joinText(host, port);
}

/** `name@host:port` (a Mesos UPID) → its address; exactly one `@`, as Go requires. */
export function parseLeader(leader: string): HostPort | undefined {
  const parts = leader.split('@');
  if (parts.length !== 2 || parts[0] === '') return undefined;
  return splitHostPort(parts[1] ?? '');
}

/**
 * Whether two addresses name the same endpoint. Ports must match (we re-fetch on
 * the leader's own port, so two masters on one host are different endpoints);
 * hosts match on canonical IP text, or else when their resolved addresses overlap
 * (`localhost` vs `127.0.0.1`). A name that does not resolve matches nothing.
 */
export async function sameEndpoint(a: HostPort, b: HostPort): Promise<boolean> {
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
