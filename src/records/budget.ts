import { MesosDnsError } from '../errors.js';

/**
 * A cap on the typed arrays one refresh allocates for its records and table.
 * They live outside the JavaScript heap, so the worker's heap limit
 * (`refreshHeapMiB`) does not see them: without a cap of their own, a master
 * listing enough ports or names could make a refresh allocate without bound.
 * Every growable array of the store, the name tree, the table plan and the
 * table buffer charges its growth here, and the refresh fails cleanly, before
 * the allocation, once the total would pass the cap.
 */
export class MemoryBudget {
  private used = 0;

  constructor(readonly maxBytes: number) {}

  /** Records `bytes` more; throws `MESOS_DNS_REFRESH_OUT_OF_MEMORY` when that passes the cap. */
  charge(bytes: number): void {
    this.used += bytes;
    if (this.used > this.maxBytes) {
      throw new MesosDnsError(
        'MESOS_DNS_REFRESH_OUT_OF_MEMORY',
        `the records and table of this state need more than refreshHeapMiB (${Math.round(this.maxBytes / 1048576)} MiB)`,
      );
    }
  }

  /** Bytes charged so far. */
  get bytes(): number {
    return this.used;
  }
}

/** For stores made outside a refresh (tests, golden files): no cap. */
export function unlimited(): MemoryBudget {
  return new MemoryBudget(Infinity);
}
