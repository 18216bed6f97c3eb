/**
 * The hot path: one query's bytes + the current table → a complete reply, a
 * "forward this" verdict, or "drop". Pure apart from counters in ctx.stats and
 * the module's scratch buffers; no strings, JSON or object trees per query
 * (only the forward verdict carries a small object of what was parsed).
 */
import type { RecordTable } from '../../table/table.js';
import { NOT_FOUND, type TableView } from '../../table/live.js';
import { E, ENTRY_SLOTS, P, PTR_SLOTS, R, S, SRV_SLOTS } from '../../table/layout.js';
import { hostNameToWire } from '../../table/encode.js';
import {
  AA,
  CD,
  HDR_FLAGS_HI,
  HDR_FLAGS_LO,
  HDR_QDCOUNT,
  HEADER_LEN,
  MAX_POINTER,
  MAX_UDP_PAYLOAD,
  OPCODE,
  OPCODE_MASK,
  OPCODE_SHIFT,
  POINTER_LEN,
  QCLASS,
  QNAME_POINTER,
  QR,
  QTYPE,
  RA,
  RCODE,
  RCODE_MASK,
  RD,
  RR_AAAA_LEN,
  RR_A_LEN,
  RR_FIXED_LEN,
  SRV_FIXED_LEN,
  SRV_TARGET_AT,
  TC,
  TCP_LIMIT,
  UDP_DEFAULT_LIMIT,
} from '../../wire/constants.js';
import { PARSE_OK, newParsedQuery, parseQuery, parseQuestion } from '../../wire/query.js';
import { errorReply } from '../../wire/reply.js';
import { ReplyWriter, SECTION_ADDITIONAL, SECTION_AUTHORITY } from '../../wire/reply-writer.js';
import type { AnswerContext, ForwardRequest, Verdict } from './verdict.js';

const DROP: Verdict = Object.freeze({ kind: 'drop' });
/** Where the target name starts in a written SRV RR: owner pointer, fixed fields, priority, weight, port. */
const SRV_TARGET_IN_RR = POINTER_LEN + RR_FIXED_LEN + SRV_FIXED_LEN;
/** Where NSDNAME starts in a written NS RR: owner pointer, fixed fields. */
const NS_TARGET_IN_RR = POINTER_LEN + RR_FIXED_LEN;
/** Enough for every SRV RR a 65535-byte reply can hold (each takes ≥ 19 bytes). */
const MAX_GLUE = 4096;

const q = newParsedQuery();
const w = new ReplyWriter();
let rand: () => number = Math.random;
let perm = new Uint32Array(1024);
let seen = new Uint32Array(1024);
let stamp = 0;
const glueEntry = new Int32Array(MAX_GLUE);
const gluePtr = new Int32Array(MAX_GLUE);
const glueNameOff = new Int32Array(MAX_GLUE);
const glueNameLen = new Int32Array(MAX_GLUE);
let glueCount = 0;
let nullTableDomain: string | null = null;
let nullTableWire: Uint8Array | null = null;

function reply(buf: Buffer): Verdict {
  return { kind: 'reply', reply: buf };
}

/** Label-boundary, ASCII-case-insensitive suffix match of QNAME against the apex. */
function inDomain(query: Uint8Array, apex: Uint8Array): boolean {
  const qlen = q.qnameEnd - HEADER_LEN;
  const rel = qlen - apex.length;
  if (rel < 0) return false;
  if (rel > 0) {
    let boundary = false;
    for (let i = q.labelCount - 1; i >= 0 && q.labelStarts[i]! >= rel; i--)
      if (q.labelStarts[i] === rel) boundary = true;
    if (!boundary) return false;
  }
  for (let i = 0; i < apex.length; i++) {
    let b = query[HEADER_LEN + rel + i]!;
    if (b >= 0x41 && b <= 0x5a) b |= 0x20;
    if (b !== apex[i]) return false;
  }
  return true;
}

function permutation(n: number): Uint32Array {
  if (perm.length < n) perm = new Uint32Array(Math.max(n, perm.length * 2));
  for (let i = 0; i < n; i++) perm[i] = i;
  return perm;
}

/** Next index of a lazy Fisher–Yates: any prefix of the output is a uniform sample. */
function pick(p: Uint32Array, i: number, n: number): number {
  const j = i + Math.min(n - i - 1, Math.floor(rand() * (n - i)));
  const v = p[j]!;
  p[j] = p[i]!;
  p[i] = v;
  return v;
}

