/**
 * Every DNS wire constant the program uses, in one place: types, classes,
 * opcodes, rcodes, header layout and flag bits, resource record layout, and
 * size limits. Nothing here depends on anything else of ours.
 */

/** RR TYPE / QTYPE values (RFC 1035 §3.2.2, RFC 3596, RFC 2782, RFC 6891, RFC 4034). */
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

/** RCODEs; BADVERS is an extended RCODE (RFC 6891 §6.1.3: its upper bits travel in the OPT RR). */
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

/** The header (RFC 1035 §4.1.1): ID, two flag octets, four 16-bit counts. */
export const HEADER_LEN = 12;
export const HDR_ID = 0;
/** QR, OPCODE, AA, TC, RD */
export const HDR_FLAGS_HI = 2;
/** RA, Z, AD, CD, RCODE */
export const HDR_FLAGS_LO = 3;
export const HDR_QDCOUNT = 4;
export const HDR_ANCOUNT = 6;
export const HDR_NSCOUNT = 8;
export const HDR_ARCOUNT = 10;

/** Bits of header octet 2 (`HDR_FLAGS_HI`). */
export const QR = 0x80;
export const OPCODE_SHIFT = 3;
export const OPCODE_MASK = 0x0f;
export const AA = 0x04;
export const TC = 0x02;
export const RD = 0x01;
/** Bits of header octet 3 (`HDR_FLAGS_LO`). */
export const RA = 0x80;
export const AD = 0x20;
export const CD = 0x10;
export const RCODE_MASK = 0x0f;

/** The DO bit (RFC 3225) within the 32-bit TTL field of an OPT RR. */
export const OPT_TTL_DO = 0x8000;

/** Question fields after QNAME: QTYPE and QCLASS. */
export const QUESTION_FIXED_LEN = 4;

/** The top two bits of a name's length octet: 00 for a label, 11 for a pointer (RFC 1035 §4.1.4). */
export const LABEL_TAG_MASK = 0xc0;
export const POINTER_BITS = 0xc0;
/** A compression pointer: two octets, the top two bits set. */
export const POINTER_LEN = 2;
export const POINTER_TAG = 0xc000;
/** The largest offset a pointer can reach. */
export const MAX_POINTER = 0x3fff;
/** A pointer to the question's name, which always starts right after the header. */
export const QNAME_POINTER = POINTER_TAG | HEADER_LEN;

/** An RR after its owner name: TYPE, CLASS, TTL, RDLENGTH, then RDATA (RFC 1035 §4.1.3). */
export const RR_FIXED_LEN = 10;
export const RR_TYPE_AT = 0;
export const RR_CLASS_AT = 2;
export const RR_TTL_AT = 4;
export const RR_RDLENGTH_AT = 8;
export const A_RDATA_LEN = 4;
export const AAAA_RDATA_LEN = 16;
/** SRV RDATA before its target: priority, weight, port (RFC 2782). */
export const SRV_FIXED_LEN = 6;
/** SOA RDATA after its two names: serial, refresh, retry, expire, minimum. */
export const SOA_FIXED_LEN = 20;
/** Owner-less A and AAAA RRs, as the record table stores them. */
export const RR_A_LEN = RR_FIXED_LEN + A_RDATA_LEN;
export const RR_AAAA_LEN = RR_FIXED_LEN + AAAA_RDATA_LEN;
/** Where an SRV's target starts inside an owner-less SRV RR. */
export const SRV_TARGET_AT = RR_FIXED_LEN + SRV_FIXED_LEN;
/** An OPT RR without options: root owner (1) + the fixed fields (RFC 6891 §6.1.2). */
export const OPT_RR_LEN = 1 + RR_FIXED_LEN;

/** TTLs above 2^31 - 1 are read as 0 (RFC 2181 §8). */
export const MAX_TTL = 0x7fffffff;

export const MAX_LABEL_LEN = 63;
/** Octets of a name on the wire, length octets and the root included (RFC 1035 §2.3.4). */
export const MAX_NAME_LEN = 255;
/** The UDP reply limit without EDNS (RFC 1035 §4.2.1). */
export const UDP_DEFAULT_LIMIT = 512;
/** Largest UDP payload an IPv4 datagram can carry: a bigger reply could not be sent at all. */
export const MAX_UDP_PAYLOAD = 65507;
/** A TCP message's two-octet length prefix bounds it (RFC 1035 §4.2.2). */
export const TCP_LIMIT = 65535;
export const TCP_LENGTH_PREFIX = 2;
