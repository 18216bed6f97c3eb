/**
 * Builds run one at a time, in the order they were asked for, each numbered
 * as it starts: a poll fetched before a stream build started is built before
 * it, so no older view of the cluster ever gets a higher number than a newer one.
 */
export class BuildQueue<T> {
  /** the tail of the builds asked for, each run after the one before */
  private tail: Promise<void> = Promise.resolve();
  /** builds asked for and not yet settled */
  private queued = 0;
  private seq = 0;

  /** Runs `job` once every build asked before has settled, failed or not, with its number. */
  run(job: (seq: number) => Promise<T>): Promise<T> {
    this.queued++;
    const run = this.tail.then(() => job(++this.seq));
    this.tail = run.then(
      () => void this.queued--,
      () => void this.queued--,
    );
    return run;
  }

  /** No build is running or waiting to. */
  get idle(): boolean {
    return this.queued === 0;
  }
}
