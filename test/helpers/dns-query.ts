/**
 * Builds query messages: for tests, health probes and tools (not the hot path).
 */
import { QCLASS } from '../../src/wire/query.js';

export interface QuerySpec {
  id?: number;
  /** text name, absolute or not; labels are taken verbatim (case preserved) */
  name: string;
  type: number;
  class?: number;
  opcode?: number;
  rd?: boolean;
  cd?: boolean;
  /** adds an OPT RR to ADDITIONAL */
  edns?: { udpSize?: number; version?: number; dnssecOk?: boolean };
}

export function encodeName(name: string): Buffer {
  const body = name.endsWith('.') ? name.slice(0, -1) : name;
  if (body === '') return Buffer.from([0]);
  const parts = body.split('.').map((label) => {
    const bytes = Buffer.from(label, 'latin1');
    return Buffer.concat([Buffer.from([bytes.length]), bytes]);
  });
  return Buffer.concat([...parts, Buffer.from([0])]);
}

export function buildQuery(spec: QuerySpec): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(spec.id ?? 0x1234, 0);
  header[2] = ((spec.opcode ?? 0) << 3) | (spec.rd === false ? 0 : 1);
  header[3] = spec.cd ? 0x10 : 0;
  header.writeUInt16BE(1, 4);
  const question = Buffer.alloc(4);
  question.writeUInt16BE(spec.type, 0);
  question.writeUInt16BE(spec.class ?? QCLASS.IN, 2);
  const parts = [header, encodeName(spec.name), question];
  if (spec.edns) {
    header.writeUInt16BE(1, 10);
    const opt = Buffer.alloc(11);
    opt.writeUInt16BE(41, 1);
    opt.writeUInt16BE(spec.edns.udpSize ?? 4096, 3);
    opt[6] = spec.edns.version ?? 0;
    opt[7] = spec.edns.dnssecOk ? 0x80 : 0;
    parts.push(opt);
  }
  return Buffer.concat(parts);
}
