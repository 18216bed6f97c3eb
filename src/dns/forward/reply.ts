/**
 * What a client gets from the forwarder: its reply built from what we keep of
 * an upstream reply (fresh or cached), or an error reply. Every reply carries
 * our own OPT when the client sent one, and never an upstream's: the OPT is
 * hop-by-hop (RFC 6891 §6.1.1), and its options (COOKIE, NSID, client subnet)
 * belong to one client–server pair (RFC 7873).
 */
import {
  CD,
  HDR_ANCOUNT,
  HDR_ARCOUNT,
  HDR_FLAGS_HI,
  HDR_FLAGS_LO,
  HDR_ID,
  HDR_NSCOUNT,
  HDR_QDCOUNT,
  HEADER_LEN,
  OPT_RR_LEN,
  RD,
  TC,
} from '../../wire/constants.js';
import { errorReply, writeOpt } from '../../wire/reply.js';
import { scanMessage, type MessageScan } from '../../wire/scan.js';
import type { ForwardRequest } from '../answer/verdict.js';
import type { VerifiedReply } from './verify.js';

/** Where the extended RCODE sits in an OPT RR's TTL field (RFC 6891 §6.1.3). */
const EXT_RCODE_SHIFT = 24;

/** What is kept of a verified upstream reply, for the clients waiting now and for the cache. */
export interface UpstreamAnswer {
  /** the upstream's message without its OPT RR, in memory of its own */
  msg: Buffer;
  /** the scan of `msg` */
  scan: MessageScan;
  /** the upper eight bits of the RCODE, from the upstream's OPT */
  extRcode: number;
}

/** What of the client's query shapes its reply; its header and question are in the query bytes. */
export type ClientSide = Pick<ForwardRequest, 'questionEnd' | 'edns' | 'dnssecOk' | 'limit'>;

export interface ReplyOptions {
  /** the UDP payload size our OPT advertises (`ednsMaxUdpSize`) */
  udpSize: number;
  setTruncateBit: boolean;
}

/**
 * `reply` without its OPT RR (null in the odd case where the rest no longer
 * parses). The copy has an ArrayBuffer of its own, so that a cached answer
 * holds exactly its own bytes and not a shared pool slab.
 */
export function keepAnswer(reply: VerifiedReply): UpstreamAnswer | null {
  const { msg, scan } = reply;
  if (scan.optStart < 0) {
    const own = Buffer.allocUnsafeSlow(msg.length);
    msg.copy(own);
    return { msg: own, scan, extRcode: 0 };
  }
  const own = Buffer.allocUnsafeSlow(msg.length - (scan.optEnd - scan.optStart));
  msg.copy(own, 0, 0, scan.optStart);
  msg.copy(own, scan.optStart, scan.optEnd);
  own.writeUInt16BE(scan.arcount - 1, HDR_ARCOUNT);
  const kept = scanMessage(own);
  return kept === null ? null : { msg: own, scan: kept, extRcode: scan.optTtl >>> EXT_RCODE_SHIFT };
}

/** False when the whole answer (and our OPT) exceeds what the client accepts, so its reply is truncated. */
export function replyFits(answer: UpstreamAnswer, client: ClientSide): boolean {
  return answer.msg.length + (client.edns ? OPT_RR_LEN : 0) <= client.limit;
}

/**
 * The client's reply to `query` from `answer`: the client's ID, RD, CD and
 * question bytes (its 0x20 case), the upstream's other flags, RCODE and
 * records with their TTLs lowered by `ageSeconds`, and our OPT (the client's
 * DO, the upstream's extended RCODE) when the client sent one. When that does
 * not fit the client's limit: header and question, TC=1, no records, our OPT
 * (RFC 6891 §7), so the client asks again over TCP. `answer` and `query` carry
 * the same question (same key), so their question sections have one length.
 */
export function replyFor(
  answer: UpstreamAnswer,
  query: Buffer,
  client: ClientSide,
  ageSeconds: number,
  opts: ReplyOptions,
): Buffer {
  const optLen = client.edns ? OPT_RR_LEN : 0;
  if (!replyFits(answer, client)) {
    const out = Buffer.alloc(client.questionEnd + optLen);
    answer.msg.copy(out, 0, 0, HEADER_LEN);
    out.writeUInt16BE(1, HDR_QDCOUNT);
    out.writeUInt16BE(0, HDR_ANCOUNT);
    out.writeUInt16BE(0, HDR_NSCOUNT);
    out.writeUInt16BE(optLen > 0 ? 1 : 0, HDR_ARCOUNT);
    out[HDR_FLAGS_HI]! |= TC;
    identify(out, query, client.questionEnd, opts.setTruncateBit);
    if (optLen > 0) writeOpt(out, client.questionEnd, opts.udpSize, answer.extRcode, client.dnssecOk);
    return out;
  }
  const out = Buffer.allocUnsafe(answer.msg.length + optLen);
  answer.msg.copy(out);
  identify(out, query, client.questionEnd, opts.setTruncateBit);
  if (ageSeconds > 0) {
    for (const off of answer.scan.ttlOffsets) {
      const ttl = out.readUInt32BE(off);
      out.writeUInt32BE(ttl > ageSeconds ? ttl - ageSeconds : 0, off);
    }
  }
  if (optLen > 0) {
    out.writeUInt16BE(answer.scan.arcount + 1, HDR_ARCOUNT);
    writeOpt(out, answer.msg.length, opts.udpSize, answer.extRcode, client.dnssecOk);
  }
  return out;
}

/** An error reply (REFUSED, SERVFAIL) to `query`, with our OPT when the client sent one (RFC 6891 §7). */
export function errorFor(query: Buffer, client: ClientSide, rcode: number, udpSize: number): Buffer {
  const base = errorReply(query, rcode, client.questionEnd);
  if (!client.edns) return base;
  const out = Buffer.alloc(base.length + OPT_RR_LEN);
  base.copy(out);
  out.writeUInt16BE(1, HDR_ARCOUNT);
  writeOpt(out, base.length, udpSize, 0, client.dnssecOk);
  return out;
}

/**
 * The client's ID, RD, CD and question on a reply; TC cleared when the
 * operator turned `SetTruncateBit` off (as Go does).
 */
function identify(out: Buffer, query: Buffer, questionEnd: number, setTruncateBit: boolean): void {
  out[HDR_ID] = query[HDR_ID]!;
  out[HDR_ID + 1] = query[HDR_ID + 1]!;
  out[HDR_FLAGS_HI] = (out[HDR_FLAGS_HI]! & ~RD) | (query[HDR_FLAGS_HI]! & RD);
  if (!setTruncateBit) out[HDR_FLAGS_HI]! &= ~TC;
  out[HDR_FLAGS_LO] = (out[HDR_FLAGS_LO]! & ~CD) | (query[HDR_FLAGS_LO]! & CD);
  query.copy(out, HEADER_LEN, HEADER_LEN, questionEnd);
}
