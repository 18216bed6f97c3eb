/**
 * IP literal and host:port helpers for config validation, in the shapes it
 * wants (null, 0, thrown Go error texts); the parsing itself is
 * `records/ip.ts`, with Go's `net` semantics, so normalised values and error
 * texts match the Go Mesos-DNS.
 */
import { parseIP, splitHostPortOrError, type HostPortText } from '../net/ip.js';

export { joinHostPort } from '../net/ip.js';

/**
 * Canonical text of an IP literal as Go's `net.ParseIP(s).String()` prints it
 * (IPv4-mapped IPv6 becomes dotted IPv4, IPv6 compressed per RFC 5952), or
 * `null` when `s` is not an IP literal. Zone suffixes (`%eth0`) are rejected, as in Go.
 */
export function canonicalIp(s: string): string | null {
  return parseIP(s)?.text ?? null;
}

/** 4 or 6 for an IP literal Go would accept, 0 otherwise. */
export function ipFamily(s: string): 0 | 4 | 6 {
  return parseIP(s)?.family ?? 0;
}

/** Go's `net.SplitHostPort`; throws an `Error` carrying Go's message. */
export function splitHostPort(hostport: string): HostPortText {
  const hp = splitHostPortOrError(hostport);
  if (typeof hp === 'string') throw new Error(hp);
  return hp;
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