/** A fixed-size RRset (A or AAAA) in random order, owner `ptr`. */
function putShuffled(t: RecordTable, off: number, count: number, rrLen: number, ptr: number): void {
  const p = permutation(count);
  for (let i = 0; i < count; i++) if (!w.rr(ptr, t.u8, off + pick(p, i, count) * rrLen, rrLen)) return;
}

function putSrv(t: RecordTable, e: number): void {
  const u32 = t.u32;
  const count = u32[e + E.srvCount]!;
  const base = t.srvListOff + u32[e + E.srvIndex]! * SRV_SLOTS;
  const p = permutation(count);
  for (let i = 0; i < count; i++) {
    const s = base + pick(p, i, count) * SRV_SLOTS;
    const rrOff = u32[s + S.rrOff]!;
    const rrLen = u32[s + S.rrLen]!;
    const at = w.pos;
    if (!w.rr(QNAME_POINTER, t.u8, rrOff, rrLen)) return;
    const target = u32[s + S.targetEntry]!;
    if (target !== 0 && glueCount < MAX_GLUE) {
      glueEntry[glueCount] = target - 1;
      gluePtr[glueCount] = at + SRV_TARGET_IN_RR;
      glueNameOff[glueCount] = rrOff + SRV_TARGET_AT;
      glueNameLen[glueCount] = rrLen - SRV_TARGET_AT;
      glueCount++;
    }
  }
}

/** The PTR RRs of reverse entry `idx` in random order (no additional-section processing: RFC 1035 §3.3.12). */
function putPtr(t: RecordTable, idx: number): number {
  const u32 = t.u32;
  const e = t.entriesOff + idx * ENTRY_SLOTS;
  const count = u32[e + R.ptrCount]!;
  const base = t.ptrListOff + u32[e + R.ptrIndex]! * PTR_SLOTS;
  const p = permutation(count);
  for (let i = 0; i < count; i++) {
    const s = base + pick(p, i, count) * PTR_SLOTS;
    if (!w.rr(QNAME_POINTER, t.u8, u32[s + P.rrOff]!, u32[s + P.rrLen]!)) break;
  }
  return count;
}

/** The reverse entry (`ptrOn`) whose name is the query's, or -1. */
function reverseEntryOf(t: RecordTable | null, query: Uint8Array): number {
  if (t === null || t.reverseEntry === t.entryCount) return -1;
  const idx = t.find(query, HEADER_LEN, q.qnameEnd);
  return idx >= t.reverseEntry ? idx : -1;
}

function putNs(t: RecordTable): void {
  const at = w.pos;
  if (w.rr(QNAME_POINTER, t.u8, t.nsOff, t.nsLen) && t.nsGlueEntry >= 0 && glueCount < MAX_GLUE) {
    glueEntry[glueCount] = t.nsGlueEntry;
    gluePtr[glueCount] = at + NS_TARGET_IN_RR;
    glueNameOff[glueCount] = t.nsOff + RR_FIXED_LEN;
    glueNameLen[glueCount] = t.nsLen - RR_FIXED_LEN;
    glueCount++;
  }
}

function putGlueRR(t: RecordTable, k: number, off: number, len: number): boolean {
  const ptr = gluePtr[k]!;
  return ptr <= MAX_POINTER ? w.rr(ptr, t.u8, off, len) : w.rrNamed(t.u8, glueNameOff[k]!, glueNameLen[k]!, off, len);
}

/**
 * One glue RRset (the A or the AAAA records of target `k`), whole or not at all: a partial RRset would
 * look complete to a cache (RFC 2181 §5). Returns nothing: glue that does not fit is left out without TC.
 */
function putGlueRRset(t: RecordTable, k: number, off: number, count: number, rrLen: number): void {
  const markPos = w.pos;
  const markAr = w.ar;
  for (let i = 0; i < count; i++) {
    if (!putGlueRR(t, k, off + i * rrLen, rrLen)) {
      w.pos = markPos;
      w.ar = markAr;
      return;
    }
  }
}

/**
 * The complete A and AAAA RRsets of each target, in visit order. An RRset that does not fit is skipped and
 * the next one tried, so a small RRset after a large one still helps the client; none of this sets TC
 * (RFC 2181 §9: "The TC bit should not be set merely because some extra information could have been
 * included, but there was insufficient room. This includes the results of additional section processing.").
 */
