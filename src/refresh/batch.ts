/**
 * Coalesces a burst of items into one run: the first item waits `windowMs` for
 * others, then all of them go to `run` together. Never two runs at once: items
 * that arrive during a run wait for it, then form the next batch. Used for the
 * event stream, where a deployment brings tens of events within milliseconds
 * and each table build costs about the same whether it carries one change or
 * fifty. `run` deals with its own failures: it must not reject.
 *
 * After a run, the next waits at least `restMs` from its end. Under steady
 * churn builds would otherwise follow each other without a pause, and the
 * thread running them would take a whole core from the DNS thread on a
 * two-core host; with the rest, a change waits at most one run, the rest and
 * the window before its own run starts, while a change after a quiet spell
 * still waits only the window.
 */
export class Batcher<T> {
  private pending: T[] = [];
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  /** when the last run ended (performance.now()) */
  private lastEnd = -Infinity;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly windowMs: number,
    private readonly run: (batch: T[]) => Promise<void>,
    private readonly restMs = 0,
  ) {}

  add(item: T): void {
    this.pending.push(item);
    this.schedule();
  }

  /** Forgets the items not yet run (a newer full view covers them); a run in progress finishes. */
  clear(): void {
    this.pending = [];
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.settle();
  }

  /** Resolves once nothing is pending or running. */
  whenIdle(): Promise<void> {
    if (this.idle) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private get idle(): boolean {
    return !this.running && this.timer === null && this.pending.length === 0;
  }

  private schedule(): void {
    if (this.running || this.timer !== null) return;
    const rested = this.lastEnd + this.restMs - performance.now();
    this.timer = setTimeout(() => void this.fire(), Math.max(this.windowMs, rested));
  }

  private async fire(): Promise<void> {
    this.timer = null;
    const batch = this.pending;
    this.pending = [];
    this.running = true;
    try {
      await this.run(batch);
    } finally {
      this.running = false;
      this.lastEnd = performance.now();
      if (this.pending.length > 0) this.schedule();
      this.settle();
    }
  }

  private settle(): void {
    if (this.idle) for (const wake of this.idleWaiters.splice(0)) wake();
  }
}
