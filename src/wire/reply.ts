/**
 * Replies built outside the record table: header-plus-question error replies
 * and the OPT RR we attach to replies to EDNS queries.
 */
import {
  CD,
  HDR_ARCOUNT,
  HDR_FLAGS_HI,
  HDR_FLAGS_LO,
  HDR_ID,
  HDR_QDCOUNT,
  HEADER_LEN,
  OPCODE,
  OPCODE_MASK,
  OPCODE_SHIFT,
  OPT_RR_LEN,
  OPT_TTL_DO,
  QR,
  QTYPE,
  RCODE,
  RCODE_MASK,
  RD,
  RR_CLASS_AT,
  RR_TTL_AT,
  TCP_LIMIT,
  UDP_DEFAULT_LIMIT,
} from './constants.js';
import { PARSE_OK, newParsedQuery, parseQuery } from './query.js';

/**
 * A header-plus-question reply with the given RCODE (< 16), echoing ID, opcode,
 * RD and CD (RD/CD only for QUERY, as other opcodes define those bits
 * differently). Without a readable question the reply carries none.
 */
export function errorReply(query: Uint8Array, rcode: number, questionEnd: number): Buffer {
  const qlen = questionEnd > HEADER_LEN ? questionEnd - HEADER_LEN : 0;
  const out = Buffer.alloc(HEADER_LEN + qlen);
  out[HDR_ID] = query[HDR_ID]!;
  out[HDR_ID + 1] = query[HDR_ID + 1]!;
  const opcode = (query[HDR_FLAGS_HI]! >> OPCODE_SHIFT) & OPCODE_MASK;
  const isQuery = opcode === OPCODE.QUERY;
  out[HDR_FLAGS_HI] = QR | (opcode << OPCODE_SHIFT) | (isQuery ? query[HDR_FLAGS_HI]! & RD : 0);
  out[HDR_FLAGS_LO] = (isQuery ? query[HDR_FLAGS_LO]! & CD : 0) | (rcode & RCODE_MASK);
  if (qlen > 0) {
    out[HDR_QDCOUNT + 1] = 1;
    out.set(query.subarray(HEADER_LEN, questionEnd), HEADER_LEN);
  }
  return out;
}

/**
 * Writes an OPT RR without options at `off` (RFC 6891 §6.1.2: root owner;
 * CLASS is the UDP payload size; TTL holds the extended RCODE, version 0 and
 * the DO bit); returns the offset after it.
 */
export function writeOpt(out: Uint8Array, off: number, udpSize: number, extRcode: number, dnssecOk: boolean): number {
  out.fill(0, off, off + OPT_RR_LEN);
  const rr = off + 1;
  out[rr + 1] = QTYPE.OPT;
  out[rr + RR_CLASS_AT] = udpSize >> 8;
  out[rr + RR_CLASS_AT + 1] = udpSize & 0xff;
  out[rr + RR_TTL_AT] = extRcode;
  if (dnssecOk) out[rr + RR_TTL_AT + 2] = OPT_TTL_DO >> 8;
  return off + OPT_RR_LEN;
}

/**
 * SERVFAIL for a query answered outside `answer()` (e.g. every upstream
 * failed): echoes ID, opcode, RD, CD and the question, plus an OPT advertising
 * `ednsUdpSize` when the query had one (RFC 6891 §7). Null when the query has
 * no readable single question, so the caller knows it cannot reply usefully.
 */
export function servfailFor(query: Buffer, ednsUdpSize = 1232): Buffer | null {
  if (query.length < HEADER_LEN) return null;
  const q = newParsedQuery();
  if (parseQuery(query, q) !== PARSE_OK) return null;
  const base = errorReply(query, RCODE.SERVFAIL, q.questionEnd);
  if (!q.hasOpt) return base;
  const out = Buffer.alloc(base.length + OPT_RR_LEN);
  base.copy(out);
  out[HDR_ARCOUNT + 1] = 1;
  writeOpt(out, base.length, Math.max(UDP_DEFAULT_LIMIT, Math.min(ednsUdpSize | 0, TCP_LIMIT)), 0, q.ednsDo);
  return out;
}
