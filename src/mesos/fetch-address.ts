import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

export interface HostPort {
  host: string;
  port: number;
}

/**
 * Splits `host:port` / `[v6]:port` like Go's net.SplitHostPort, and insists on a
 * usable port. Returns undefined for anything else.
 */
export function splitHostPort(text: string): HostPort | undefined {
  let host: string;
  let portText: string;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0 || text[close + 1] !== ':') return undefined;
    host = text.slice(1, close);
    portText = text.slice(close + 2);
  } else {
    const colon = text.lastIndexOf(':');
    if (colon < 0) return undefined;
    host = text.slice(0, colon);
    portText = text.slice(colon + 1);
    if (host.includes(':')) return undefined;
  }
  if (host === '' || !/^[0-9]{1,5}$/.test(portText)) return undefined;
  const port = Number(portText);
  if (port < 1 || port > 65535) return undefined;
  return { host, port };
}

export function joinHostPort({ host, port }: HostPort): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
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
  if (isIP(hostA) !== 0 && isIP(hostB) !== 0) return false;
  const [ipsA, ipsB] = await Promise.all([resolveAll(hostA), resolveAll(hostB)]);
  return ipsA.some((ip) => ipsB.includes(ip));
}

function canonicalHost(host: string): string {
  if (isIP(host) === 6) return new URL(`http://[${host}]/`).hostname.slice(1, -1);
  return host.toLowerCase();
}

async function resolveAll(host: string): Promise<string[]> {
  if (isIP(host) !== 0) return [host];
  try {
    const found = await lookup(host, { all: true });
    return found.map((entry) => canonicalHost(entry.address));
  } catch {
    return [];
  }
}
