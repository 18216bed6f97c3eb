/**
 * Layout of the record table's single ArrayBuffer, shared by the builder (in
 * the worker) and the reader (main thread). All integers in the Uint32 regions
 * are in host byte order: the buffer only ever moves between threads of one
 * process. Pre-encoded RRs are in network byte order, ready to copy.
 *
 *   header      HEADER_SLOTS × u32
 *   hash index  capacity × u32   (entry index + 1; 0 = empty slot), open addressing, linear probing
 *   entries     count × ENTRY_SLOTS × u32
 *   srv list    srvCount × SRV_SLOTS × u32
 *   bytes       names (lower-case wire), owner-less RRs, meta strings
 *
 * A name's A and AAAA RRs are contiguous; SRV RRs are reached one by one
 * through the srv list, so names holding the same SRV value share its bytes.
 */

export const MAGIC = 0x4d444e54; // "MDNT"
export const VERSION = 1;

/** Header slot indices (u32). */
export const H = {
  magic: 0,
  version: 1,
  byteLength: 2,
  ttl: 3,
  serial: 4,
  soaRefresh: 5,
  soaRetry: 6,
  soaExpire: 7,
  soaMinttl: 8,
  srvWeight: 9,
  countNames: 10,
  countA: 11,
  countAAAA: 12,
  countSrv: 13,
  domainStrOff: 14,
  domainStrLen: 15,
  mnameStrOff: 16,
  mnameStrLen: 17,
  rnameStrOff: 18,
  rnameStrLen: 19,
  hashOff: 20,
  hashCap: 21,
  entriesOff: 22,
  entryCount: 23,
  srvListOff: 24,
  apexEntry: 25,
  domainWireOff: 26,
  domainWireLen: 27,
  soaAnswerOff: 28,
  soaAnswerLen: 29,
  soaNegativeOff: 30,
  soaNegativeLen: 31,
  nsOff: 32,
  nsLen: 33,
  /** entry index + 1 of SOAMname when it has addresses (NS glue), else 0 */
  nsGlueEntry: 34,
} as const;
export const HEADER_SLOTS = 40;

/** Entry slot indices (u32); offsets are byte offsets into the buffer. */
export const E = {
  nameOff: 0,
  nameLen: 1,
  aOff: 2,
  aCount: 3,
  aaaaOff: 4,
  aaaaCount: 5,
  /** first index into the srv list */
  srvIndex: 6,
  srvCount: 7,
} as const;
export const ENTRY_SLOTS = 8;

/** SRV list slot indices: where the owner-less RR is, and the target's entry for glue. */
export const S = {
  rrOff: 0,
  rrLen: 1,
  /** entry index + 1 of the target when it has A/AAAA records, else 0 */
  targetEntry: 2,
} as const;
export const SRV_SLOTS = 3;

export const FNV_OFFSET = 0x811c9dc5;
export const FNV_PRIME = 0x01000193;

/** FNV-1a over ASCII-lower-cased bytes; label length octets (≤ 63) are never letters. */
export function hashWire(buf: Uint8Array, start: number, end: number): number {
  let h = FNV_OFFSET;
  for (let i = start; i < end; i++) {
    let b = buf[i]!;
    if (b >= 0x41 && b <= 0x5a) b |= 0x20;
    h = Math.imul(h ^ b, FNV_PRIME);
  }
  return h >>> 0;
}
