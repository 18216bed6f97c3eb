/** What `InFlight` needs of an exchange: a way to stop it at shutdown. */
export interface Abortable {
  abort(): void;
}

interface Entry<W> {
  exchange: Abortable;
  waiters: W[];
}

/**
 * The exchanges in flight by question key, each with the client queries
 * waiting for it. Identical questions join the exchange already asking, so a
 * burst of them costs one upstream query and gives a spoofer one chance, not
 * one per query (RFC 5452 §5).
 */
export class InFlight<W> {
  private readonly entries = new Map<string, Entry<W>>();
  private waiting = 0;

  /** Client queries waiting, merged ones included. */
  get size(): number {
    return this.waiting;
  }

  /** Upstream exchanges in flight. */
  get exchanges(): number {
    return this.entries.size;
  }

  /** Adds `waiter` to the exchange asking `key`; false when there is none. */
  join(key: string, waiter: W): boolean {
    const entry = this.entries.get(key);
    if (entry === undefined) return false;
    entry.waiters.push(waiter);
    this.waiting++;
    return true;
  }

  /** Records a new exchange for `key` with its first waiter. */
  open(key: string, exchange: Abortable, waiter: W): void {
    this.entries.set(key, { exchange, waiters: [waiter] });
    this.waiting++;
  }

  /** Removes the exchange for `key`; returns its waiters, to be answered. */
  settle(key: string): W[] {
    const entry = this.entries.get(key);
    if (entry === undefined) return [];
    this.entries.delete(key);
    this.waiting -= entry.waiters.length;
    return entry.waiters;
  }

  /** Aborts every exchange; returns all their waiters, to be answered. */
  abortAll(): W[] {
    const all: W[] = [];
    for (const [key, entry] of [...this.entries]) {
      entry.exchange.abort();
      all.push(...this.settle(key));
    }
    return all;
  }
}
