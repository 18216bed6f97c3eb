/** The one way tests wait for something that happens asynchronously. */

export interface WaitOptions<T> {
  /** the value is good enough (default: truthy) */
  until?: (value: T) => boolean;
  /** give up after this long (default 10 s) */
  timeoutMs?: number;
  /** time between probes (default 25 ms) */
  intervalMs?: number;
}

/**
 * Probes until the value is good enough; resolves with it and how long that
 * took. The error names `what` and the last value seen.
 */
export async function waitFor<T>(
  what: string,
  probe: () => T | Promise<T>,
  opts: WaitOptions<T> = {},
): Promise<{ value: T; ms: number }> {
  const until = opts.until ?? Boolean;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const started = Date.now();
  for (;;) {
    const value = await probe();
    const ms = Date.now() - started;
    if (until(value)) return { value, ms };
    if (ms > timeoutMs) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${JSON.stringify(value)})`);
    }
    await sleep(opts.intervalMs ?? 25);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
