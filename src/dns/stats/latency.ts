/** Upper bounds (seconds) of the forward-latency buckets; the last bucket is +Inf. */
export const FORWARD_LATENCY_BUCKETS: readonly number[] = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/** Plain data form, safe to send over IPC and to merge. */
export interface LatencySnapshot {
  /** per-bucket (not cumulative) counts; one more entry than `FORWARD_LATENCY_BUCKETS` (+Inf) */
  counts: number[];
  sum: number;
  count: number;
}

/**
 * Latency of forwarded queries answered by an upstream (from the query's
 * arrival to its reply; cache hits are not counted), kept as plain numbers so
 * the hot path only increments; the metrics module turns it into a Prometheus
 * histogram at scrape time.
 */
export class ForwardLatency {
  readonly bounds = FORWARD_LATENCY_BUCKETS;
  readonly counts = new Float64Array(FORWARD_LATENCY_BUCKETS.length + 1);
  sum = 0;
  count = 0;

  observe(seconds: number): void {
    let i = 0;
    while (i < this.bounds.length && seconds > this.bounds[i]!) i++;
    this.counts[i]!++;
    this.sum += seconds;
    this.count++;
  }

  snapshot(): LatencySnapshot {
    return { counts: Array.from(this.counts), sum: this.sum, count: this.count };
  }

  /** Replaces the content with the sum of several snapshots (cluster primary). */
  setSum(parts: Iterable<LatencySnapshot>): void {
    this.counts.fill(0);
    this.sum = 0;
    this.count = 0;
    for (const p of parts) {
      for (let i = 0; i < this.counts.length && i < p.counts.length; i++) this.counts[i]! += p.counts[i]!;
      this.sum += p.sum;
      this.count += p.count;
    }
  }
}
