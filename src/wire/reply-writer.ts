/**
 * Writes one reply into a reusable scratch buffer under a size limit, whole
 * RRs only, then copies out exactly the bytes used. One instance serves every
 * query of a thread (answer() is synchronous, so it is never shared mid-reply).
 *
 * Truncation follows RFC 2181 §9, with the section walk of miekg/dns
 * `Msg.Truncate`: sections are filled in order (ANSWER, AUTHORITY,
 * ADDITIONAL) and a record that does not fit ends its section. Unlike that
 * model, which cannot tell required records from extra ones and so sets TC
 * for any omission, we know: an ANSWER or AUTHORITY record left out makes the
 * reply truncated (TC, and nothing more is written), while ADDITIONAL records
 * are extra information whose absence "should not" set TC. A client that sees
 * TC discards the reply and asks again over TCP, so TC for glue alone would
 * cost every client a TCP round trip for records it can do without.
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
  OPT_RR_LEN,
  POINTER_LEN,
  POINTER_TAG,
  TCP_LIMIT,
} from './constants.js';
import { writeOpt } from './reply.js';

export const SECTION_ANSWER = 0;
export const SECTION_AUTHORITY = 1;
export const SECTION_ADDITIONAL = 2;

export class ReplyWriter {
  readonly out = Buffer.allocUnsafe(TCP_LIMIT);
  pos = 0;
  /** bytes usable by RRs (the limit minus room kept for the OPT RR) */
  avail = 0;
  /**
   * An ANSWER or AUTHORITY RR did not fit: the reply gets TC, and nothing more is written, so no later RR
   * jumps the queue. An ADDITIONAL RR that does not fit is only refused (see the class comment).
   */
  truncated = false;
  an = 0;
  ns = 0;
  ar = 0;
  section = SECTION_ANSWER;

  /** Starts a reply: copies the question `query[12, questionEnd)` (none when questionEnd is 12). */
  begin(query: Uint8Array, questionEnd: number, limit: number, withOpt: boolean): void {
    const out = this.out;
    for (let i = HEADER_LEN; i < questionEnd; i++) out[i] = query[i]!;
    this.pos = questionEnd;
    this.avail = Math.min(limit, TCP_LIMIT) - (withOpt ? OPT_RR_LEN : 0);
    this.truncated = false;
    this.an = 0;
    this.ns = 0;
    this.ar = 0;
    this.section = SECTION_ANSWER;
  }

  /** An RR that does not fit: the end of the reply, unless it is extra information (ADDITIONAL). */
  private refuse(): false {
    if (this.section !== SECTION_ADDITIONAL) this.truncated = true;
    return false;
  }

  private count(): void {
    if (this.section === SECTION_ANSWER) this.an++;
    else if (this.section === SECTION_AUTHORITY) this.ns++;
    else this.ar++;
  }

  /** Appends an RR whose owner is the compression pointer `ptr` and whose rest is `src[off, off+len)`. */
  rr(ptr: number, src: Uint8Array, off: number, len: number): boolean {
    let p = this.pos;
    if (this.truncated || p + POINTER_LEN + len > this.avail) return this.refuse();
    const out = this.out;
    writeU16(out, p, POINTER_TAG | ptr);
    p += POINTER_LEN;
    if (len <= 48) {
      for (let i = 0; i < len; i++) out[p + i] = src[off + i]!;
    } else {
      out.set(src.subarray(off, off + len), p);
    }
    this.pos = p + len;
    this.count();
    return true;
  }

  /** Appends an RR with an uncompressed owner name copied from `src[nameOff, nameOff+nameLen)`. */
  rrNamed(src: Uint8Array, nameOff: number, nameLen: number, off: number, len: number): boolean {
    const p = this.pos;
    if (this.truncated || p + nameLen + len > this.avail) return this.refuse();
    this.out.set(src.subarray(nameOff, nameOff + nameLen), p);
    this.out.set(src.subarray(off, off + len), p + nameLen);
    this.pos = p + nameLen + len;
    this.count();
    return true;
  }

  /**
   * Writes the header (ID from the query, the given flag octets and counts),
   * the OPT RR when `optSize` > 0, and returns a copy of the reply.
   */
  finish(
    query: Uint8Array,
    flags2: number,
    flags3: number,
    hasQuestion: boolean,
    optSize: number,
    extRcode: number,
    dnssecOk: boolean,
  ): Buffer {
    const out = this.out;
    let end = this.pos;
    const ar = this.ar + (optSize > 0 ? 1 : 0);
    if (optSize > 0) end = writeOpt(out, end, optSize, extRcode, dnssecOk);
    out[HDR_ID] = query[HDR_ID]!;
    out[HDR_ID + 1] = query[HDR_ID + 1]!;
    out[HDR_FLAGS_HI] = flags2;
    out[HDR_FLAGS_LO] = flags3;
    writeU16(out, HDR_QDCOUNT, hasQuestion ? 1 : 0);
    writeU16(out, HDR_ANCOUNT, this.an);
    writeU16(out, HDR_NSCOUNT, this.ns);
    writeU16(out, HDR_ARCOUNT, ar);
    const reply = Buffer.allocUnsafe(end);
    out.copy(reply, 0, 0, end);
    return reply;
  }
}

function writeU16(out: Uint8Array, off: number, v: number): void {
  out[off] = v >> 8;
  out[off + 1] = v & 0xff;
}
