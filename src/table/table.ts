/**
 * The immutable record table: one ArrayBuffer built in the refresh worker and
 * transferred (zero-copy) to the main thread, where lookups run directly on
 * the bytes. See table-layout.ts for the layout and table-build.ts for the
 * build; this file is the reader.
 */
import { MesosDnsError } from '../errors.js';
import type { RecordStore } from '../records/store.js';
import { buildTableBuffer, type TableMeta } from './build.js';
import { E, ENTRY_SLOTS, H, HEADER_SLOTS, MAGIC, S, SRV_SLOTS, VERSION, hashWireName } from './layout.js';
import { formatIPv4, formatIPv6 } from '../net/ip.js';
import { RR_AAAA_LEN, RR_A_LEN, RR_FIXED_LEN, SRV_TARGET_AT } from '../wire/constants.js';
import { hostNameToWire, wireToName } from './encode.js';
import type { TablePlan } from './plan.js';

export type { TableMeta } from './build.js';

export interface LookupResult {
  a: string[];
  aaaa: string[];
  srv: Array<{ target: string; port: number }>;
}

const decoder = new TextDecoder();

export class RecordTable {
  readonly buffer: ArrayBuffer;
  readonly meta: TableMeta;
  readonly counts: { names: number; a: number; aaaa: number; srv: number; ptr: number };
  /** Raw views for the answer hot path (src/dns/answer.ts); layout in table-layout.ts. */
  readonly u8: Uint8Array;
  readonly u32: Uint32Array;
  readonly entriesOff: number;
  /** number of entries: names with records, empty non-terminals and the apex, then the reverse names */
  readonly entryCount: number;
  /** the first reverse name's entry (`ptrOn`); entries from here on hold PTR RRs only, read through `R` */
  readonly reverseEntry: number;
  readonly srvListOff: number;
  readonly ptrListOff: number;
  readonly apexEntry: number;
  /** lower-case wire form of the apex, a view into the buffer */
  readonly domainWire: Uint8Array;
  readonly soaAnswerOff: number;
  readonly soaAnswerLen: number;
  readonly soaNegativeOff: number;
  readonly soaNegativeLen: number;
  readonly nsOff: number;
  readonly nsLen: number;
  /** entry index of SOAMname's addresses for NS glue, or -1 */
  readonly nsGlueEntry: number;
  private readonly hashOff: number;
  private readonly hashMask: number;

  private constructor(buffer: ArrayBuffer) {
    const u32 = new Uint32Array(buffer, 0, buffer.byteLength >>> 2);
    const u8 = new Uint8Array(buffer);
    this.buffer = buffer;
    this.u8 = u8;
    this.u32 = u32;
    const str = (off: number, len: number): string => decoder.decode(u8.subarray(u32[off]!, u32[off]! + u32[len]!));
    this.meta = {
      domain: str(H.domainStrOff, H.domainStrLen),
      ttl: u32[H.ttl]!,
      serial: u32[H.serial]!,
      soaMname: str(H.mnameStrOff, H.mnameStrLen),
      soaRname: str(H.rnameStrOff, H.rnameStrLen),
      soaRefresh: u32[H.soaRefresh]!,
      soaRetry: u32[H.soaRetry]!,
      soaExpire: u32[H.soaExpire]!,
      soaMinttl: u32[H.soaMinttl]!,
      srvWeight: u32[H.srvWeight]!,
    };
    this.counts = {
      names: u32[H.countNames]!,
      a: u32[H.countA]!,
      aaaa: u32[H.countAAAA]!,
      srv: u32[H.countSrv]!,
      ptr: u32[H.countPtr]!,
    };
    this.hashOff = u32[H.hashOff]!;
    this.hashMask = u32[H.hashCap]! - 1;
    this.entriesOff = u32[H.entriesOff]!;
    this.entryCount = u32[H.entryCount]!;
    this.reverseEntry = u32[H.reverseEntry]!;
    this.srvListOff = u32[H.srvListOff]!;
    this.ptrListOff = u32[H.ptrListOff]!;
    this.apexEntry = u32[H.apexEntry]!;
    this.domainWire = u8.subarray(u32[H.domainWireOff]!, u32[H.domainWireOff]! + u32[H.domainWireLen]!);
    this.soaAnswerOff = u32[H.soaAnswerOff]!;
    this.soaAnswerLen = u32[H.soaAnswerLen]!;
    this.soaNegativeOff = u32[H.soaNegativeOff]!;
    this.soaNegativeLen = u32[H.soaNegativeLen]!;
    this.nsOff = u32[H.nsOff]!;
    this.nsLen = u32[H.nsLen]!;
    this.nsGlueEntry = u32[H.nsGlueEntry]! - 1;
  }

