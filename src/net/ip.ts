/**
 * The one implementation of IP literals, with Go `net` semantics (`ParseIP`,
 * `IP.String`): strict
 * dotted quads (no leading zeros), IPv6 with at most one `::` and an optional
 * trailing dotted quad, no zones. An address with an IPv4 form (plain or
 * IPv4-mapped) is IPv4; everything else is IPv6 in Go's canonical text (RFC
 * 5952 style). Parsing writes bytes and allocates nothing, so the table build
 * can call it for every value; text callers go through `parseIP`.
 */
export type ParsedIP = { family: 4; text: string } | { family: 6; text: string };

/**
 * The dotted quad `s[start, end)` as Go `net.ParseIP` and Node's `net.isIPv4`
 * accept it (no leading zeros, each part ≤ 255), as an unsigned 32-bit number,
 * or -1. Such text is canonical: two different valid texts are two different
 * addresses.
 */
export function ipv4Value(s: string, start = 0, end = s.length): number {
  const n = end - start;
  if (n < 7 || n > 15) return -1;
  let value = 0;
  let parts = 0;
  let part = 0;
  let digits = 0;
  let lead = 0;
  for (let i = start; i <= end; i++) {
    const c = i < end ? s.charCodeAt(i) : 0x2e;
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

const words = new Uint16Array(8);

function hexDigit(c: number): number {
  return c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : c >= 0x41 && c <= 0x46 ? c - 0x37 : -1;
}

/**
 * Writes the 16 bytes of the IPv6 literal `s` at `out[off]`; false (and
 * nothing written) when `s` is not one: 1–4 hex digits per group, one `::`
 * standing for at least one zero group, an optional dotted quad as the last
 * two groups, no zone.
 */
export function parseIPv6Into(s: string, out: Uint8Array, off: number): boolean {
  const n = s.length;
  if (n < 2) return false;
  let count = 0;
  let gap = -1;
  let i = 0;
  if (s.charCodeAt(0) === 0x3a) {
    if (s.charCodeAt(1) !== 0x3a) return false;
    gap = 0;
    i = 2;
  }
  while (i < n) {
    let word = 0;
    const at = i;
    for (; i < n && i - at < 5; i++) {
      const d = hexDigit(s.charCodeAt(i));
      if (d < 0) break;
      word = word * 16 + d;
    }
    if (i < n && s.charCodeAt(i) === 0x2e) {
      // A dotted quad: the rest of the text, in place of the last two groups.
      if (count > 6 || (gap < 0 && count !== 6)) return false;
      const v4 = ipv4Value(s, at, n);
      if (v4 < 0) return false;
      words[count++] = v4 >>> 16;
      words[count++] = v4 & 0xffff;
      break;
    }
    if (i === at || i - at > 4 || count === 8) return false;
    words[count++] = word;
    if (i === n) break;
    if (s.charCodeAt(i) !== 0x3a || ++i === n) return false;
    if (s.charCodeAt(i) === 0x3a) {
      if (gap >= 0) return false;
      gap = count;
      i++;
    }
  }
  if (gap < 0 ? count !== 8 : count > 7) return false;
  const zeros = gap < 0 ? 0 : 8 - count;
  for (let w = 0, k = 0; w < 8; w++) {
    const word = gap >= 0 && w >= gap && w < gap + zeros ? 0 : words[k++]!;
    out[off + w * 2] = word >> 8;
    out[off + w * 2 + 1] = word & 0xff;
  }
  return true;
}

export function formatIPv4(buf: Uint8Array, off: number): string {
  return `${buf[off]}.${buf[off + 1]}.${buf[off + 2]}.${buf[off + 3]}`;
}

/** Go's text of 16 IPv6 bytes at `off` (RFC 5952): the first longest run of two or more zero groups becomes `::`. */
export function formatIPv6(buf: Uint8Array, off: number): string {
  const group = (i: number): number => (buf[off + i * 2]! << 8) | buf[off + i * 2 + 1]!;
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (group(i) !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && group(j) === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      out += '::';
      i += bestLen - 1;
    } else {
      if (i > 0 && i !== bestStart + bestLen) out += ':';
      out += group(i).toString(16);
    }
  }
  return out;
}

const scratch = new Uint8Array(16);

/** Go `net.ParseIP(s)`: the family and the canonical text (`IP.String()`), or null when `s` is not an IP literal. */
export function parseIP(s: string): ParsedIP | null {
  if (!s.includes(':')) {
    // A strict dotted quad is already its canonical text.
    return ipv4Value(s) < 0 ? null : { family: 4, text: s };
  }
  if (!parseIPv6Into(s, scratch, 0)) return null;
  let mapped = scratch[10] === 0xff && scratch[11] === 0xff;
  for (let i = 0; mapped && i < 10; i++) mapped = scratch[i] === 0;
  return mapped ? { family: 4, text: formatIPv4(scratch, 12) } : { family: 6, text: formatIPv6(scratch, 0) };
}

/** Canonical text of an IP literal (`parseIP(s).text`), or null when `s` is not one. */
export function canonicalIp(s: string): string | null {
  return parseIP(s)?.text ?? null;
}

/** An address as numbers: IPv4 as an unsigned 32-bit value, IPv6 as 16 bytes. */
export type Addr = { family: 4; v4: number } | { family: 6; v6: Uint8Array };

/** `parseIP` as numbers (an IPv4-mapped IPv6 address is IPv4), or null. */
export function parseAddr(s: string): Addr | null {
  if (!s.includes(':')) {
    const v4 = ipv4Value(s);
    return v4 < 0 ? null : { family: 4, v4 };
  }
  const v6 = new Uint8Array(16);
  if (!parseIPv6Into(s, v6, 0)) return null;
  let mapped = v6[10] === 0xff && v6[11] === 0xff;
  for (let i = 0; i < 10 && mapped; i++) mapped = v6[i] === 0;
  return mapped
    ? { family: 4, v4: ((v6[12]! << 24) | (v6[13]! << 16) | (v6[14]! << 8) | v6[15]!) >>> 0 }
    : { family: 6, v6 };
}
