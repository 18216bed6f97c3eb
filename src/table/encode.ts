/**
 * Build-time encoders for the record table: names, addresses and resource
 * records to wire bytes, plus the matching decoders used by `lookup()`.
 * Nothing here runs per query.
 */
import {
  MAX_LABEL_LEN,
  MAX_NAME_LEN,
  QCLASS,
  RR_CLASS_AT,
  RR_FIXED_LEN,
  RR_RDLENGTH_AT,
  RR_TTL_AT,
  RR_TYPE_AT,
  SOA_FIXED_LEN,
} from '../wire/constants.js';

/** True when `label` can be a label of a host name in the table: 1–63 octets of `[a-z0-9_-]`. */
export function isHostLabel(label: string): boolean {
  if (label.length === 0 || label.length > MAX_LABEL_LEN) return false;
  for (let i = 0; i < label.length; i++) {
    const c = label.charCodeAt(i);
    if (!((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x5f)) return false;
  }
  return true;
}

/**
 * True when `s[start, end)` is a host name (one trailing dot optional) whose
 * every label passes `isHostLabel`, at most 255 octets on the wire. The empty
 * body is the root.
 */
export function isHostName(s: string, start: number, end: number): boolean {
  if (end > start && s.charCodeAt(end - 1) === 0x2e) end--;
  // Text of at most 253 octets: with its length octets and the root label it fills 255 on the wire.
  if (end - start > MAX_NAME_LEN - 2 || (end > start && s.charCodeAt(end - 1) === 0x2e)) return false;
  for (let pos = start; pos < end;) {
    let dot = s.indexOf('.', pos);
    if (dot < 0 || dot > end) dot = end;
    if (!isHostLabel(s.slice(pos, dot))) return false;
    pos = dot + 1;
  }
  return true;
}

/** Wire length of `s[0, end)` once `isHostName` accepted it. */
export function hostWireLength(s: string, end: number): number {
  if (end > 0 && s.charCodeAt(end - 1) === 0x2e) end--;
  return end === 0 ? 1 : end + 2;
}

/** Writes `s[0, end)`, already checked by `isHostName`, as a wire name at `off`; returns the offset after it. */
export function writeHostWire(s: string, end: number, out: Uint8Array, off: number): number {
  if (end > 0 && s.charCodeAt(end - 1) === 0x2e) end--;
  if (end > 0) {
    let lenAt = off++;
    for (let i = 0; i < end; i++) {
      const c = s.charCodeAt(i);
      if (c === 0x2e) {
        out[lenAt] = off - lenAt - 1;
        lenAt = off++;
      } else {
        out[off++] = c;
      }
    }
    out[lenAt] = off - lenAt - 1;
  }
  out[off] = 0;
  return off + 1;
}

/**
 * Wire form of an absolute (or relative, same thing here) host name whose
 * every label is 1–63 octets of `[a-z0-9_-]`, or null. Upper case is refused on
 * purpose: the Go program stores legacy DiscoveryInfo names verbatim and can
 * never answer them, so they stay out of DNS.
 */
export function hostNameToWire(name: string): Uint8Array | null {
  if (!isHostName(name, 0, name.length)) return null;
  const out = new Uint8Array(hostWireLength(name, name.length));
  writeHostWire(name, name.length, out, 0);
  return out;
}

/**
 * Wire form of a name whose labels may hold any printable ASCII except `.`
 * (SOA RNAME is a mailbox such as `root.ns1.mesos.`), or null.
 */
export function anyNameToWire(name: string): Uint8Array | null {
  const body = name.endsWith('.') ? name.slice(0, -1) : name;
  if (body === '') return Uint8Array.of(0);
  const labels = body.split('.');
  let size = 1;
  for (const label of labels) {
    if (label.length < 1 || label.length > MAX_LABEL_LEN || !/^[\x21-\x7e]+$/.test(label)) return null;
    size += label.length + 1;
  }
  if (size > MAX_NAME_LEN) return null;
  const out = new Uint8Array(size);
  let off = 0;
  for (const label of labels) {
    out[off++] = label.length;
    for (let i = 0; i < label.length; i++) out[off++] = label.charCodeAt(i);
  }
  return out;
}

/** Text of an uncompressed wire name at `off`, absolute (trailing dot). */
export function wireToName(buf: Uint8Array, off: number): string {
  let out = '';
  for (let len = buf[off]!; len !== 0; len = buf[off]!) {
    out += String.fromCharCode(...buf.subarray(off + 1, off + 1 + len)) + '.';
    off += len + 1;
  }
  return out === '' ? '.' : out;
}

/** Writes the fixed part of an owner-less RR (TYPE, CLASS IN, TTL, RDLENGTH) at `off`; returns the RDATA offset. */
export function writeRRHead(out: Uint8Array, off: number, type: number, ttl: number, rdlength: number): number {
  out[off + RR_TYPE_AT] = type >> 8;
  out[off + RR_TYPE_AT + 1] = type & 0xff;
  out[off + RR_CLASS_AT] = 0;
  out[off + RR_CLASS_AT + 1] = QCLASS.IN;
  writeU32(out, off + RR_TTL_AT, ttl);
  out[off + RR_RDLENGTH_AT] = rdlength >> 8;
  out[off + RR_RDLENGTH_AT + 1] = rdlength & 0xff;
  return off + RR_FIXED_LEN;
}

/** An RR without its owner name: TYPE, CLASS IN, TTL, RDLENGTH, RDATA. */
export function encodeRR(type: number, ttl: number, rdata: Uint8Array): Uint8Array {
  const out = new Uint8Array(RR_FIXED_LEN + rdata.length);
  out.set(rdata, writeRRHead(out, 0, type, ttl, rdata.length));
  return out;
}

export interface SoaFields {
  mname: Uint8Array;
  rname: Uint8Array;
  serial: number;
  refresh: number;
  retry: number;
  expire: number;
  minimum: number;
}

export function soaRdata(f: SoaFields): Uint8Array {
  const out = new Uint8Array(f.mname.length + f.rname.length + SOA_FIXED_LEN);
  out.set(f.mname, 0);
  out.set(f.rname, f.mname.length);
  let off = f.mname.length + f.rname.length;
  for (const v of [f.serial, f.refresh, f.retry, f.expire, f.minimum]) {
    writeU32(out, off, v);
    off += 4;
  }
  return out;
}

function writeU32(out: Uint8Array, off: number, v: number): void {
  out[off] = (v >>> 24) & 0xff;
  out[off + 1] = (v >>> 16) & 0xff;
  out[off + 2] = (v >>> 8) & 0xff;
  out[off + 3] = v & 0xff;
}
