/**
 * Expands a Mesos `resources.ports` string (`"[31000-31001, 31005-31005]"`) into
 * the ports in order (docs/compatibility.md, Port ranges). Lenient where Go crashes: a missing bracket and
 * a bare number `N` (= `N-N`) are accepted; garbage ranges are reported and skipped.
 */
export function parsePortRanges(s: string, onBadRange?: (range: string) => void): number[] {
  return parseUsual(s) ?? parseAny(s, onBadRange);
}

/**
 * Exactly the form Mesos writes, `[a-b, c-d]`, without allocating strings (it
 * runs for every task of every refresh); null for anything else, including
 * ranges `parseAny` reports.
 */
function parseUsual(s: string): number[] | null {
  const end = s.length - 1;
  if (end < 1 || s.charCodeAt(0) !== 0x5b || s.charCodeAt(end) !== 0x5d) return null;
  const ports: number[] = [];
  let i = 1;
  while (i < end) {
    let lo = 0;
    const loAt = i;
    for (let c = s.charCodeAt(i); c >= 0x30 && c <= 0x39; c = s.charCodeAt(++i)) lo = lo * 10 + c - 0x30;
    if (i === loAt || i - loAt > 15 || s.charCodeAt(i) !== 0x2d) return null;
    let hi = 0;
    const hiAt = ++i;
    for (let c = s.charCodeAt(i); c >= 0x30 && c <= 0x39; c = s.charCodeAt(++i)) hi = hi * 10 + c - 0x30;
    if (i === hiAt || i - hiAt > 15 || hi - lo > 65535) return null;
    for (let p = lo; p <= hi; p++) ports.push(p);
    if (i === end) return ports;
    if (s.charCodeAt(i) !== 0x2c || s.charCodeAt(i + 1) !== 0x20) return null;
    i += 2;
  }
  return i === 1 ? ports : null;
}

function parseAny(s: string, onBadRange?: (range: string) => void): number[] {
  let body = s.trim();
  const open = body.indexOf('[');
  if (open >= 0) {
    const close = body.indexOf(']', open + 1);
    body = body.slice(open + 1, close < 0 ? undefined : close);
  }
  const ports: number[] = [];
  for (const piece of body.split(',')) {
    const range = piece.trim();
    if (range === '') continue;
    const dash = range.indexOf('-');
    const loText = (dash < 0 ? range : range.slice(0, dash)).trim();
    const hiText = (dash < 0 ? range : range.slice(dash + 1)).trim();
    if (!/^[0-9]+$/.test(loText) || !/^[0-9]+$/.test(hiText)) {
      onBadRange?.(range);
      continue;
    }
    const lo = Number(loText);
    const hi = Number(hiText);
    // A range wider than the whole port space is garbage, not 4 billion SRV records; numbers past
    // 2^53 are garbage too (p++ would stop changing p and never reach hi).
    if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi) || hi - lo > 65535) {
      onBadRange?.(range);
      continue;
    }
    for (let p = lo; p <= hi; p++) ports.push(p);
  }
  return ports;
}
