/**
 * IP literal parsing with Go `net.ParseIP` semantics: strict dotted quads (no
 * leading zeros), IPv6 with an optional trailing dotted quad, no zones. An
 * address with an IPv4 form (plain or IPv4-mapped) is reported as IPv4,
 * everything else as IPv6 in Go's canonical text (RFC 5952 style).
 */
export type ParsedIP = { family: 4; text: string } | { family: 6; text: string };

/**
 * A dotted quad as Go `net.ParseIP` and Node's `net.isIPv4` accept it (no
 * leading zeros, each part ≤ 255) as an unsigned 32-bit number, or -1. Such
 * text is canonical: two different valid texts are two different addresses.
 */
export function ipv4Value(s: string): number {
  const n = s.length;
  if (n < 7 || n > 15) return -1;
  let value = 0;
  let parts = 0;
  let part = 0;
  let digits = 0;
  let lead = 0;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? s.charCodeAt(i) : 0x2e;
    if (c === 0x2e) {
      if (digits === 0 || part > 255 || (digits > 1 && lead === 0x30) || ++parts > 4) return -1;
      value = value * 256 + part;
      part = 0;
      digits = 0;
    } else if (c >= 0x30 && c <= 0x39) {
      if (digits === 0) lead = c;
      if (++digits > 3) return -1;
      part = part * 10 + c - 0x30;
    } else {
      return -1;
    }
  }
  return parts === 4 ? value : -1;
}

function parseIPv6Words(s: string): number[] | null {
  if (s.length < 2) return null;
  let tail4: number[] | null = null;
  let body = s;
  const lastColon = s.lastIndexOf(':');
  if (s.indexOf('.', lastColon) !== -1) {
    const v4 = ipv4Value(s.slice(lastColon + 1));
    if (v4 < 0) return null;
    tail4 = [v4 >>> 24, (v4 >>> 16) & 0xff, (v4 >>> 8) & 0xff, v4 & 0xff];
    body = s.slice(0, lastColon + 1) + '0:0';
  }
  const halves = body.split('::');
  if (halves.length > 2) return null;
  const parseGroups = (h: string): number[] | null => {
    if (h === '') return [];
    const out: number[] = [];
    for (const g of h.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = parseGroups(halves[0]!);
  if (!head) return null;
  let words: number[];
  if (halves.length === 2) {
    const rest = parseGroups(halves[1]!);
    if (!rest) return null;
    const fill = 8 - head.length - rest.length;
    if (fill < 1) return null;
    words = [...head, ...new Array<number>(fill).fill(0), ...rest];
  } else {
    words = head;
  }
  if (words.length !== 8) return null;
  if (tail4) {
    words[6] = (tail4[0]! << 8) | tail4[1]!;
    words[7] = (tail4[2]! << 8) | tail4[3]!;
  }
  return words;
}

function formatIPv6(words: number[]): string {
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestLen < 2) bestStart = -1;
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      out += '::';
      i += bestLen - 1;
      continue;
    }
    if (out !== '' && !out.endsWith(':')) out += ':';
    out += words[i]!.toString(16);
  }
  return out;
}

export function parseIP(s: string): ParsedIP | null {
  if (s.includes(':')) {
    const words = parseIPv6Words(s);
    if (!words) return null;
    const mapped = words.slice(0, 5).every((w) => w === 0) && words[5] === 0xffff;
    if (mapped) {
      return { family: 4, text: `${words[6]! >> 8}.${words[6]! & 255}.${words[7]! >> 8}.${words[7]! & 255}` };
    }
    return { family: 6, text: formatIPv6(words) };
  }
  // A strict dotted quad is already its canonical text.
  return ipv4Value(s) < 0 ? null : { family: 4, text: s };
}

/** Go `net.SplitHostPort`: `host:port` or `[v6host]:port`; null when it does not split. */
export function splitHostPort(s: string): { host: string; port: string } | null {
  if (s.startsWith('[')) {
    const end = s.indexOf(']');
    if (end < 0 || s[end + 1] !== ':') return null;
    const host = s.slice(1, end);
    const port = s.slice(end + 2);
    if (host.includes('[') || port.includes(':') || port.includes(']')) return null;
    return { host, port };
  }
  const i = s.lastIndexOf(':');
  if (i < 0) return null;
  const host = s.slice(0, i);
  if (host.includes(':') || host.includes('[') || host.includes(']')) return null;
  const port = s.slice(i + 1);
  if (port.includes('[') || port.includes(']')) return null;
  return { host, port };
}