function putGlue(t: RecordTable): void {
  w.section = SECTION_ADDITIONAL;
  if (seen.length < t.entryCount) seen = new Uint32Array(Math.max(seen.length * 2, t.entryCount));
  if (++stamp === 0xffffffff) {
    seen.fill(0);
    stamp = 1;
  }
  const u32 = t.u32;
  for (let k = 0; k < glueCount; k++) {
    const idx = glueEntry[k]!;
    if (seen[idx] === stamp) continue;
    seen[idx] = stamp;
    const e = t.entriesOff + idx * ENTRY_SLOTS;
    putGlueRRset(t, k, u32[e + E.aOff]!, u32[e + E.aCount]!, RR_A_LEN);
    putGlueRRset(t, k, u32[e + E.aaaaOff]!, u32[e + E.aaaaCount]!, RR_AAAA_LEN);
  }
}

/** Answer RRsets for `qtype` at entry `idx`; returns how many RRs the full answer holds (before truncation). */
function putAnswer(t: RecordTable, idx: number, qtype: number): number {
  const u32 = t.u32;
  const e = t.entriesOff + idx * ENTRY_SLOTS;
  const apex = idx === t.apexEntry;
  const ptr = QNAME_POINTER;
  const a = u32[e + E.aCount]!;
  const aaaa = u32[e + E.aaaaCount]!;
  const srv = u32[e + E.srvCount]!;
  switch (qtype) {
    case QTYPE.A:
      putShuffled(t, u32[e + E.aOff]!, a, RR_A_LEN, ptr);
      return a;
    case QTYPE.AAAA:
      putShuffled(t, u32[e + E.aaaaOff]!, aaaa, RR_AAAA_LEN, ptr);
      return aaaa;
    case QTYPE.SRV:
      putSrv(t, e);
      return srv;
    case QTYPE.SOA:
      if (!apex) return 0;
      w.rr(ptr, t.u8, t.soaAnswerOff, t.soaAnswerLen);
      return 1;
    case QTYPE.NS:
      if (!apex) return 0;
      putNs(t);
      return 1;
    case QTYPE.ANY:
      if (apex) {
        w.rr(ptr, t.u8, t.soaAnswerOff, t.soaAnswerLen);
        putNs(t);
      }
      putSrv(t, e);
      putShuffled(t, u32[e + E.aOff]!, a, RR_A_LEN, ptr);
      putShuffled(t, u32[e + E.aaaaOff]!, aaaa, RR_AAAA_LEN, ptr);
      return (apex ? 2 : 0) + srv + a + aaaa;
    default:
      return 0;
  }
}

function apexWire(table: TableView | null, domain: string): Uint8Array | null {
  if (table) return table.top.domainWire;
  if (domain !== nullTableDomain) {
    nullTableDomain = domain;
    nullTableWire = hostNameToWire(domain.toLowerCase());
  }
  return nullTableWire;
}

