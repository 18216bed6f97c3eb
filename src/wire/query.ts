/**
 * The allocation-free query reader used on the hot path. A query is read into
 * one reusable `ParsedQuery`; nothing here builds strings or objects per query.
 */
import {
  HDR_ANCOUNT,
  HDR_ARCOUNT,
  HDR_NSCOUNT,
  HDR_QDCOUNT,
  HEADER_LEN,
  LABEL_TAG_MASK,
  MAX_NAME_LEN,
  OPT_TTL_DO,
  QTYPE,
  QUESTION_FIXED_LEN,
  RR_CLASS_AT,
  RR_FIXED_LEN,
  RR_RDLENGTH_AT,
  RR_TTL_AT,
} from './constants.js';
import { skipName } from './scan.js';

/** Outcome of `parseQuery`. */
export const PARSE_OK = 0;
export const PARSE_BAD = 1;

/** One query as read from the wire; reused across calls (the hot path allocates nothing). */
export interface ParsedQuery {
  /** offset just past QNAME's terminating zero octet */
  qnameEnd: number;
  /** offset just past QCLASS */
  questionEnd: number;
  qtype: number;
  qclass: number;
  /** offsets (relative to 12) where each QNAME label starts */
  labelStarts: Uint8Array;
  labelCount: number;
  hasOpt: boolean;
  /** requestor's UDP payload size from the OPT CLASS field (raw, not clamped) */
  udpSize: number;
  ednsVersion: number;
  /** the DO bit, copied into our OPT as RFC 3225 asks */
  ednsDo: boolean;
}

export function newParsedQuery(): ParsedQuery {
  return {
    qnameEnd: 0,
    questionEnd: 0,
    qtype: 0,
    qclass: 0,
    labelStarts: new Uint8Array(128),
    labelCount: 0,
    hasOpt: false,
    udpSize: 0,
    ednsVersion: 0,
    ednsDo: false,
  };
}

/**
 * Reads the single question at offset 12. Compression pointers are refused:
 * the only earlier bytes are the header, so a pointer in a query's QNAME is
 * either a loop, a forward reference or nonsense.
 */
export function parseQuestion(buf: Uint8Array, q: ParsedQuery): number {
  const n = buf.length;
  let off = HEADER_LEN;
  let labels = 0;
  for (;;) {
    if (off >= n) return PARSE_BAD;
    const len = buf[off]!;
    if (len === 0) break;
    if (len & LABEL_TAG_MASK) return PARSE_BAD;
    q.labelStarts[labels++] = off - HEADER_LEN;
    off += len + 1;
    if (off - HEADER_LEN + 1 > MAX_NAME_LEN) return PARSE_BAD;
  }
  off++;
  if (off + QUESTION_FIXED_LEN > n) return PARSE_BAD;
  q.labelCount = labels;
  q.qnameEnd = off;
  q.qtype = u16(buf, off);
  q.qclass = u16(buf, off + 2);
  q.questionEnd = off + QUESTION_FIXED_LEN;
  return PARSE_OK;
}

/**
 * Walks the records after the question (a query normally has only an OPT in
 * ADDITIONAL) and reads the OPT RR. More than one OPT, an OPT whose owner is not
 * the root, records running past the end of the message, or bytes left after
 * the last record make it malformed: a query is judged the same way whether it
 * is answered here or forwarded.
 */
export function parseRecords(buf: Uint8Array, q: ParsedQuery): number {
  q.hasOpt = false;
  q.udpSize = 0;
  q.ednsVersion = 0;
  q.ednsDo = false;
  const an = u16(buf, HDR_ANCOUNT);
  const ns = u16(buf, HDR_NSCOUNT);
  const ar = u16(buf, HDR_ARCOUNT);
  const total = an + ns + ar;
  const n = buf.length;
  let off = q.questionEnd;
  for (let i = 0; i < total; i++) {
    const ownerAt = off;
    off = skipName(buf, off);
    if (off < 0 || off + RR_FIXED_LEN > n) return PARSE_BAD;
    const type = u16(buf, off);
    const rdlen = u16(buf, off + RR_RDLENGTH_AT);
    if (type === QTYPE.OPT && i >= an + ns) {
      if (q.hasOpt || buf[ownerAt] !== 0) return PARSE_BAD;
      q.hasOpt = true;
      // RFC 6891 §6.1.3: CLASS is the payload size; the TTL holds extended RCODE, version, DO.
      q.udpSize = u16(buf, off + RR_CLASS_AT);
      q.ednsVersion = buf[off + RR_TTL_AT + 1]!;
      q.ednsDo = (u16(buf, off + RR_TTL_AT + 2) & OPT_TTL_DO) !== 0;
    }
    off += RR_FIXED_LEN + rdlen;
    if (off > n) return PARSE_BAD;
  }
  return off === n ? PARSE_OK : PARSE_BAD;
}

/** Reads question and records of a query whose header says QDCOUNT = 1. */
export function parseQuery(buf: Uint8Array, q: ParsedQuery): number {
  if (buf.length < HEADER_LEN || u16(buf, HDR_QDCOUNT) !== 1) return PARSE_BAD;
  if (parseQuestion(buf, q) !== PARSE_OK) return PARSE_BAD;
  return parseRecords(buf, q);
}

function u16(buf: Uint8Array, off: number): number {
  return (buf[off]! << 8) | buf[off + 1]!;
}
