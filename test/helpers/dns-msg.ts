/**
 * DNS messages for tests and benchmarks: builders (queries, replies, records;
 * uncompressed names) and a strict decoder of whole messages. Never on the
 * server's own paths.
 */
import { formatIPv6 } from '../../src/net/ip.js';
import { QTYPE } from '../../src/wire/constants.js';

export function encodeName(name: string): Buffer {
  const parts = name
    .replace(/\.$/, '')
    .split('.')
    .filter((p) => p.length > 0);
  const bufs: Buffer[] = [];
  for (const p of parts) {
    const b = Buffer.from(p, 'latin1');
    bufs.push(Buffer.from([b.length]), b);
  }
  bufs.push(Buffer.from([0]));
  return Buffer.concat(bufs);
}

export interface QueryOptions {
  id?: number;
  /** default A */
  qtype?: number;
  /** default IN */
  qclass?: number;
  /** default QUERY (0) */
  opcode?: number;
  /** default true */
  rd?: boolean;
  cd?: boolean;
  /** add an OPT RR with this UDP payload size */
  edns?: number;
  /** the OPT's EDNS version (default 0) */
  ednsVersion?: number;
  dnssecOk?: boolean;
  /** raw option bytes inside the OPT RDATA */
  ednsOptions?: Buffer;
}

export function buildQuery(name: string, opts: QueryOptions = {}): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(opts.id ?? 0x1234, 0);
  header[2] = ((opts.opcode ?? 0) << 3) | (opts.rd === false ? 0 : 1);
  header[3] = opts.cd ? 0x10 : 0;
  header.writeUInt16BE(1, 4);
  const q = Buffer.alloc(4);
  q.writeUInt16BE(opts.qtype ?? 1, 0);
  q.writeUInt16BE(opts.qclass ?? 1, 2);
  const parts = [header, encodeName(name), q];
  if (opts.edns !== undefined) {
    header.writeUInt16BE(1, 10);
    parts.push(optRR(opts.edns, opts.dnssecOk ?? false, opts.ednsOptions ?? Buffer.alloc(0), opts.ednsVersion ?? 0));
  }
  return Buffer.concat(parts);
}

export function optRR(size: number, dnssecOk: boolean, options: Buffer, version = 0): Buffer {
  const b = Buffer.alloc(11);
  b.writeUInt16BE(41, 1);
  b.writeUInt16BE(size, 3);
  b[6] = version;
  b[7] = dnssecOk ? 0x80 : 0;
  b.writeUInt16BE(options.length, 9);
  return Buffer.concat([b, options]);
}

export interface RR {
  name: string;
  type: number;
  ttl: number;
  data: Buffer;
  class?: number;
}

export function encodeRR(rr: RR): Buffer {
  const fixed = Buffer.alloc(10);
  fixed.writeUInt16BE(rr.type, 0);
  fixed.writeUInt16BE(rr.class ?? 1, 2);
  fixed.writeUInt32BE(rr.ttl, 4);
  fixed.writeUInt16BE(rr.data.length, 8);
  return Buffer.concat([encodeName(rr.name), fixed, rr.data]);
}

export function aRR(name: string, ip: string, ttl = 300): RR {
  return { name, type: 1, ttl, data: Buffer.from(ip.split('.').map(Number)) };
}

export function soaRR(zone: string, ttl: number, minimum: number): RR {
  const nums = Buffer.alloc(20);
  nums.writeUInt32BE(1, 0);
  nums.writeUInt32BE(3600, 4);
  nums.writeUInt32BE(600, 8);
  nums.writeUInt32BE(86400, 12);
  nums.writeUInt32BE(minimum, 16);
  const data = Buffer.concat([encodeName(`ns.${zone}`), encodeName(`admin.${zone}`), nums]);
  return { name: zone, type: 6, ttl, data };
}

export function txtRR(name: string, text: string, ttl = 300): RR {
  const t = Buffer.from(text);
  return { name, type: 16, ttl, data: Buffer.concat([Buffer.from([t.length]), t]) };
}

export interface ReplyOptions {
  rcode?: number;
  tc?: boolean;
  aa?: boolean;
  answers?: RR[];
  authority?: RR[];
  additional?: RR[];
  /** append an OPT with this size to ADDITIONAL */
  edns?: number;
  ednsOptions?: Buffer;
}

