/**
 * Expands a Mesos `resources.ports` string (`"[31000-31001, 31005-31005]"`) into
 * the ports in order (spec §1.4). Lenient where Go crashes: a missing bracket and
 * a bare number `N` (= `N-N`) are accepted; garbage ranges are reported and skipped.
 */
export function parsePortRanges(s: string, onBadRange?: (range: string) => void): number[] {
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
    // A range wider than the whole port space is garbage, not 4 billion SRV records.
    if (hi - lo > 65535) {
      onBadRange?.(range);
      continue;
    }
    for (let p = lo; p <= hi; p++) ports.push(p);
  }
  return ports;
}
