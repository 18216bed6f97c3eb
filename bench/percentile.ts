/** The value below which `p` % of `sorted` (ascending) lie, by rank (floor); NaN for no values. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
