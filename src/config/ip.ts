/**
 * IP literal and host:port helpers with Go's `net` package semantics, so that
 * normalised values and error texts match the Go Mesos-DNS.
 */
import { isIPv4, isIPv6 } from 'node:net';

/**
 * Canonical text of an IP literal as Go's `net.ParseIP(s).String()` prints it
 * (IPv4-mapped IPv6 becomes dotted IPv4, IPv6 compressed per RFC 5952), or
 * `null` when `s` is not an IP literal. Zone suffixes (`%eth0`) are rejected, as in Go.
 */
export function canonicalIp(s: string): string | null {
  if (isIPv4(s)) return s;
  if (s.includes('%') || !isIPv6(s)) return null;
  const groups = ipv6Groups(s);
  const mapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
  if (mapped) {
    const [hi, lo] = [groups[6]!, groups[7]!];
    return `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
  }
  return formatIpv6(groups);
}

/** 4 or 6 for an IP literal Go would accept, 0 otherwise. */
export function ipFamily(s: string): 0 | 4 | 6 {
  const ip = canonicalIp(s);
  if (ip === null) return 0;
  return ip.includes(':') ? 6 : 4;
}

function ipv6Groups(s: string): number[] {
  let text = s;
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    // An embedded dotted quad is the last two 16-bit groups.
    const [a, b, c, d] = tail.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const parse = (part: string): number[] => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const gap = text.indexOf('::');
  if (gap < 0) return parse(text);
  const left = parse(text.slice(0, gap));
  const right = parse(text.slice(gap + 2));
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}

function formatIpv6(groups: number[]): string {
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestLen < 2) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/** Go's `net.SplitHostPort`; throws an `Error` carrying Go's message. */
export function splitHostPort(hostport: string): { host: string; port: string } {
  const fail = (why: string): never => {
    throw new Error(hostport === '' ? why : `address ${hostport}: ${why}`);
  };
  const missingPort = 'missing port in address';
  const tooManyColons = 'too many colons in address';
  const i = hostport.lastIndexOf(':');
  if (i < 0) fail(missingPort);
  let host: string;
  let j = 0;
  let k = 0;
  if (hostport.startsWith('[')) {
    const end = hostport.indexOf(']');
    if (end < 0) fail("missing ']' in address");
    if (end + 1 === hostport.length) fail(missingPort);
    if (end + 1 !== i) fail(hostport[end + 1] === ':' ? tooManyColons : missingPort);
    host = hostport.slice(1, end);
    j = 1;
    k = end + 1;
  } else {
    host = hostport.slice(0, i);
    if (host.includes(':')) fail(tooManyColons);
  }
  if (hostport.slice(j).includes('[')) fail("unexpected '[' in address");
  if (hostport.slice(k).includes(']')) fail("unexpected ']' in address");
  return { host, port: hostport.slice(i + 1) };
}

/** Go's `net.JoinHostPort`: brackets hosts that contain a colon. */
export function joinHostPort(host: string, port: string | number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * The port number if `s` is what Go's `validPortString` accepts (`strconv.Atoi`
 * syntax, 1–65535), else `null`.
 */
export function parsePort(s: string): number | null {
  if (!/^[+-]?[0-9]+$/.test(s)) return null;
  const n = Number(s);
  return n >= 1 && n <= 65535 ? n : null;
}
