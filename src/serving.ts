import type { LiveTable } from './table/live.js';

/** Everything one successful refresh produced; replaced as a whole, never mutated. */
export interface Snapshot {
  /** the base table, and the overlay since it when the event stream changed tasks */
  table: LiveTable;
  serial: number;
  /** the state's `leader` UPID, e.g. `master@10.0.0.1:5050` */
  leader: string;
  /** the master the state came from, `host:port` */
  master: string;
  /** Date.now() when this snapshot was swapped in */
  loadedAt: number;
  /** how long fetch + generate + build took, in ms */
  buildMs: number;
  counts: { a: number; aaaa: number; srv: number; names: number; tasks: number };
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
  error?: RefreshFailure;
  durationMs: number;
}

/**
 * The one mutable reference the servers read. A refresh swaps `current` in one
 * assignment, so a query sees the old snapshot or the new one, never a mixture.
 */
export class ServingState {
  current: Snapshot | null = null;
  lastOutcome: RefreshOutcome | null = null;
  lastSuccessAt = 0;
  refreshSuccesses = 0;
  refreshFailures = 0;
  /** ordered master list currently used (leader candidate first), `host:port` or `""` */
  masters: string[] = [];
  zkConnected: boolean | null = null;
  /** new base tables that replaced one with overlays (event stream changes compacted) */
  overlayCompactions = 0;
  /** renders of the HTTP views (`/v1/axfr`, `/v1/enumerate`) started, by view; a cached body is not one */
  readonly viewRenders = { axfr: 0, enumerate: 0 };

  swap(next: Snapshot): void {
    this.current = next;
    this.lastSuccessAt = next.loadedAt;
  }

  recordOutcome(outcome: RefreshOutcome): void {
    this.lastOutcome = outcome;
    if (outcome.ok) this.refreshSuccesses++;
    else this.refreshFailures++;
  }
}
