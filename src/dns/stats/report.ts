import { DnsStats } from './counters.js';
import type { LatencySnapshot } from './latency.js';

/** What a DNS worker reports to the primary every second (plain data for IPC). */
export interface WorkerStatsReport {
  counters: Record<string, number>;
  /** QTYPEs seen (only the non-zero ones) and how often */
  qtypes: number[];
  qtypeCounts: number[];
  latency: LatencySnapshot;
}

const template = new DnsStats();
/** The plain counter fields of DnsStats (everything numeric; byQtype is handled apart). */
export const COUNTER_FIELDS = (Object.keys(template) as (keyof DnsStats)[]).filter(
  (k): k is Exclude<keyof DnsStats, 'byQtype'> => typeof template[k] === 'number',
);

export function statsReport(stats: DnsStats, latency: LatencySnapshot): WorkerStatsReport {
  const counters: Record<string, number> = {};
  for (const f of COUNTER_FIELDS) counters[f] = stats[f];
  const qtypes: number[] = [];
  const qtypeCounts: number[] = [];
  const by = stats.byQtype;
  for (let t = 0; t < by.length; t++) {
    if (by[t] !== 0) {
      qtypes.push(t);
      qtypeCounts.push(by[t]!);
    }
  }
  return { counters, qtypes, qtypeCounts, latency };
}

/** Writes the sum of several reports into `into` (counters only ever grow if the reports do). */
export function sumReports(into: DnsStats, reports: Iterable<WorkerStatsReport>): void {
  for (const f of COUNTER_FIELDS) into[f] = 0;
  into.byQtype.fill(0);
  for (const r of reports) {
    for (const f of COUNTER_FIELDS) into[f] += r.counters[f] ?? 0;
    for (let i = 0; i < r.qtypes.length; i++) {
      const t = r.qtypes[i]!;
      if (t >= 0 && t < into.byQtype.length) into.byQtype[t]! += r.qtypeCounts[i] ?? 0;
    }
  }
}

/** Adds report `b` to `a` in place (folding a dead worker's totals into the retired base). */
export function addReport(a: WorkerStatsReport, b: WorkerStatsReport): WorkerStatsReport {
  const counters: Record<string, number> = { ...a.counters };
  for (const f of COUNTER_FIELDS) counters[f] = (counters[f] ?? 0) + (b.counters[f] ?? 0);
  const by = new Map<number, number>();
  for (const r of [a, b]) r.qtypes.forEach((t, i) => by.set(t, (by.get(t) ?? 0) + (r.qtypeCounts[i] ?? 0)));
  const n = Math.max(a.latency.counts.length, b.latency.counts.length);
  const counts = Array.from({ length: n }, (_, i) => (a.latency.counts[i] ?? 0) + (b.latency.counts[i] ?? 0));
  return {
    counters,
    qtypes: [...by.keys()],
    qtypeCounts: [...by.values()],
    latency: { counts, sum: a.latency.sum + b.latency.sum, count: a.latency.count + b.latency.count },
  };
}

export function emptyReport(): WorkerStatsReport {
  return statsReport(new DnsStats(), { counts: [], sum: 0, count: 0 });
}
