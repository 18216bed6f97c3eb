/** A client query waiting for an upstream exchange. */
export interface Waiting {
  /** the client's source address */
  readonly client: string;
}

/** What `InFlight` needs of an exchange: a way to stop it at shutdown. */
export interface Abortable {
  abort(): void;
}

export interface InFlightLimits {
  /** client queries waiting at once, all clients together (`maxForwardsInFlight`) */
  maxWaiting: number;
  /** client queries of one source address waiting at once (`maxForwardsPerClient`) */
  maxPerClient: number;
}

interface Entry<W> {
  exchange: Abortable;
  waiters: W[];
}

/**
 * The exchanges in flight by question key, each with the client queries
 * waiting for it. Identical questions join the exchange already asking, so a
 * burst of them costs one upstream query and gives a spoofer one chance, not
 * one per query (RFC 5452 §5). Waiting queries are counted per client, merged
 * ones included, so that one client cannot take the whole budget: a client
 * that asks for names whose upstream never answers fills its own quota long
 * before the global one.
 */
export class InFlight<W extends Waiting> {
  private readonly entries = new Map<string, Entry<W>>();
  private readonly perClient = new Map<string, number>();
  private waiting = 0;

  constructor(private readonly limits: InFlightLimits) {}

  /** Client queries waiting, merged ones included. */
  get size(): number {
    return this.waiting;
  }

  /** Upstream exchanges in flight. */
  get exchanges(): number {
    return this.entries.size;
  }

  /** Whether one more query of `client` may wait: under its own quota and under the global one. */
  admits(client: string): boolean {
    return this.waiting < this.limits.maxWaiting && (this.perClient.get(client) ?? 0) < this.limits.maxPerClient;
  }

  /** Adds `waiter` to the exchange asking `key`; false when there is none. */
  join(key: string, waiter: W): boolean {
    const entry = this.entries.get(key);
    if (entry === undefined) return false;
    entry.waiters.push(waiter);
    this.count(waiter.client, 1);
    return true;
  }

  /** Records a new exchange for `key` with its first waiter. */
  open(key: string, exchange: Abortable, waiter: W): void {
    this.entries.set(key, { exchange, waiters: [waiter] });
    this.count(waiter.client, 1);
  }

  /** Removes the exchange for `key`; returns its waiters, to be answered. */
  settle(key: string): W[] {
    const entry = this.entries.get(key);
    if (entry === undefined) return [];
    this.entries.delete(key);
    for (const w of entry.waiters) this.count(w.client, -1);
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

  private count(client: string, delta: 1 | -1): void {
    this.waiting += delta;
    const n = (this.perClient.get(client) ?? 0) + delta;
    // Only clients with queries waiting are kept, so spoofed source addresses cannot grow the map.
    if (n === 0) this.perClient.delete(client);
    else this.perClient.set(client, n);
  }
}
