/**
 * `host:port` text with Go `net` semantics (`SplitHostPort`, `JoinHostPort`).
 * Three readers for three needs: `splitHostPort` (Go's split, null on
 * failure), `splitHostPortOrThrow` (the same, failing with Go's own error
 * text, which config messages repeat), and `parseEndpoint` (a usable address:
 * a host and a port number 1–65535).
 */

/** Host and port as written; either may be empty. */
export interface HostPortText {
  host: string;
  port: string;
}

/** A host (IP literal or name) and a port number. */
export interface Endpoint {
  host: string;
  port: number;
}

/** Go `net.SplitHostPort`: the parts, or Go's error text (e.g. `address 1.2.3.4: missing port in address`). */
function split(s: string): HostPortText | string {
  const fail = (why: string): string => (s === '' ? why : `address ${s}: ${why}`);
  const i = s.lastIndexOf(':');
  if (i < 0) return fail('missing port in address');
  let host: string;
  let j = 0;
  let k = 0;
  if (s.startsWith('[')) {
    const end = s.indexOf(']');
    if (end < 0) return fail("missing ']' in address");
    if (end + 1 === s.length) return fail('missing port in address');
    if (end + 1 !== i) return fail(s[end + 1] === ':' ? 'too many colons in address' : 'missing port in address');
    host = s.slice(1, end);
    j = 1;
    k = end + 1;
  } else {
    host = s.slice(0, i);
    if (host.includes(':')) return fail('too many colons in address');
  }
  if (s.indexOf('[', j) >= 0) return fail("unexpected '[' in address");
  if (s.indexOf(']', k) >= 0) return fail("unexpected ']' in address");
  return { host, port: s.slice(i + 1) };
}

/** Go `net.SplitHostPort`, or null where it fails. */
export function splitHostPort(s: string): HostPortText | null {
  const hp = split(s);
  return typeof hp === 'string' ? null : hp;
}

/** Go `net.SplitHostPort`; throws an `Error` carrying Go's message where it fails. */
export function splitHostPortOrThrow(s: string): HostPortText {
  const hp = split(s);
  if (typeof hp === 'string') throw new Error(hp);
  return hp;
}

/**
 * The port number if `s` is what Go's `validPortString` accepts (`strconv.Atoi`
 * syntax, 1–65535), else null.
 */
export function parsePort(s: string): number | null {
  if (!/^[+-]?[0-9]+$/.test(s)) return null;
  const n = Number(s);
  return n >= 1 && n <= 65535 ? n : null;
}

/** `host:port` / `[v6]:port` with a non-empty host and a port of 1–5 digits in 1–65535, or null. */
export function parseEndpoint(s: string): Endpoint | null {
  const hp = splitHostPort(s);
  if (hp === null || hp.host === '' || !/^[0-9]{1,5}$/.test(hp.port)) return null;
  const port = Number(hp.port);
  return port >= 1 && port <= 65535 ? { host: hp.host, port } : null;
}

/** Go `net.JoinHostPort`: brackets a host that contains a colon. */
export function joinHostPort(host: string, port: string | number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
