/**
 * What DNS and HTTP answer from: a base record table, and optionally an
 * overlay built since it (an ordinary record table holding every name whose
 * records changed, with its SOA serial) and the names the overlay hides in the
 * base. A lookup asks the overlay first, then the hidden names, then the base;
 * the three are swapped in together as one object, never one at a time.
 */
import { hostNameToWire } from './encode.js';
import { type NameMarks, UNMARKED } from './name-marks.js';
import type { LookupResult, RecordTable } from './table.js';

/** `locate`'s answer for a name that exists without records (an empty non-terminal). */
export const EXISTS_EMPTY = -2;
/** `locate`'s answer for a name that does not exist. */
export const NOT_FOUND = -1;

/** Marks of the names an overlay hides in its base. */
export const MARK_GONE = 0;
export const MARK_EMPTY = 1;

/** The reader the answer path uses: a table alone (RecordTable) or a base with an overlay (LiveTable). */
export interface TableView {
  /** the table whose SOA, NS, TTL and apex are current */
  readonly top: RecordTable;
  /** the table of the entry the last `locate` returned */
  readonly hit: RecordTable;
  /** the entry of the wire name `buf[start, end)` in `hit`, or NOT_FOUND, or EXISTS_EMPTY */
  locate(buf: Uint8Array, start: number, end: number): number;
  /** for the HTTP API: the values at a name, or null if it does not exist */
  lookup(name: string): LookupResult | null;
}

export class LiveTable implements TableView {
  hit: RecordTable;

  constructor(
    readonly base: RecordTable,
    readonly overlay: RecordTable | null = null,
    readonly hidden: NameMarks | null = null,
  ) {
    this.hit = base;
  }

  get top(): RecordTable {
    return this.overlay ?? this.base;
  }

  /** Names the overlay changes: those it holds records for, and those it hides in the base. */
  get overlayNames(): number {
    return (this.overlay?.counts.names ?? 0) + (this.hidden?.count ?? 0);
  }

  locate(buf: Uint8Array, start: number, end: number): number {
    const o = this.overlay;
    if (o === null) {
      this.hit = this.base;
      return this.base.find(buf, start, end);
    }
    const e = o.find(buf, start, end);
    // The apex is always answered from the overlay: its SOA carries the current serial.
    if (e >= 0 && (e === o.apexEntry || o.hasRecords(e))) {
      this.hit = o;
      return e;
    }
    const mark = this.hidden === null ? UNMARKED : this.hidden.get(buf, start, end);
    if (mark === MARK_GONE) return NOT_FOUND;
    if (mark === MARK_EMPTY) return EXISTS_EMPTY;
    const b = this.base.find(buf, start, end);
    if (b >= 0) {
      this.hit = this.base;
      return b;
    }
    if (e >= 0) {
      this.hit = o;
      return e;
    }
    return NOT_FOUND;
  }

  lookup(name: string): LookupResult | null {
    const wire = hostNameToWire(name.toLowerCase());
    if (!wire) return null;
    const idx = this.locate(wire, 0, wire.length);
    // Reverse names (ptrOn) are DNS-only, as in RecordTable.lookup.
    if (idx === NOT_FOUND || idx >= this.hit.reverseEntry) return null;
    return idx === EXISTS_EMPTY ? { a: [], aaaa: [], srv: [] } : this.hit.values(idx);
  }
}
