import { HDR_FLAGS_HI, HDR_ID, HEADER_LEN, OPCODE, OPCODE_MASK, OPCODE_SHIFT, QR } from '../../wire/constants.js';
import { sameQuestion, scanMessage, type MessageScan } from '../../wire/scan.js';

/** An upstream reply that passed every check of `verifyReply`, with its scan. */
export interface VerifiedReply {
  msg: Buffer;
  scan: MessageScan;
}

/** Called once per attempt: the verified reply, or null and why the attempt failed. */
export type AttemptCallback = (reply: VerifiedReply | null, failure: string) => void;

/** Told of every upstream message an attempt ignored (wrong source, ID or question; unreadable). */
export type IgnoredCallback = () => void;

/**
 * The scan of `msg` when it answers `sent`: the same ID, QR=1, opcode QUERY,
 * exactly one question equal to ours (name compared case-insensitively), and
 * a message that parses whole; otherwise null, and the message must be
 * ignored without ending the attempt, so a spoofer can neither plant an answer
 * nor cut an exchange short (RFC 5452 §9.1). The source address and port are
 * the transport's to check.
 */
export function verifyReply(msg: Buffer, sent: Buffer, sentQuestionEnd: number): MessageScan | null {
  if (msg.length < HEADER_LEN || msg[HDR_ID] !== sent[HDR_ID] || msg[HDR_ID + 1] !== sent[HDR_ID + 1]) return null;
  const flags = msg[HDR_FLAGS_HI]!;
  if ((flags & QR) === 0 || ((flags >> OPCODE_SHIFT) & OPCODE_MASK) !== OPCODE.QUERY) return null;
  const scan = scanMessage(msg);
  if (scan === null || scan.qdcount !== 1) return null;
  return sameQuestion(msg, scan.questionEnd, sent, sentQuestionEnd) ? scan : null;
}
