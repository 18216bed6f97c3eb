/**
 * Go's `strings.ToLower`. `/v1/hosts` and `/v1/services` lower-case the key and
 * then match stored names exactly, so this decides which stored names HTTP can
 * reach: only those it leaves unchanged. Go maps each code point on its own
 * (Unicode's simple case mapping); JavaScript's `toLowerCase` applies the full
 * mapping, which differs only for U+0130 (`İ`: Go `i`, JavaScript `i̇`) and, in
 * context, for a final `Σ` — mapping one code point at a time avoids both.
 */
function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

export function goToLower(s: string): string {
  if (isAscii(s)) return s.toLowerCase();
  let out = '';
  for (const ch of s) out += ch === '\u0130' ? 'i' : ch.toLowerCase();
  return out;
}
