/**
 * Request-target handling as Go's net/http + ServeMux did it for the Go program:
 * the path is percent-decoded first, then cleaned; a path that cleaning changes
 * is redirected (301) to the clean one.
 */

export interface ParsedTarget {
  path: string;
  rawQuery: string;
}

/** Splits and decodes a request-target (origin-form or absolute-form); null means 400. */
export function parseTarget(target: string): ParsedTarget | null {
  let t = target;
  if (!t.startsWith('/')) {
    try {
      const u = new URL(t);
      t = u.pathname + u.search;
    } catch {
      return null;
    }
  }
  const q = t.indexOf('?');
  const rawPath = q < 0 ? t : t.slice(0, q);
  const rawQuery = q < 0 ? '' : t.slice(q + 1);
  const path = percentDecode(rawPath);
  return path === null ? null : { path, rawQuery };
}

const BAD_ESCAPE = /%(?![0-9a-fA-F]{2})/;

/** Go's `url.PathUnescape`: `%XX` → byte (the result read as UTF-8), `+` kept; null on a bad escape. */
export function percentDecode(s: string): string | null {
  if (!s.includes('%')) return s;
  if (BAD_ESCAPE.test(s)) return null;
  const src = Buffer.from(s, 'utf8');
  const out = Buffer.allocUnsafe(src.length);
  let n = 0;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === 0x25) {
      out[n++] = parseInt(String.fromCharCode(src[i + 1]!, src[i + 2]!), 16);
      i += 2;
    } else out[n++] = c;
  }
  return out.toString('utf8', 0, n);
}

/** Go's `path.Clean`: one slash between elements, `.` and `..` resolved, no trailing slash. */
export function goPathClean(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const el of p.split('/')) {
    if (el === '' || el === '.') continue;
    if (el === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
    } else out.push(el);
  }
  const joined = out.join('/');
  if (rooted) return '/' + joined;
  return joined === '' ? '.' : joined;
}

/** ServeMux's `cleanPath`: rooted, cleaned, the trailing slash kept. */
export function cleanPath(p: string): string {
  if (p === '') return '/';
  const rooted = p.startsWith('/') ? p : '/' + p;
  let np = goPathClean(rooted);
  if (rooted.endsWith('/') && np !== '/') np += '/';
  return np;
}

const PATH_SAFE = /^[A-Za-z0-9\-_.~$&+,/:;=@]$/;

/** Go's `url.URL{Path: p}.EscapedPath()` for the Location of a redirect. */
export function escapePath(p: string): string {
  let out = '';
  for (const ch of p) {
    if (PATH_SAFE.test(ch)) out += ch;
    else for (const b of Buffer.from(ch, 'utf8')) out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}
