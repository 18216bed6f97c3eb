/**
 * Label sanitising exactly as the Go Mesos-DNS does it (docs/compatibility.md, Labels):
 * RFC 1123 (63 chars, leading `-` cut) by default, RFC 952 (24 chars, leading
 * `-` and digits cut) with `EnforceRFC952`.
 */
export type LabelFn = (s: string) => string;

/** Lower-case ASCII letters and digits kept, `-` `.` `_` → `-`, everything else dropped (astral characters included). */
function mapChars(s: string): string {
  let i = 0;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2d)) break;
  }
  if (i === s.length) return s;
  let out = s.slice(0, i);
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39)) out += s[i];
    else if (c >= 0x41 && c <= 0x5a) out += String.fromCharCode(c + 32);
    else if (c === 0x2d || c === 0x2e || c === 0x5f) out += '-';
  }
  return out;
}

function makeLabel(maxLen: number, leftCut: string): LabelFn {
  return (input: string): string => {
    let s = mapChars(input);
    let start = 0;
    while (start < s.length && leftCut.includes(s[start]!)) start++;
    s = s.slice(start);
    const size = Math.min(s.length, maxLen);
    const head = s.slice(0, size).replace(/-+$/, '');
    if (head.length === size) return head;
    const tail = s.slice(size).replace(/^-+/, '');
    return head + tail.slice(0, Math.min(tail.length, size - head.length));
  };
}

export const labelRFC1123: LabelFn = makeLabel(63, '-');
export const labelRFC952: LabelFn = makeLabel(24, '-0123456789');

/** Task and port names repeat across tasks: sanitise each distinct one once per refresh. */
export function cachedLabel(label: LabelFn): LabelFn {
  const cache = new Map<string, string>();
  return (s) => {
    let out = cache.get(s);
    if (out === undefined) {
      out = label(s);
      cache.set(s, out);
    }
    return out;
  };
}

export function labelFor(enforceRFC952: boolean): LabelFn {
  return enforceRFC952 ? labelRFC952 : labelRFC1123;
}

/** Each dot-separated part sanitised on its own, empty results dropped, dots kept. */
export function domainFrag(s: string, label: LabelFn): string {
  const out: string[] = [];
  for (const part of s.split('.')) {
    const l = label(part);
    if (l !== '') out.push(l);
  }
  return out.join('.');
}