  static build(store: RecordStore, meta: TableMeta): RecordTable {
    return new RecordTable(buildTableBuffer(store, meta).buffer);
  }

  /** The table and the plan it was built from, which overlays and the HTTP-only names (http-names.ts) start from. */
  static buildWithPlan(store: RecordStore, meta: TableMeta): { table: RecordTable; plan: TablePlan } {
    const { buffer, plan } = buildTableBuffer(store, meta);
    return { table: new RecordTable(buffer), plan };
  }

  /** Adopts a buffer made by `build` (e.g. transferred from the worker). O(1): checks the header only. */
  static fromBuffer(buffer: ArrayBuffer): RecordTable {
    const ok =
      buffer.byteLength >= HEADER_SLOTS * 4 &&
      buffer.byteLength % 4 === 0 &&
      (() => {
        const h = new Uint32Array(buffer, 0, HEADER_SLOTS);
        return h[H.magic] === MAGIC && h[H.version] === VERSION && h[H.byteLength] === buffer.byteLength;
      })();
    if (!ok)
      throw new MesosDnsError('MESOS_DNS_TABLE_INVALID', `not a record table buffer (${buffer.byteLength} bytes)`);
    return new RecordTable(buffer);
  }

  /**
   * Entry index of the name whose wire bytes are `buf[start, end)` (compared
   * ASCII-case-insensitively), or -1. This is the one lookup per query. An
   * entry from `reverseEntry` on is a reverse name: only PTR answers read it.
   */
  find(buf: Uint8Array, start: number, end: number): number {
    const u32 = this.u32;
    const u8 = this.u8;
    const len = end - start;
    const mask = this.hashMask;
    const key = hashWireName(buf, start, end);
    if (key < 0) return -1;
    let h = key & mask;
    for (;;) {
      const slot = u32[this.hashOff + h]!;
      if (slot === 0) return -1;
      const e = this.entriesOff + (slot - 1) * ENTRY_SLOTS;
      if (u32[e + E.nameLen] === len) {
        let i = 0;
        const nameOff = u32[e + E.nameOff]!;
        for (; i < len; i++) {
          let b = buf[start + i]!;
          if (b >= 0x41 && b <= 0x5a) b |= 0x20;
          if (b !== u8[nameOff + i]) break;
        }
        if (i === len) return slot - 1;
      }
      h = (h + 1) & mask;
    }
  }

  /** A table alone is its own view: its entries and its SOA are current (see live.ts for one with an overlay). */
  get top(): RecordTable {
    return this;
  }

  get hit(): RecordTable {
    return this;
  }

  locate(buf: Uint8Array, start: number, end: number): number {
    return this.find(buf, start, end);
  }

  /** True when entry `idx` holds RRs (not an empty non-terminal). */
  hasRecords(idx: number): boolean {
    const e = this.entriesOff + idx * ENTRY_SLOTS;
    const u32 = this.u32;
    return u32[e + E.aCount]! + u32[e + E.aaaaCount]! + u32[e + E.srvCount]! > 0;
  }

  /**
   * For the HTTP API: the values at a name (any case, trailing dot optional), or
   * null if it does not exist. Only names DNS can answer are here; `HttpNames`
   * holds the others. Reverse names are DNS-only: PTR records are not in the
   * Go program's API.
   */
  lookup(name: string): LookupResult | null {
    const wire = hostNameToWire(name.toLowerCase());
    if (!wire) return null;
    const idx = this.find(wire, 0, wire.length);
    if (idx < 0 || idx >= this.reverseEntry) return null;
    return this.values(idx);
  }

  /** The values of entry `idx`, as text. */
  values(idx: number): LookupResult {
    const u32 = this.u32;
    const e = this.entriesOff + idx * ENTRY_SLOTS;
    const result: LookupResult = { a: [], aaaa: [], srv: [] };
    for (let i = 0; i < u32[e + E.aCount]!; i++)
      result.a.push(formatIPv4(this.u8, u32[e + E.aOff]! + i * RR_A_LEN + RR_FIXED_LEN));
    for (let i = 0; i < u32[e + E.aaaaCount]!; i++)
      result.aaaa.push(formatIPv6(this.u8, u32[e + E.aaaaOff]! + i * RR_AAAA_LEN + RR_FIXED_LEN));
    for (let i = 0; i < u32[e + E.srvCount]!; i++) {
      const rr = u32[this.srvListOff + (u32[e + E.srvIndex]! + i) * SRV_SLOTS + S.rrOff]!;
      const portAt = rr + SRV_TARGET_AT - 2;
      result.srv.push({
        port: (this.u8[portAt]! << 8) | this.u8[portAt + 1]!,
        target: wireToName(this.u8, rr + SRV_TARGET_AT),
      });
    }
    return result;
  }
}
