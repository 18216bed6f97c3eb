/**
 * Build-time encoders for the record table: names, addresses and resource
 * records to wire bytes, plus the matching decoders used by `lookup()`.
 * Nothing here runs per query.
 */
import { isIPv4, isIPv6 } from 'node:net';

const HOST_LABEL = /^[a-z0-9_-]{1,63}$/;
const CLASS_IN = 1;

/**
 * Wire form of an absolute (or relative, same thing here) host name whose
 * every label is 1–63 octets of `[a-z0-9_-]`, or null. Upper case is refused on
 * purpose: the Go program stores legacy DiscoveryInfo names verbatim and can
 * never answer them, so they stay out of DNS.
 */
export function hostNameToWire(name: string): Uint8Array | null {
  const body = name.endsWith('.') ? name.slice(0, -1) : name;
  if (body === '') return Uint8Array.of(0);
  const labels = body.split('.');
  let size = 1;
  for (const label of labels) {
    if (!HOST_LABEL.test(label)) return null;
    size += label.length + 1;
  }
  if (size > 255) return null;
  const out = new Uint8Array(size);
  let off = 0;
  for (const label of labels) {
    out[off++] = label.length;
    for (let i = 0; i < label.length; i++) out[off++] = label.charCodeAt(i);
  }
  out[off] = 0;
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
    if (label.length < 1 || label.length > 63 || !/^[\x21-\x7e]+$/.test(label)) return null;
    size += label.length + 1;
  }
  if (size > 255) return null;
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

/** `a.b.c.` → `b.c.`; the root has no parent (null). */
export function parentName(name: string): string | null {
  if (name === '.') return null;
  const dot = name.indexOf('.');
  const rest = name.slice(dot + 1);
  return rest === '' ? '.' : rest;
}

export function parseIPv4(text: string): Uint8Array | null {
  if (!isIPv4(text)) return null;
  return Uint8Array.from(text.split('.'), Number);
}

/** 16 bytes of an IPv6 literal (zone identifiers refused: they mean nothing on the wire). */
export function parseIPv6(text: string): Uint8Array | null {
  if (text.includes('%') || !isIPv6(text)) return null;
  let groups: number[] = [];
  let tail = text;
  const v4At = text.lastIndexOf(':');
  const v4 = text.slice(v4At + 1);
  if (v4.includes('.')) {
    const b = parseIPv4(v4);
    if (!b) return null;
    tail = `${text.slice(0, v4At + 1)}${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`;
  }
  const halves = tail.split('::');
  const toGroups = (s: string): number[] => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  if (halves.length === 2) {
    const head = toGroups(halves[0]!);
    const rest = toGroups(halves[1]!);
    groups = [...head, ...new Array<number>(8 - head.length - rest.length).fill(0), ...rest];
  } else {
    groups = toGroups(tail);
  }
  if (groups.length !== 8) return null;
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    out[i * 2] = g >> 8;
    out[i * 2 + 1] = g & 0xff;
  });
  return out;
}

export function formatIPv4(buf: Uint8Array, off: number): string {
  return `${buf[off]}.${buf[off + 1]}.${buf[off + 2]}.${buf[off + 3]}`;
}

/** RFC 5952 text (the form Go prints): longest run of two or more zero groups becomes `::`. */
export function formatIPv6(buf: Uint8Array, off: number): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push((buf[off + i * 2]! << 8) | buf[off + i * 2 + 1]!);
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (gs: number[]): string => gs.map((g) => g.toString(16)).join(':');
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLen))}`;
}

/** An RR without its owner name: TYPE, CLASS IN, TTL, RDLENGTH, RDATA. */
export function encodeRR(type: number, ttl: number, rdata: Uint8Array): Uint8Array {
  const out = new Uint8Array(10 + rdata.length);
  out[0] = type >> 8;
  out[1] = type & 0xff;
  out[2] = 0;
  out[3] = CLASS_IN;
  writeU32(out, 4, ttl);
  out[8] = rdata.length >> 8;
  out[9] = rdata.length & 0xff;
  out.set(rdata, 10);
  return out;
}

/** SRV RDATA per RFC 2782: priority 0, weight, port, target never compressed. */
export function srvRdata(weight: number, port: number, target: Uint8Array): Uint8Array {
  const out = new Uint8Array(6 + target.length);
  out[2] = (weight >> 8) & 0xff;
  out[3] = weight & 0xff;
  out[4] = port >> 8;
  out[5] = port & 0xff;
  out.set(target, 6);
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
  const out = new Uint8Array(f.mname.length + f.rname.length + 20);
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

export const RR_A_LEN = 14;
export const RR_AAAA_LEN = 26;
/** Offset of the target name inside an owner-less SRV RR. */
export const SRV_TARGET_AT = 16;