/** A reply echoing the query's ID and question (copied byte for byte). */
export function buildReply(query: Buffer, opts: ReplyOptions = {}): Buffer {
  const qEnd = questionEnd(query);
  const header = Buffer.alloc(12);
  query.copy(header, 0, 0, 2);
  header[2] = 0x80 | (query[2]! & 0x79) | (opts.aa ? 0x04 : 0) | (opts.tc ? 0x02 : 0);
  header[3] = 0x80 | (query[3]! & 0x10) | (opts.rcode ?? 0);
  const an = opts.answers ?? [];
  const ns = opts.authority ?? [];
  const ar = (opts.additional ?? []).map(encodeRR);
  if (opts.edns !== undefined) ar.push(optRR(opts.edns, false, opts.ednsOptions ?? Buffer.alloc(0)));
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(an.length, 6);
  header.writeUInt16BE(ns.length, 8);
  header.writeUInt16BE(ar.length, 10);
  return Buffer.concat([header, query.subarray(12, qEnd), ...an.map(encodeRR), ...ns.map(encodeRR), ...ar]);
}

/** Offset past the first question of an uncompressed message. */
export function questionEnd(msg: Buffer): number {
  let off = 12;
  while (msg[off] !== 0) off += msg[off]! + 1;
  return off + 5;
}

export function rcodeOf(msg: Buffer): number {
  return msg[3]! & 0x0f;
}

export function idOf(msg: Buffer): number {
  return msg.readUInt16BE(0);
}

export function tcOf(msg: Buffer): boolean {
  return (msg[2]! & 0x02) !== 0;
}

export function counts(msg: Buffer): { qd: number; an: number; ns: number; ar: number } {
  return { qd: msg.readUInt16BE(4), an: msg.readUInt16BE(6), ns: msg.readUInt16BE(8), ar: msg.readUInt16BE(10) };
}

// The strict decoder: throws on anything a careful resolver would reject
// (truncation, forward or looping compression pointers, labels over 63 octets,
// names over 255 octets, RDATA not matching RDLENGTH, trailing bytes).

export interface DecodedQuestion {
  name: string;
  type: number;
  class: number;
}

export interface DecodedRecord {
  name: string;
  type: number;
  class: number;
  ttl: number;
  /** A/AAAA: address text; NS, PTR: name; SRV: { priority, weight, port, target }; SOA: fields; others: hex */
  data: unknown;
  /** raw RDATA bytes */
  rdata: Uint8Array;
}

export interface DecodedSoa {
  mname: string;
  rname: string;
  serial: number;
  refresh: number;
  retry: number;
  expire: number;
  minimum: number;
}

export interface DecodedMessage {
  id: number;
  qr: boolean;
  opcode: number;
  aa: boolean;
  tc: boolean;
  rd: boolean;
  ra: boolean;
  ad: boolean;
  cd: boolean;
  /** the 4-bit header RCODE (extended bits live in the OPT TTL) */
  rcode: number;
  questions: DecodedQuestion[];
  answers: DecodedRecord[];
  authorities: DecodedRecord[];
  additionals: DecodedRecord[];
  size: number;
}

export class WireDecodeError extends Error {
  readonly code = 'MESOS_DNS_WIRE_INVALID';
}

function fail(message: string): never {
  throw new WireDecodeError(message);
}

