import {
  CD,
  HDR_ARCOUNT,
  HDR_FLAGS_HI,
  HDR_FLAGS_LO,
  HDR_QDCOUNT,
  HEADER_LEN,
  OPT_RR_LEN,
  RD,
} from '../../wire/constants.js';
import { writeOpt } from '../../wire/reply.js';
import type { ForwardRequest } from '../answer/verdict.js';

/** What of a client's query decides the question we ask upstream. */
export type AskedQuestion = Pick<
  ForwardRequest,
  'qnameEnd' | 'questionEnd' | 'qtype' | 'qclass' | 'dnssecOk' | 'checkingDisabled'
>;

/**
 * The key two client queries share exactly when we would ask upstream the
 * same thing: QNAME's wire bytes with ASCII upper case folded (RFC 4343),
 * QTYPE, QCLASS, DO and CD. Wire bytes keep the length octets, so a one-label
 * name holding `www.google.com` never shares a key with the three-label name.
 * Both the cache and the merging of queries in flight use it.
 */
export function questionKey(query: Uint8Array, q: AskedQuestion): string {
  let key = '';
  for (let i = HEADER_LEN; i < q.qnameEnd; i++) {
    let b = query[i]!;
    if (b >= 0x41 && b <= 0x5a) b |= 0x20;
    key += String.fromCharCode(b);
  }
  const bits = (q.dnssecOk ? 1 : 0) | (q.checkingDisabled ? 2 : 0);
  return key + String.fromCharCode(q.qtype >> 8, q.qtype & 0xff, q.qclass >> 8, q.qclass & 0xff, bits);
}

/**
 * The query we send upstream for a client's question, ID 0 (each attempt
 * writes its own): RD=1, the client's CD, the question as the client wrote it,
 * and our own OPT with `udpSize` and the client's DO. Nothing else of the
 * client's query goes upstream: not its ID, not its EDNS options (COOKIE,
 * NSID, client subnet), not its UDP size (RFC 7873 §5.1: a cookie belongs to
 * one client–server pair; RFC 6891 §6.1.1: an OPT is never forwarded).
 */
export function upstreamQuery(query: Uint8Array, q: AskedQuestion, udpSize: number): Buffer {
  const out = Buffer.alloc(q.questionEnd + OPT_RR_LEN);
  out[HDR_FLAGS_HI] = RD;
  if (q.checkingDisabled) out[HDR_FLAGS_LO] = CD;
  out.writeUInt16BE(1, HDR_QDCOUNT);
  out.writeUInt16BE(1, HDR_ARCOUNT);
  out.set(query.subarray(HEADER_LEN, q.questionEnd), HEADER_LEN);
  writeOpt(out, q.questionEnd, udpSize, 0, q.dnssecOk);
  return out;
}
