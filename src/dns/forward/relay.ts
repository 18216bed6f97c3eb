import { HEADER_SIZE, type MessageScan } from '../../wire/scan.js';

const TC = 0x02;
/** An OPT RR without options: root name, type 41, payload size, ext-rcode/flags, rdlen 0. */
const BARE_OPT_SIZE = 11;

/**
 * Shapes an upstream reply (already re-identified with the client's ID) for the
 * client: clears TC when the operator turned `SetTruncateBit` off (as Go does)
 * and, when the reply is larger than the client accepts over UDP, replaces it
 * with a correct truncated reply instead of sending it oversize.
 */
export function fitReply(reply: Buffer, scan: MessageScan, limit: number, setTruncateBit: boolean): Buffer {
  if (reply.length > limit) return truncateReply(reply, scan, limit, setTruncateBit);
  if (!setTruncateBit) reply[2]! &= ~TC;
  return reply;
}

/**
 * Header + first question, TC=1, and the reply's OPT (RFC 6891 §7: a truncated
 * reply to an EDNS query still carries OPT); the OPT's options are dropped only
 * if they would not fit.
 */
export function truncateReply(reply: Buffer, scan: MessageScan, limit: number, setTruncateBit: boolean): Buffer {
  const qEnd = scan.qdcount > 0 ? scan.questionEnd : HEADER_SIZE;
  let optLen = 0;
  if (scan.optStart >= 0) {
    const full = scan.optEnd - scan.optStart;
    optLen = qEnd + full <= limit ? full : BARE_OPT_SIZE;
  }
  const out = Buffer.allocUnsafe(qEnd + optLen);
  reply.copy(out, 0, 0, qEnd);
  out.writeUInt16BE(scan.qdcount > 0 ? 1 : 0, 4);
  out.writeUInt16BE(0, 6);
  out.writeUInt16BE(0, 8);
  out.writeUInt16BE(optLen > 0 ? 1 : 0, 10);
  if (setTruncateBit) out[2]! |= TC;
  else out[2]! &= ~TC;
  if (optLen === BARE_OPT_SIZE && scan.optEnd - scan.optStart !== BARE_OPT_SIZE) {
    // Name, type, size and TTL are the first 9 bytes of the OPT; rdlen becomes 0.
    reply.copy(out, qEnd, scan.optStart, scan.optStart + 9);
    out.writeUInt16BE(0, qEnd + 9);
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
  out[0] = query[0]!;
  out[1] = query[1]!;
  if (queryQuestionEnd === questionEnd) query.copy(out, HEADER_SIZE, HEADER_SIZE, questionEnd);
  if (ageSeconds > 0) {
    for (const off of ttlOffsets) {
      const ttl = out.readUInt32BE(off);
      out.writeUInt32BE(ttl > ageSeconds ? ttl - ageSeconds : 0, off);
    }
  }
  return out;
}
