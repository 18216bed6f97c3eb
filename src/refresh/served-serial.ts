/**
 * The SOA serial served and what it stands for: whether a new build's records
 * are the served ones (then the serial stays and no table is built), and the
 * serial new records are served under otherwise (records/digest.ts).
 */
import { nextSerial, recordDigest } from '../records/digest.js';
import type { RecordStore } from '../records/store.js';

export class ServedSerial {
  /**
   * null before any table. `digest`: of the served records, '' when no build may match them; `undigested`:
   * records whose digest is made only when a later build compares with them, since a table built with nothing to
   * compare with (the first one) should not wait for it.
   */
  private served: { serial: number; digest: string; undigested: RecordStore | null } | null;

  /** `servedSerial`: the serial a replaced worker served, whose records died with it: nothing matches them. */
  constructor(servedSerial: number | null) {
    this.served = servedSerial === null ? null : { serial: servedSerial, digest: '', undigested: null };
  }

  /** The serial served; 0 before any table. */
  get serial(): number {
    return this.served?.serial ?? 0;
  }

  /** No later build matches the served records (a reconfigure changes TTLs or SOA fields even when they are the same). */
  forgetRecords(): void {
    if (this.served !== null) this.served = { serial: this.served.serial, digest: '', undigested: null };
  }

  /** A serial newer than the served one, for records not compared with them (an overlay's). */
  newer(nowSeconds: number): number {
    return nextSerial(this.serial, false, nowSeconds);
  }

  /**
   * Whether `store` holds the served records, the serial to serve it under (the
   * served one when it does), and its digest (null when there was nothing to
   * compare with, so none was made).
   */
  compare(store: RecordStore, nowSeconds: number): { same: boolean; serial: number; digest: string | null } {
    const servedDigest = this.servedDigest();
    const digest = servedDigest === '' ? null : recordDigest(store);
    const same = digest === servedDigest;
    return { same, serial: nextSerial(this.served?.serial ?? null, same, nowSeconds), digest };
  }

  /**
   * `serial` is served now: for `store`'s records (`digest` from `compare`), or
   * for records no later build may match (`store` null: an overlay's, or a
   * build whose config changed while it ran).
   */
  serve(serial: number, store: RecordStore | null, digest: string | null): void {
    if (store === null) this.served = { serial, digest: '', undigested: null };
    else if (digest === null) this.served = { serial, digest: '', undigested: store };
    else this.served = { serial, digest, undigested: null };
  }

  /** The digest new records must have to be the served ones; '' when none can be. */
  private servedDigest(): string {
    const s = this.served;
    if (s === null) return '';
    if (s.undigested === null) return s.digest;
    const digest = recordDigest(s.undigested);
    this.served = { serial: s.serial, digest, undigested: null };
    return digest;
  }
}
