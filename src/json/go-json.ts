/**
 * Byte-exact rendering of Go's `json.MarshalIndent(v, " ", " ")`, the format of
 * every Go Mesos-DNS HTTP body. Operators diff and grep these bodies, so spacing,
 * key order and string escaping follow the Go 1.19 encoder exactly.
 */

const HEX = '0123456789abcdef';

/**
 * Strings free of anything Go escapes: control bytes, `"`, `\`, the HTML-sensitive
 * `<>&`, U+2028/9, and surrogates (pairs are fine but are sorted out on the slow path).
 * The anchored negated class is the fastest test V8 offers for short strings.
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what Go escapes
const PLAIN = /^[^\u0000-\u001f"\\<>&\u2028\u2029\ud800-\udfff]*$/;

/** 1 for the ASCII code units Go writes inside a string as they are. */
export const GO_PLAIN_ASCII = new Uint8Array(128);
for (let c = 0x20; c < 0x80; c++) GO_PLAIN_ASCII[c] = 1;
for (const c of '"\\<>&') GO_PLAIN_ASCII[c.charCodeAt(0)] = 0;

/** True when Go escapes something in `s` (or `s` holds a lone surrogate, which Go could never have had). */
export function goEscapes(s: string): boolean {
  return !PLAIN.test(s);
}

/** Go's escaping of one string, quotes included. */
export function goQuote(s: string): string {
  return PLAIN.test(s) ? '"' + s + '"' : '"' + slowEscape(s) + '"';
}

/** Go's escaping of one string, without the quotes. */
export function goEscape(s: string): string {
  return PLAIN.test(s) ? s : slowEscape(s);
}

/** True when no string in `parts` needs escaping, so they can be joined natively. */
export function allPlain(parts: readonly string[]): boolean {
  for (let i = 0; i < parts.length; i++) if (!PLAIN.test(parts[i]!)) return false;
  return true;
}

/** A `[]string` at `depth`, as `goJsonIndent` would render it, joined natively when nothing needs escaping. */
export function goStringArray(values: readonly string[], depth: number): string {
  if (values.length === 0) return '[]';
  const nl = goNewline(depth + 1);
  const body = allPlain(values) ? '"' + values.join('",' + nl + '"') + '"' : values.map(goQuote).join(',' + nl);
  return '[' + nl + body + goNewline(depth) + ']';
}

function slowEscape(s: string): string {
  let out = '';
  let start = 0;
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    let rep: string;
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = i + 1 < n ? s.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      // A Go string holding these bytes would have been decoded to U+FFFD on input, and Go writes that rune raw.
      rep = '\ufffd';
    } else if (c === 0x22) rep = '\\"';
    else if (c === 0x5c) rep = '\\\\';
    else if (c === 0x0a) rep = '\\n';
    else if (c === 0x0d) rep = '\\r';
    else if (c === 0x09) rep = '\\t';
    else if (c < 0x20 || c === 0x3c || c === 0x3e || c === 0x26) rep = '\\u00' + HEX[c >> 4] + HEX[c & 0xf];
    else if (c === 0x2028 || c === 0x2029) rep = '\\u202' + HEX[c & 0xf];
    else continue;
    out += s.slice(start, i) + rep;
    start = i + 1;
  }
  return out + s.slice(start);
}

/** Go's float64 text: shortest round-trip form, exponent outside [1e-6, 1e21) — the same thresholds as JS, except -0. */
function goNumber(v: number): string {
  if (!Number.isFinite(v)) return 'null';
  if (v === 0 && Object.is(v, -0)) return '-0';
  return String(v);
}

const indentCache: string[] = [];
/** Newline, the prefix `" "`, then `depth` indents of `" "`. */
export function goNewline(depth: number): string {
  let s = indentCache[depth];
  if (s === undefined) {
    s = '\n' + ' '.repeat(depth + 1);
    indentCache[depth] = s;
  }
  return s;
}

/**
 * `value` rendered as Go's `json.MarshalIndent(value, " ", " ")`: objects keep their
 * key order (a `Map` renders as an object in its iteration order), `null` and
 * `undefined` render `null` (object properties that are `undefined` are left out,
 * as `JSON.stringify` does), non-finite numbers render `null`.
 */
export function goJsonIndent(value: unknown): string {
  return render(value, 0);
}

function render(v: unknown, depth: number): string {
  switch (typeof v) {
    case 'string':
      return goQuote(v);
    case 'number':
      return goNumber(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'bigint':
      return v.toString();
    case 'object':
      if (v === null) return 'null';
      if (Array.isArray(v)) return renderArray(v, depth);
      if (v instanceof Map) return renderMap(v, depth);
      return renderObject(v as Record<string, unknown>, depth);
    default:
      return 'null';
  }
}

function renderArray(a: readonly unknown[], depth: number): string {
  if (a.length === 0) return '[]';
  if (a.every((x) => typeof x === 'string')) return goStringArray(a as string[], depth);
  const nl = goNewline(depth + 1);
  let out = '[';
  for (let i = 0; i < a.length; i++) {
    out += (i === 0 ? nl : ',' + nl) + render(a[i], depth + 1);
  }
  return out + goNewline(depth) + ']';
}

function renderObject(o: Record<string, unknown>, depth: number): string {
  const nl = goNewline(depth + 1);
  let out = '{';
  let first = true;
  for (const k in o) {
    if (!Object.prototype.hasOwnProperty.call(o, k) || o[k] === undefined) continue;
    out += (first ? nl : ',' + nl) + goQuote(k) + ': ' + render(o[k], depth + 1);
    first = false;
  }
  return first ? '{}' : out + goNewline(depth) + '}';
}

function renderMap(m: ReadonlyMap<unknown, unknown>, depth: number): string {
  const nl = goNewline(depth + 1);
  let out = '{';
  let first = true;
  for (const [k, val] of m) {
    if (val === undefined) continue;
    out += (first ? nl : ',' + nl) + goQuote(String(k)) + ': ' + render(val, depth + 1);
    first = false;
  }
  return first ? '{}' : out + goNewline(depth) + '}';
}

/** Go sorts map keys by their UTF-8 bytes, which is code point order; JS `<` compares UTF-16 units. */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      // Surrogates (astral code points) must sort after U+E000..U+FFFF.
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}

const ABOVE_SURROGATES = /[\ud800-\uffff]/;

/** Sorts `keys` in place into Go's map-key order. */
export function sortUtf8(keys: string[]): string[] {
  // The native sort is much faster and agrees with UTF-8 order unless a key has a code unit ≥ U+D800.
  if (keys.some((k) => ABOVE_SURROGATES.test(k))) return keys.sort(compareUtf8);
  return keys.sort();
}

/**
 * A string whose UTF-16 order (the native sort's) is the UTF-8 order of `s`,
 * distinct for distinct strings: code units from U+E000 move down below the
 * surrogates, and surrogates move to the top, as compareUtf8 orders them.
 * Most names have no such unit and are their own key.
 */
export function utf8SortKey(s: string): string {
  if (!ABOVE_SURROGATES.test(s)) return s;
  let key = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    key += String.fromCharCode(c < 0xd800 ? c : c >= 0xe000 ? c - 0x800 : c + 0x2000);
  }
  return key;
}