class Reader {
  constructor(
    readonly buf: Uint8Array,
    public off = 0,
  ) {}
  need(n: number): void {
    if (this.off + n > this.buf.length) fail(`truncated at ${this.off} (need ${n})`);
  }
  u8(): number {
    this.need(1);
    return this.buf[this.off++]!;
  }
  u16(): number {
    this.need(2);
    const v = (this.buf[this.off]! << 8) | this.buf[this.off + 1]!;
    this.off += 2;
    return v;
  }
  u32(): number {
    return this.u16() * 65536 + this.u16();
  }
  /** Name at the current offset, following only strictly backward pointers. */
  name(): string {
    const buf = this.buf;
    let off = this.off;
    let end = -1;
    let lowest = off;
    let octets = 1;
    const labels: string[] = [];
    for (;;) {
      if (off >= buf.length) fail('name runs past the end');
      const len = buf[off]!;
      if (len === 0) {
        if (end < 0) end = off + 1;
        break;
      }
      if ((len & 0xc0) === 0xc0) {
        if (off + 1 >= buf.length) fail('truncated pointer');
        const target = ((len & 0x3f) << 8) | buf[off + 1]!;
        if (target >= lowest) fail(`forward or looping pointer to ${target} at ${off}`);
        if (end < 0) end = off + 2;
        lowest = target;
        off = target;
        continue;
      }
      if (len & 0xc0) fail(`bad label type ${len} at ${off}`);
      octets += len + 1;
      if (octets > 255) fail('name longer than 255 octets');
      if (off + 1 + len > buf.length) fail('label runs past the end');
      labels.push(String.fromCharCode(...buf.subarray(off + 1, off + 1 + len)));
      off += len + 1;
    }
    this.off = end;
    return labels.length === 0 ? '.' : `${labels.join('.')}.`;
  }
}

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

function record(r: Reader): DecodedRecord {
  const name = r.name();
  const type = r.u16();
  const klass = r.u16();
  const ttl = r.u32();
  const rdlen = r.u16();
  r.need(rdlen);
  const start = r.off;
  const end = start + rdlen;
  const rdata = r.buf.subarray(start, end);
  let data: unknown;
  switch (type) {
    case QTYPE.A:
      if (rdlen !== 4) fail(`A RDLENGTH ${rdlen}`);
      data = Array.from(rdata).join('.');
      r.off = end;
      break;
    case QTYPE.AAAA:
      if (rdlen !== 16) fail(`AAAA RDLENGTH ${rdlen}`);
      data = formatIPv6(rdata, 0);
      r.off = end;
      break;
    case QTYPE.NS:
    case QTYPE.PTR:
      data = r.name();
      break;
    case QTYPE.SRV:
      data = { priority: r.u16(), weight: r.u16(), port: r.u16(), target: r.name() };
      break;
    case QTYPE.SOA:
      data = {
        mname: r.name(),
        rname: r.name(),
        serial: r.u32(),
        refresh: r.u32(),
        retry: r.u32(),
        expire: r.u32(),
        minimum: r.u32(),
      };
      break;
    default:
      data = hex(rdata);
      r.off = end;
  }
  if (r.off !== end) fail(`RDATA of type ${type} is ${r.off - start} bytes, RDLENGTH says ${rdlen}`);
  return { name, type, class: klass, ttl, data, rdata };
}

export function decodeMessage(buf: Uint8Array): DecodedMessage {
  const r = new Reader(buf);
  const id = r.u16();
  const f2 = r.u8();
  const f3 = r.u8();
  const counts = [r.u16(), r.u16(), r.u16(), r.u16()] as const;
  const questions: DecodedQuestion[] = [];
  for (let i = 0; i < counts[0]; i++) questions.push({ name: r.name(), type: r.u16(), class: r.u16() });
  const section = (n: number): DecodedRecord[] => Array.from({ length: n }, () => record(r));
  const answers = section(counts[1]);
  const authorities = section(counts[2]);
  const additionals = section(counts[3]);
  if (r.off !== buf.length) fail(`${buf.length - r.off} trailing bytes`);
  const opts = [...answers, ...authorities, ...additionals].filter((rr) => rr.type === QTYPE.OPT);
  if (opts.length > 1 || (opts.length === 1 && (!additionals.includes(opts[0]!) || opts[0]!.name !== '.')))
    fail('misplaced or repeated OPT');
  return {
    id,
    qr: (f2 & 0x80) !== 0,
    opcode: (f2 >> 3) & 0x0f,
    aa: (f2 & 0x04) !== 0,
    tc: (f2 & 0x02) !== 0,
    rd: (f2 & 0x01) !== 0,
    ra: (f3 & 0x80) !== 0,
    ad: (f3 & 0x20) !== 0,
    cd: (f3 & 0x10) !== 0,
    rcode: f3 & 0x0f,
    questions,
    answers,
    authorities,
    additionals,
    size: buf.length,
  };
}
