import {
  HDR_ANCOUNT,
  HDR_ARCOUNT,
  HDR_FLAGS_HI,
  HDR_ID,
  HDR_NSCOUNT,
  HDR_QDCOUNT,
  HEADER_LEN,
  OPT_RR_LEN,
  RR_RDLENGTH_AT,
  TC,
} from '../../wire/constants.js';
import type { MessageScan } from '../../wire/scan.js';

/**
 * Shapes an upstream reply (already re-identified with the client's ID) for the
 * client: clears TC when the operator turned `SetTruncateBit` off (as Go does)
 * and, when the reply is larger than the client accepts over UDP, replaces it
 * with a correct truncated reply instead of sending it oversize.
 */
export function fitReply(reply: Buffer, scan: MessageScan, limit: number, setTruncateBit: boolean): Buffer {
  if (reply.length > limit) return truncateReply(reply, scan, limit, setTruncateBit);
  if (!setTruncateBit) reply[HDR_FLAGS_HI]! &= ~TC;
  return reply;
}

/**
 * Header + first question, TC=1, and the reply's OPT (RFC 6891 §7: a truncated
 * reply to an EDNS query still carries OPT); the OPT's options are dropped only
 * if they would not fit.
 */
export function truncateReply(reply: Buffer, scan: MessageScan, limit: number, setTruncateBit: boolean): Buffer {
  const qEnd = scan.qdcount > 0 ? scan.questionEnd : HEADER_LEN;
  let optLen = 0;
  if (scan.optStart >= 0) {
    const full = scan.optEnd - scan.optStart;
    optLen = qEnd + full <= limit ? full : OPT_RR_LEN;
  }
  const out = Buffer.allocUnsafe(qEnd + optLen);
  reply.copy(out, 0, 0, qEnd);
  out.writeUInt16BE(scan.qdcount > 0 ? 1 : 0, HDR_QDCOUNT);
  out.writeUInt16BE(0, HDR_ANCOUNT);
  out.writeUInt16BE(0, HDR_NSCOUNT);
  out.writeUInt16BE(optLen > 0 ? 1 : 0, HDR_ARCOUNT);
  if (setTruncateBit) out[HDR_FLAGS_HI]! |= TC;
  else out[HDR_FLAGS_HI]! &= ~TC;
  if (optLen === OPT_RR_LEN && scan.optEnd - scan.optStart !== OPT_RR_LEN) {
    // The root owner and the fixed fields up to RDLENGTH are kept; RDLENGTH becomes 0.
    const rdlengthAt = 1 + RR_RDLENGTH_AT;
    reply.copy(out, qEnd, scan.optStart, scan.optStart + rdlengthAt);
    out.writeUInt16BE(0, qEnd + rdlengthAt);
  } else if (optLen > 0) {
    reply.copy(out, qEnd, scan.optStart, scan.optEnd);
  }
  return out;
}

/**
 * A cached reply for a new client: a copy with the client's ID, the client's
 * question bytes (0x20 case), and every TTL lowered by the entry's age.
 */
export function replayCached(
  cached: Buffer,
  ttlOffsets: readonly number[],
  questionEnd: number,
  query: Buffer,
  queryQuestionEnd: number,
  ageSeconds: number,
): Buffer {
  const out = Buffer.from(cached);
  out[HDR_ID] = query[HDR_ID]!;
  out[HDR_ID + 1] = query[HDR_ID + 1]!;
  if (queryQuestionEnd === questionEnd) query.copy(out, HEADER_LEN, HEADER_LEN, questionEnd);
  if (ageSeconds > 0) {
    for (const off of ttlOffsets) {
      const ttl = out.readUInt32BE(off);
      out.writeUInt32BE(ttl > ageSeconds ? ttl - ageSeconds : 0, off);
    }
  }
  return out;
}
