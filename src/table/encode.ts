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
import { FNV_OFFSET, FNV_PRIME } from './layout.js';

/**
 * Checks `s[start, end)` as a host name (one trailing dot optional) whose every
 * label is 1–63 octets of `[a-z0-9_-]`, at most 255 octets on the wire, and
 * returns `hashWire` of its wire form — or -1 when it is not such a name. The
 * empty body is the root. One charCode loop: this runs for every name and SRV
 * target of a refresh, and the hash doubles as the table's index key.
 */
export function hostNameHash(s: string, start: number, end: number): number {
  if (end > start && s.charCodeAt(end - 1) === 0x2e) end--;
  // Text of at most 253 octets: with its length octets and the root label it fills 255 on the wire.
  if (end - start > MAX_NAME_LEN - 2 || (end > start && s.charCodeAt(end - 1) === 0x2e)) return -1;
  let h = FNV_OFFSET;
  for (let pos = start; pos < end;) {
    let dot = s.indexOf('.', pos);
    if (dot < 0 || dot > end) dot = end;
    const len = dot - pos;
    if (len === 0 || len > MAX_LABEL_LEN) return -1;
    h = Math.imul(h ^ len, FNV_PRIME);
    for (let i = pos; i < dot; i++) {
      const c = s.charCodeAt(i);
      if (!((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x5f)) return -1;
      h = Math.imul(h ^ c, FNV_PRIME);
    }
    pos = dot + 1;
  }
  return Math.imul(h, FNV_PRIME) >>> 0;
}

/** Wire length of `s[0, end)` once `hostNameHash` accepted it. */
export function hostWireLength(s: string, end: number): number {
  if (end > 0 && s.charCodeAt(end - 1) === 0x2e) end--;
  return end === 0 ? 1 : end + 2;
}

/** Writes `s[0, end)`, already checked by `hostNameHash`, as a wire name at `off`; returns the offset after it. */
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
  if (hostNameHash(name, 0, name.length) < 0) return null;
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

/** The parts of an SRV value `<target>:<port>`, filled by `parseSrvValue`. */
export interface SrvParts {
  /** index of the colon; the target is `[0, colon)` */
  colon: number;
  /** the port as the table stores it: the decimal value modulo 65536 */
  port: number;
  /** wire length of the target */
  wireLen: number;
  /** `hostNameHash` of the target */
  hash: number;
  /** true when the text is exactly `<target with trailing dot>:<port in shortest decimal>`, so two different canonical texts are two different RRs */
  canonical: boolean;
}

/**
 * Parses an SRV value as the table stores it: a port of 1–15 ASCII digits
 * after the last colon, and a host-name target that is not the root. Fills
 * `out` (no allocation) and returns false for an unusable value.
 */
export function parseSrvValue(v: string, out: SrvParts): boolean {
  const colon = v.lastIndexOf(':');
  const digits = v.length - colon - 1;
  if (colon < 0 || digits < 1 || digits > 15) return false;
  let value = 0;
  for (let i = colon + 1; i < v.length; i++) {
    const d = v.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return false;
    value = value * 10 + d;
  }
  const wireLen = hostWireLength(v, colon);
  const hash = wireLen === 1 ? -1 : hostNameHash(v, 0, colon);
  if (hash < 0) return false;
  out.colon = colon;
  out.port = value % 65536;
  out.wireLen = wireLen;
  out.hash = hash;
  out.canonical =
    value <= 65535 && (digits === 1 || v.charCodeAt(colon + 1) !== 0x30) && v.charCodeAt(colon - 1) === 0x2e;
  return true;
}
