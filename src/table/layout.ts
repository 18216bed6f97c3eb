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
 *   ptr list    ptrCount × PTR_SLOTS × u32
 *   bytes       names (lower-case wire), owner-less RRs, meta strings
 *
 * A name's A and AAAA RRs are contiguous; SRV RRs are reached one by one
 * through the srv list, so names holding the same SRV value share its bytes.
 * The entries of reverse names (`ptrOn`) come after the others, from
 * `H.reverseEntry` on, in the same hash index; their slots are `R`'s, and
 * their PTR RRs are reached through the ptr list as SRV RRs are.
 */
import { FNV_OFFSET, FNV_PRIME } from '../records/hash.js';

export const MAGIC = 0x4d444e54; // "MDNT"
export const VERSION = 2;

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
  /** the first reverse entry; entryCount when there are none */
  reverseEntry: 35,
  /** PTR RRs in the ptr list (one per reverse name and target) */
  countPtr: 36,
  ptrListOff: 37,
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

/** Slot indices of a reverse entry (ENTRY_SLOTS u32, the rest 0); only the reverse path reads them. */
export const R = {
  nameOff: 0,
  nameLen: 1,
  /** first index into the ptr list */
  ptrIndex: 2,
  ptrCount: 3,
} as const;

/** SRV list slot indices: where the owner-less RR is, and the target's entry for glue. */
export const S = {
  rrOff: 0,
  rrLen: 1,
  /** entry index + 1 of the target when it has A/AAAA records, else 0 */
  targetEntry: 2,
} as const;
export const SRV_SLOTS = 3;

/** PTR list slot indices: where the owner-less PTR RR is. */
export const P = {
  rrOff: 0,
  rrLen: 1,
} as const;
export const PTR_SLOTS = 2;

/**
 * The running hash of a name: FNV-1a over its labels from the root down (the
 * reverse of their order on the wire), each as its length octet then its
 * bytes, ASCII-lower-cased. Hashing from the root lets the table build carry
 * on from a parent's hash for each child (plan.ts) instead of hashing every
 * full name. The root's running hash is FNV_OFFSET.
 */
export function hashLabel(h: number, label: string): number {
  h = Math.imul(h ^ label.length, FNV_PRIME);
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), FNV_PRIME);
  return h;
}

/** The index key of a running hash: mixed so that its low bits, which pick the slot, depend on every byte. */
export function indexKey(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x45d9f3b);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Label starts of the name being hashed; a name of at most 255 octets has at most 127 labels. */
const labelAt = new Int32Array(128);

/**
 * `indexKey` of the wire name at `buf[start, end)` (uncompressed, ending in
 * the root octet), compared case-insensitively as `hashLabel` does; -1 when
 * it has more labels than a valid name can.
 */
export function hashWireName(buf: Uint8Array, start: number, end: number): number {
  let labels = 0;
  for (let at = start; at < end - 1; at += buf[at]! + 1) {
    if (labels === labelAt.length) return -1;
    labelAt[labels++] = at;
  }
  let h = FNV_OFFSET;
  for (let k = labels - 1; k >= 0; k--) {
    const at = labelAt[k]!;
    const len = buf[at]!;
    h = Math.imul(h ^ len, FNV_PRIME);
    for (let i = at + 1; i <= at + len; i++) {
      let b = buf[i]!;
      if (b >= 0x41 && b <= 0x5a) b |= 0x20;
      h = Math.imul(h ^ b, FNV_PRIME);
    }
  }
  return indexKey(h);
}
