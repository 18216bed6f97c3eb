import type { LiveTable } from '../../table/live.js';
import type { DnsService } from './primary.js';

export interface FirstTableEvents {
  /** the sockets are bound (after the first table) */
  listening(service: DnsService): void;
  /** binding failed after the first table; the caller ends the process */
  failed(err: unknown): void;
}

/**
 * The DNS service, started by the first table and fed every later one
 * (docs/compatibility.md, Start-up and failures). Until a state has loaded, the DNS port is not
 * bound at all, as in Go: a closed port makes every stub resolver try its next
 * nameserver, whereas a SERVFAIL reaches the application from some of them
 * (Node's resolver, c-ares, hands it over as it is). Once bound it stays bound
 * whatever the masters do: stale data beats no data.
 */
export class DnsOnFirstTable {
  private service: DnsService | null = null;
  private starting: Promise<void> | null = null;
  private latest: LiveTable | null = null;
  private closed = false;

  /** `start` binds the sockets; it reads the current table itself (the one just published). */
  constructor(
    private readonly start: () => Promise<DnsService>,
    private readonly events: FirstTableEvents,
  ) {}

  /** Called after every swap: the first one binds, later ones go to the DNS worker processes. */
  publish(table: LiveTable): void {
    if (this.closed) return;
    this.latest = table;
    if (this.service !== null) {
      this.service.publish(table);
      return;
    }
    if (this.starting !== null) return;
    this.starting = this.start().then(
      async (service) => {
        if (this.closed) {
          await service.close();
          return;
        }
        this.service = service;
        // Workers started with `table`; one swapped in while they started has not reached them yet.
        if (this.latest !== null && this.latest !== table) service.publish(this.latest);
        this.events.listening(service);
      },
      (err: unknown) => {
        if (!this.closed) this.events.failed(err);
      },
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.starting;
    await this.service?.close();
  }
}
