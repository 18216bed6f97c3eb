/**
 * Bounds-checked walking of DNS messages received from upstreams and clients on
 * the forwarding path. Nothing here builds objects per record: a scan records
 * offsets so that relaying, caching and truncating work on the bytes.
 */

import {
  HDR_ANCOUNT,
  HDR_ARCOUNT,
  HDR_FLAGS_HI,
  HDR_FLAGS_LO,
  HDR_ID,
  HDR_NSCOUNT,
  HDR_QDCOUNT,
  HEADER_LEN,
  LABEL_TAG_MASK,
  MAX_NAME_LEN,
  MAX_POINTER,
  MAX_TTL,
  POINTER_BITS,
  QTYPE,
  QUESTION_FIXED_LEN,
  RCODE_MASK,
  RR_CLASS_AT,
  RR_FIXED_LEN,
  RR_RDLENGTH_AT,
  RR_TTL_AT,
  SOA_FIXED_LEN,
} from './constants.js';

/** Offset just past the (possibly compressed) name at `off`, or -1 when it is malformed. */
export function skipName(buf: Uint8Array, off: number): number {
  const start = off;
  let octets = 1;
  for (;;) {
    if (off >= buf.length) return -1;
    const len = buf[off]!;
    if (len === 0) return off + 1;
    if ((len & LABEL_TAG_MASK) === POINTER_BITS) {
      if (off + 1 >= buf.length) return -1;
      // A pointer must aim backwards at a place before this name began, which
      // also rules out loops without following the chain.
      const target = ((len << 8) | buf[off + 1]!) & MAX_POINTER;
      if (target < HEADER_LEN || target >= start) return -1;
      return off + 2;
    }
    if (len & LABEL_TAG_MASK) return -1;
    octets += len + 1;
    if (octets > MAX_NAME_LEN) return -1;
    off += len + 1;
  }
}

export interface MessageScan {
  id: number;
  /** header octet 2 (QR, OPCODE, AA, TC, RD) */
  flagsHi: number;
  /** header octet 3 (RA, AD, CD, RCODE) */
  flagsLo: number;
  rcode: number;
  qdcount: number;
  ancount: number;
  nscount: number;
  arcount: number;
  /** offset just past the first question, or HEADER_LEN when there is none */
  questionEnd: number;
  /** offsets of every RR's TTL field except OPT's */
  ttlOffsets: number[];
  /** smallest TTL over all RRs except OPT; -1 when there are none */
  minTtl: number;
  /** min(SOA TTL, SOA MINIMUM) of the first SOA in AUTHORITY; -1 when absent */
  negativeTtl: number;
  /** start and end of the OPT RR in ADDITIONAL; -1 when absent */
  optStart: number;
  optEnd: number;
  /** TTL field of the OPT RR (extended RCODE, version, DO bit) */
  optTtl: number;
  /** the OPT's UDP payload size */
  optUdpSize: number;
}

/**
 * Walks a whole message. Returns null when any section runs past the end, a
 * name is malformed, or bytes are left over (a strict parser's view).
 */
export function scanMessage(buf: Uint8Array): MessageScan | null {
  if (buf.length < HEADER_LEN) return null;
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const scan: MessageScan = {
    id: dv.getUint16(HDR_ID),
    flagsHi: buf[HDR_FLAGS_HI]!,
    flagsLo: buf[HDR_FLAGS_LO]!,
    rcode: buf[HDR_FLAGS_LO]! & RCODE_MASK,
    qdcount: dv.getUint16(HDR_QDCOUNT),
    ancount: dv.getUint16(HDR_ANCOUNT),
    nscount: dv.getUint16(HDR_NSCOUNT),
    arcount: dv.getUint16(HDR_ARCOUNT),
    questionEnd: HEADER_LEN,
    ttlOffsets: [],
    minTtl: -1,
    negativeTtl: -1,
    optStart: -1,
    optEnd: -1,
    optTtl: 0,
    optUdpSize: 0,
  };
  let off = HEADER_LEN;
  for (let i = 0; i < scan.qdcount; i++) {
    off = skipName(buf, off);
    if (off < 0 || off + QUESTION_FIXED_LEN > buf.length) return null;
    off += QUESTION_FIXED_LEN;
    if (i === 0) scan.questionEnd = off;
  }
  const rrTotal = scan.ancount + scan.nscount + scan.arcount;
  const authorityStart = scan.ancount;
  const additionalStart = scan.ancount + scan.nscount;
  for (let i = 0; i < rrTotal; i++) {
    const rrStart = off;
    off = skipName(buf, off);
    if (off < 0 || off + RR_FIXED_LEN > buf.length) return null;
    const type = dv.getUint16(off);
    const ttl = dv.getUint32(off + RR_TTL_AT);
    const rdlen = dv.getUint16(off + RR_RDLENGTH_AT);
    const rdata = off + RR_FIXED_LEN;
    const end = rdata + rdlen;
    if (end > buf.length) return null;
    if (type === QTYPE.OPT) {
      // Only one OPT, owned by the root, in ADDITIONAL (RFC 6891 §6.1.1).
      if (i < additionalStart || scan.optStart >= 0 || buf[rrStart] !== 0) return null;
      scan.optStart = rrStart;
      scan.optEnd = end;
      scan.optTtl = ttl;
      scan.optUdpSize = dv.getUint16(off + RR_CLASS_AT);
    } else {
      scan.ttlOffsets.push(off + RR_TTL_AT);
      const clamped = ttl > MAX_TTL ? 0 : ttl;
      if (scan.minTtl < 0 || clamped < scan.minTtl) scan.minTtl = clamped;
      if (type === QTYPE.SOA && i >= authorityStart && i < additionalStart && scan.negativeTtl < 0) {
        const mEnd = skipName(buf, rdata);
        const rEnd = mEnd < 0 ? -1 : skipName(buf, mEnd);
        if (rEnd < 0 || rEnd + SOA_FIXED_LEN !== end) return null;
        const minimum = dv.getUint32(rEnd + SOA_FIXED_LEN - 4);
        scan.negativeTtl = Math.min(clamped, minimum > MAX_TTL ? 0 : minimum);
      }
    }
    off = end;
  }
  return off === buf.length ? scan : null;
}

/** True when both messages carry the same first question (name compared case-insensitively). */
export function sameQuestion(a: Uint8Array, aEnd: number, b: Uint8Array, bEnd: number): boolean {
  if (aEnd !== bEnd || aEnd <= HEADER_LEN) return false;
  const nameEnd = aEnd - 4;
  for (let i = HEADER_LEN; i < aEnd; i++) {
    if (i >= nameEnd) {
      if (a[i] !== b[i]) return false;
      continue;
    }
    let x = a[i]!;
    let y = b[i]!;
    if (x >= 0x41 && x <= 0x5a) x |= 0x20;
    if (y >= 0x41 && y <= 0x5a) y |= 0x20;
    if (x !== y) return false;
  }
  return true;
}
