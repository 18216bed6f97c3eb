/**
 * Coalesces a burst of items into one run: the first item waits `windowMs` for
 * others, then all of them go to `run` together. Never two runs at once: items
 * that arrive during a run wait for it, then form the next batch. Used for the
 * event stream, where a deployment brings tens of events within milliseconds
 * and each table build costs the same whether it carries one change or fifty.
 * `run` deals with its own failures: it must not reject.
 */
export class Batcher<T> {
  private pending: T[] = [];
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly windowMs: number,
    private readonly run: (batch: T[]) => Promise<void>,
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
    this.timer = setTimeout(() => void this.fire(), this.windowMs);
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
      if (this.pending.length > 0) this.schedule();
      this.settle();
    }
  }

  private settle(): void {
    if (this.idle) for (const wake of this.idleWaiters.splice(0)) wake();
  }
}
