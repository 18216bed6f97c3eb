/**
 * Most ports one task's `resources.ports` yields, all ranges together. Every
 * port becomes several SRV records under several names, so a 45-byte value
 * such as `[1-65535, 1-65535, …]` once cost the refresh 717 MB. Mesos hands a
 * task the ports it asked for, and no real task asks for more than a few
 * dozen: past 1,024 the value is certainly bogus, and the rest is skipped.
 */
export const MAX_PORTS_PER_TASK = 1024;

/** What `parsePortRanges` skipped, for the caller to report. */
export interface PortRangeReport {
  /** a range whose bounds are not decimal integers, or that spans more than the whole port space */
  badRange?(range: string): void;
  /** the ranges hold `total` ports, more than `MAX_PORTS_PER_TASK`; only the first ones were kept */
  tooMany?(total: number): void;
}

/**
 * Expands a Mesos `resources.ports` string (`"[31000-31001, 31005-31005]"`) into
 * the ports in order, at most `MAX_PORTS_PER_TASK` of them (docs/compatibility.md,
 * Port ranges). Lenient where Go crashes: a missing bracket and a bare number `N`
 * (= `N-N`) are accepted; garbage ranges are reported and skipped.
 */
export function parsePortRanges(s: string, report: PortRangeReport = {}): number[] {
  const ports: number[] = [];
  let total = parseUsual(s, ports);
  if (total < 0) {
    ports.length = 0;
    total = parseAny(s, ports, report);
  }
  if (total > MAX_PORTS_PER_TASK) report.tooMany?.(total);
  return ports;
}

/** Adds `lo..hi` to `ports` while there is room; returns how many ports the range holds. */
function addRange(lo: number, hi: number, ports: number[]): number {
  for (let p = lo; p <= hi && ports.length < MAX_PORTS_PER_TASK; p++) ports.push(p);
  return hi >= lo ? hi - lo + 1 : 0;
}

/**
 * Exactly the form Mesos writes, `[a-b, c-d]`, without allocating strings (it
 * runs for every task of every refresh); the number of ports in the ranges, or
 * -1 for anything else, including ranges `parseAny` reports.
 */
function parseUsual(s: string, ports: number[]): number {
  const end = s.length - 1;
  if (end < 1 || s.charCodeAt(0) !== 0x5b || s.charCodeAt(end) !== 0x5d) return -1;
  let total = 0;
  let i = 1;
  while (i < end) {
    let lo = 0;
    const loAt = i;
    for (let c = s.charCodeAt(i); c >= 0x30 && c <= 0x39; c = s.charCodeAt(++i)) lo = lo * 10 + c - 0x30;
    if (i === loAt || i - loAt > 15 || s.charCodeAt(i) !== 0x2d) return -1;
    let hi = 0;
    const hiAt = ++i;
    for (let c = s.charCodeAt(i); c >= 0x30 && c <= 0x39; c = s.charCodeAt(++i)) hi = hi * 10 + c - 0x30;
    if (i === hiAt || i - hiAt > 15 || hi - lo > 65535) return -1;
    total += addRange(lo, hi, ports);
    if (i === end) return total;
    if (s.charCodeAt(i) !== 0x2c || s.charCodeAt(i + 1) !== 0x20) return -1;
    i += 2;
  }
  return i === 1 ? total : -1;
}

function parseAny(s: string, ports: number[], report: PortRangeReport): number {
  let body = s.trim();
  const open = body.indexOf('[');
  if (open >= 0) {
    const close = body.indexOf(']', open + 1);
    body = body.slice(open + 1, close < 0 ? undefined : close);
  }
  let total = 0;
  for (const piece of body.split(',')) {
    const range = piece.trim();
    if (range === '') continue;
    const dash = range.indexOf('-');
    const loText = (dash < 0 ? range : range.slice(0, dash)).trim();
    const hiText = (dash < 0 ? range : range.slice(dash + 1)).trim();
    if (!/^[0-9]+$/.test(loText) || !/^[0-9]+$/.test(hiText)) {
      report.badRange?.(range);
      continue;
    }
    const lo = Number(loText);
    const hi = Number(hiText);
    // A range wider than the whole port space is garbage, not 4 billion SRV records; numbers past
    // 2^53 are garbage too (p++ would stop changing p and never reach hi).
    if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi) || hi - lo > 65535) {
      report.badRange?.(range);
      continue;
    }
    total += addRange(lo, hi, ports);
  }
  return total;
}