export function answer(query: Buffer, table: TableView | null, ctx: AnswerContext): Verdict {
  const stats = ctx.stats;
  if (query.length < HEADER_LEN || (query[HDR_FLAGS_HI]! & QR) !== 0) {
    stats.dropped++;
    return DROP;
  }
  if (((query[HDR_FLAGS_HI]! >> OPCODE_SHIFT) & OPCODE_MASK) !== OPCODE.QUERY) {
    stats.notimp++;
    const echo = query[HDR_QDCOUNT] === 0 && query[HDR_QDCOUNT + 1] === 1 && parseQuestion(query, q) === PARSE_OK;
    return reply(errorReply(query, RCODE.NOTIMP, echo ? q.questionEnd : HEADER_LEN));
  }
  if (parseQuery(query, q) !== PARSE_OK) {
    stats.formerr++;
    return reply(errorReply(query, RCODE.FORMERR, HEADER_LEN));
  }
  const qtype = q.qtype;
  stats.byQtype[qtype]!++;
  const tcp = ctx.transport === 'tcp';
  const apex = apexWire(table, ctx.domain);
  const local = apex !== null && inDomain(query, apex);
  const ourSize = Math.max(UDP_DEFAULT_LIMIT, Math.min(ctx.ednsMaxUdpSize | 0, MAX_UDP_PAYLOAD));
  const limit = tcp
    ? TCP_LIMIT
    : q.hasOpt
      ? Math.max(UDP_DEFAULT_LIMIT, Math.min(q.udpSize, ourSize))
      : UDP_DEFAULT_LIMIT;
  // The forwarder is the client's EDNS peer (it never passes the client's OPT on), so a version it does
  // not implement gets BADVERS here, forwarded name or not (RFC 6891 §6.1.3).
  const badVersion = q.hasOpt && q.ednsVersion > 0;
  // A reverse name we hold is answered here, although outside the domain; any other reverse name is forwarded.
  // Overlays are never made with ptrOn (refresh/pipeline.ts): the top table is the one holding reverse names.
  const reverse = local ? -1 : reverseEntryOf(table === null ? null : table.top, query);
  if (!local && reverse < 0 && ctx.externalOn && !badVersion) {
    const request: ForwardRequest = {
      qnameEnd: q.qnameEnd,
      questionEnd: q.questionEnd,
      qtype,
      qclass: q.qclass,
      edns: q.hasOpt,
      dnssecOk: q.ednsDo,
      checkingDisabled: (query[HDR_FLAGS_LO]! & CD) !== 0,
      limit,
    };
    return { kind: 'forward', request };
  }

  const optSize = q.hasOpt ? ourSize : 0;
  rand = ctx.random ?? Math.random;
  glueCount = 0;
  w.begin(query, q.questionEnd, limit, q.hasOpt);

  let rcode: number = RCODE.NOERROR;
  let aa = false;
  let ra = ctx.recursionAvailable;
  if (badVersion) {
    rcode = RCODE.BADVERS;
    ra = false;
    stats.formerr++;
  } else if (!local && reverse < 0) {
    rcode = RCODE.REFUSED;
    ra = false;
    stats.refused++;
  } else if (q.qclass !== QCLASS.IN && q.qclass !== QCLASS.ANY) {
    rcode = RCODE.REFUSED;
    stats.refused++;
  } else if (qtype === QTYPE.AXFR || qtype === QTYPE.IXFR) {
    rcode = RCODE.REFUSED;
    stats.refused++;
  } else if (table === null) {
    rcode = RCODE.SERVFAIL;
    stats.servfail++;
  } else if (reverse >= 0) {
    // The PTR records are ours, so the answer is authoritative; other types get NODATA without an SOA, as we
    // hold none for in-addr.arpa or ip6.arpa (RFC 2308 §5: such a reply is not cached).
    aa = true;
    if ((qtype === QTYPE.PTR || qtype === QTYPE.ANY) && putPtr(table.top, reverse) > 0) stats.answered++;
    else stats.nodata++;
  } else {
    aa = true;
    // With an overlay the entry may be in either table (its glue is in the same one); the SOA is the top's.
    // Never a reverse entry: none is inside the domain (table/reverse.ts).
    const idx = table.locate(query, HEADER_LEN, q.qnameEnd);
    const hit = table.hit;
    const answers = idx < 0 ? 0 : putAnswer(hit, idx, qtype);
    if (answers > 0) {
      stats.answered++;
      // A truncated reply is discarded by its client (RFC 2181 §9), so it carries no glue.
      if (glueCount > 0 && !w.truncated) putGlue(hit);
    } else {
      if (idx === NOT_FOUND) {
        rcode = RCODE.NXDOMAIN;
        stats.nxdomain++;
      } else {
        stats.nodata++;
      }
      w.section = SECTION_AUTHORITY;
      const soa = table.top;
      const apexAt = q.qnameEnd - soa.domainWire.length;
      w.rr(apexAt, soa.u8, soa.soaNegativeOff, soa.soaNegativeLen);
    }
  }

  // TC only when an ANSWER or AUTHORITY record was left out (ReplyWriter); missing glue never sets it.
  const truncated = w.truncated;
  if (truncated) stats.truncated++;
  const tc = truncated && ctx.setTruncateBit;
  const flags2 = QR | (aa ? AA : 0) | (tc ? TC : 0) | (query[HDR_FLAGS_HI]! & RD);
  const flags3 = (ra ? RA : 0) | (query[HDR_FLAGS_LO]! & CD) | (rcode & RCODE_MASK);
  return reply(w.finish(query, flags2, flags3, true, optSize, rcode >> 4, q.ednsDo));
}
