/** Small DNS message builders and readers for tests (uncompressed names, no dependencies). */

export function encodeName(name: string): Buffer {
  const parts = name.replace(/\.$/, '').split('.').filter((p) => p.length > 0);
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
  qtype?: number;
  qclass?: number;
  rd?: boolean;
  cd?: boolean;
  /** add an OPT RR with this UDP payload size */
  edns?: number;
  dnssecOk?: boolean;
  /** raw option bytes inside the OPT RDATA */
  ednsOptions?: Buffer;
}

export function buildQuery(name: string, opts: QueryOptions = {}): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(opts.id ?? 0x1234, 0);
  header[2] = opts.rd === false ? 0 : 1;
  header[3] = opts.cd ? 0x10 : 0;
  header.writeUInt16BE(1, 4);
  const q = Buffer.alloc(4);
  q.writeUInt16BE(opts.qtype ?? 1, 0);
  q.writeUInt16BE(opts.qclass ?? 1, 2);
  const parts = [header, encodeName(name), q];
  if (opts.edns !== undefined) {
    header.writeUInt16BE(1, 10);
    parts.push(optRR(opts.edns, opts.dnssecOk ?? false, opts.ednsOptions ?? Buffer.alloc(0)));
  }
  return Buffer.concat(parts);
}

export function optRR(size: number, dnssecOk: boolean, options: Buffer): Buffer {
  const b = Buffer.alloc(11);
  b.writeUInt16BE(41, 1);
  b.writeUInt16BE(size, 3);
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
