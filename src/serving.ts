import type { HttpNamesView } from './table/http-names.js';
import type { LiveTable } from './table/live.js';

/** Everything one successful refresh produced; replaced as a whole, never mutated. */
export interface Snapshot {
  /** the base table, and the overlay since it when the event stream changed tasks */
  table: LiveTable;
  /** what `/v1/hosts` and `/v1/services` answer that the table cannot, with the overlay's changes */
  httpNames: HttpNamesView;
  /** the base table's HTTP-only names, which the next overlay's patch applies to */
  baseHttpNames: HttpNamesView;
  serial: number;
  /** the state's `leader` UPID, e.g. `master@10.0.0.1:5050` */
  leader: string;
  /** the master the state came from, `host:port` */
  master: string;
  /** Date.now() when this snapshot was swapped in */
  loadedAt: number;
  /** how long fetch + generate + build took, in ms */
  buildMs: number;
  counts: { a: number; aaaa: number; srv: number; ptr: number; names: number; tasks: number };
}

/** Why a refresh failed: codes and an address, plus a message for the logs. */
export interface RefreshFailure {
  code: string;
  /** for the logs only: it may quote what a master sent, so `/ready` never shows it */
  message: string;
  /** the master the failure is about, `host:port` (for a failed fetch, the last one tried) */
  master?: string;
  /** the code of what failed underneath, e.g. the last fetch attempt's `MESOS_DNS_FETCH_*` code */
  cause?: string;
}

export interface RefreshOutcome {
  at: number;
  ok: boolean;
  /** a build from the event stream; otherwise a poll */
  stream?: boolean;
  error?: RefreshFailure;
  durationMs: number;
}

/**
 * The event stream as the refresh worker last reported it (plain data: it
 * crosses from the worker thread). Null while `stateSource` is "poll".
 */
export interface StreamReport {
  state: 'connecting' | 'subscribed' | 'unsupported' | 'failing';
  /** the master subscribed to, or that of the last failure */
  master: string | null;
  /** the last failure's error code */
  code: string | null;
  /** subscriptions failed in a row */
  failures: number;
  /** totals since the worker started */
  subscriptions: number;
  failuresTotal: number;
  eventsByType: Record<string, number>;
  /** Date.now() of the last record received, 0 before any */
  lastEventAt: number;
  /** table builds from the stream: a new subscription's snapshot, or a batch of events */
  builds: { snapshot: number; changes: number };
  /** full polls checked against the stream's model: those that found it current, and those that repaired it */
  resyncs: { agreed: number; repaired: number };
}

/**
 * The one mutable reference the servers read. A refresh swaps `current` in one
 * assignment, so a query sees the old snapshot or the new one, never a mixture.
 */
export class ServingState {
  current: Snapshot | null = null;
  lastOutcome: RefreshOutcome | null = null;
  /** the last build from the event stream (null: none yet) */
  lastStreamOutcome: RefreshOutcome | null = null;
  lastSuccessAt = 0;
  refreshSuccesses = 0;
  refreshFailures = 0;
  /** ordered master list currently used (leader candidate first), `host:port` or `""` */
  masters: string[] = [];
  zkConnected: boolean | null = null;
  /** new base tables that replaced one with overlays (event stream changes compacted) */
  overlayCompactions = 0;
  stream: StreamReport | null = null;
  /** renders of the HTTP views (`/v1/axfr`, `/v1/enumerate`) started, by view; a cached body is not one */
  readonly viewRenders = { axfr: 0, enumerate: 0 };

  swap(next: Snapshot): void {
    this.current = next;
    this.lastSuccessAt = next.loadedAt;
  }

  recordOutcome(outcome: RefreshOutcome): void {
    this.lastOutcome = outcome;
    if (outcome.stream === true) this.lastStreamOutcome = outcome;
    if (outcome.ok) this.refreshSuccesses++;
    else this.refreshFailures++;
  }
}
