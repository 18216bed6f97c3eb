/**
 * DNS wire constants and the allocation-free query reader used on the hot path.
 * A query is read into one reusable `ParsedQuery`; nothing here builds strings
 * or objects per query.
 */

export const QTYPE = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  PTR: 12,
  MX: 15,
  TXT: 16,
  AAAA: 28,
  SRV: 33,
  OPT: 41,
  DS: 43,
  IXFR: 251,
  AXFR: 252,
  ANY: 255,
} as const;

export const QCLASS = { IN: 1, CH: 3, HS: 4, NONE: 254, ANY: 255 } as const;

/** RCODEs; BADVERS is an extended RCODE (needs an OPT RR to be expressed). */
export const RCODE = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
  BADVERS: 16,
} as const;

export const OPCODE = { QUERY: 0, IQUERY: 1, STATUS: 2, NOTIFY: 4, UPDATE: 5 } as const;

export const HEADER_LEN = 12;
export const MAX_NAME_LEN = 255;
export const UDP_DEFAULT_LIMIT = 512;
/** Largest UDP payload an IPv4 datagram can carry: a bigger reply could not be sent at all. */
export const MAX_UDP_PAYLOAD = 65507;
export const TCP_LIMIT = 65535;
/** An OPT RR with empty RDATA: root owner (1) + type, class, ttl, rdlength (10). */
export const OPT_RR_LEN = 11;

/** Outcome of `parseQuery`. */
export const PARSE_OK = 0;
export const PARSE_BAD = 1;

/** ID of a message, or -1 when it is shorter than two bytes. */
export function readQueryId(buf: Uint8Array): number {
  return buf.length < 2 ? -1 : (buf[0]! << 8) | buf[1]!;
}

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
    if (len & 0xc0) return PARSE_BAD;
    q.labelStarts[labels++] = off - HEADER_LEN;
    off += len + 1;
    if (off - HEADER_LEN + 1 > MAX_NAME_LEN) return PARSE_BAD;
  }
  off++;
  if (off + 4 > n) return PARSE_BAD;
  q.labelCount = labels;
  q.qnameEnd = off;
  q.qtype = (buf[off]! << 8) | buf[off + 1]!;
  q.qclass = (buf[off + 2]! << 8) | buf[off + 3]!;
  q.questionEnd = off + 4;
  return PARSE_OK;
}

/** Offset past a possibly compressed name at `off` (not followed), or -1. */
function skipName(buf: Uint8Array, off: number): number {
  const n = buf.length;
  let octets = 1;
  for (;;) {
    if (off >= n) return -1;
    const len = buf[off]!;
    if (len === 0) return off + 1;
    if ((len & 0xc0) === 0xc0) return off + 2 <= n ? off + 2 : -1;
    if (len & 0xc0) return -1;
    octets += len + 1;
    if (octets > MAX_NAME_LEN) return -1;
    off += len + 1;
  }
}

/**
 * Walks the records after the question (a query normally has only an OPT in
 * ADDITIONAL) and reads the OPT RR. More than one OPT, an OPT whose owner is not
 * the root, or records running past the end of the message make it malformed.
 */
export function parseRecords(buf: Uint8Array, q: ParsedQuery): number {
  q.hasOpt = false;
  q.udpSize = 0;
  q.ednsVersion = 0;
  q.ednsDo = false;
  const an = (buf[6]! << 8) | buf[7]!;
  const ns = (buf[8]! << 8) | buf[9]!;
  const ar = (buf[10]! << 8) | buf[11]!;
  const total = an + ns + ar;
  const n = buf.length;
  let off = q.questionEnd;
  for (let i = 0; i < total; i++) {
    const ownerAt = off;
    off = skipName(buf, off);
    if (off < 0 || off + 10 > n) return PARSE_BAD;
    const type = (buf[off]! << 8) | buf[off + 1]!;
    const rdlen = (buf[off + 8]! << 8) | buf[off + 9]!;
    if (type === QTYPE.OPT && i >= an + ns) {
      if (q.hasOpt || buf[ownerAt] !== 0) return PARSE_BAD;
      q.hasOpt = true;
      q.udpSize = (buf[off + 2]! << 8) | buf[off + 3]!;
      q.ednsVersion = buf[off + 5]!;
      q.ednsDo = (buf[off + 6]! & 0x80) !== 0;
    }
    off += 10 + rdlen;
    if (off > n) return PARSE_BAD;
  }
  return PARSE_OK;
}

/** Reads question and records of a query whose header says QDCOUNT = 1. */
export function parseQuery(buf: Uint8Array, q: ParsedQuery): number {
  if (buf.length < HEADER_LEN || buf[4] !== 0 || buf[5] !== 1) return PARSE_BAD;
  if (parseQuestion(buf, q) !== PARSE_OK) return PARSE_BAD;
  return parseRecords(buf, q);
}

/**
 * A header-plus-question reply with the given RCODE (< 16), echoing ID, opcode,
 * RD and CD (RD/CD only for QUERY, as other opcodes define those bits
 * differently). Without a readable question the reply carries none.
 */
export function errorReply(query: Uint8Array, rcode: number, questionEnd: number): Buffer {
  const qlen = questionEnd > HEADER_LEN ? questionEnd - HEADER_LEN : 0;
  const out = Buffer.alloc(HEADER_LEN + qlen);
  out[0] = query[0]!;
  out[1] = query[1]!;
  const opcode = (query[2]! >> 3) & 0x0f;
  const isQuery = opcode === OPCODE.QUERY;
  out[2] = 0x80 | (opcode << 3) | (isQuery ? query[2]! & 0x01 : 0);
  out[3] = (isQuery ? query[3]! & 0x10 : 0) | (rcode & 0x0f);
  if (qlen > 0) {
    out[5] = 1;
    out.set(query.subarray(HEADER_LEN, questionEnd), HEADER_LEN);
  }
  return out;
}

/** Writes an OPT RR (empty RDATA) at `off`; returns the offset after it. */
export function writeOpt(out: Uint8Array, off: number, udpSize: number, extRcode: number, dnssecOk: boolean): number {
  out[off] = 0;
  out[off + 1] = 0;
  out[off + 2] = QTYPE.OPT;
  out[off + 3] = udpSize >> 8;
  out[off + 4] = udpSize & 0xff;
  out[off + 5] = extRcode;
  out[off + 6] = 0;
  out[off + 7] = dnssecOk ? 0x80 : 0;
  out[off + 8] = 0;
  out[off + 9] = 0;
  out[off + 10] = 0;
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
  out[11] = 1;
  writeOpt(out, base.length, Math.max(UDP_DEFAULT_LIMIT, Math.min(ednsUdpSize | 0, TCP_LIMIT)), 0, q.ednsDo);
  return out;
}
