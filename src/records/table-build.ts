/**
 * RecordSet + meta → the table's ArrayBuffer. All the expensive work of
 * answering happens here, once per refresh: validating and lower-casing names,
 * encoding every RR, resolving SRV glue, marking empty non-terminals.
 */
import { ConfigError } from '../errors.js';
import type { RecordSet } from './types.js';
import { E, ENTRY_SLOTS, H, HEADER_SLOTS, MAGIC, S, SRV_SLOTS, VERSION, hashWire } from './table-layout.js';
import { QTYPE } from '../dns/wire.js';
import {
  anyNameToWire,
  encodeRR,
  hostNameToWire,
  parentName,
  parseIPv4,
  parseIPv6,
  soaRdata,
  srvRdata,
} from './table-encode.js';

export interface TableMeta {
  /** lower-case, no trailing dot */
  domain: string;
  ttl: number;
  serial: number;
  soaMname: string;
  soaRname: string;
  soaRefresh: number;
  soaRetry: number;
  soaExpire: number;
  soaMinttl: number;
  srvWeight: number;
}

interface SrvValue {
  rr: Uint8Array;
  target: string;
}

interface NameData {
  wire: Uint8Array;
  a: Map<string, Uint8Array>;
  aaaa: Map<string, Uint8Array>;
  srv: Map<string, SrvValue>;
}

/** Absolute lower-case name, or null for names that must not reach DNS. */
function inDomainKey(name: string, apexKey: string): string | null {
  const key = name.endsWith('.') ? name : `${name}.`;
  if (hostNameToWire(key) === null) return null;
  if (apexKey === '.' || key === apexKey || key.endsWith(`.${apexKey}`)) return key;
  return null;
}

function u32(value: number, key: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new ConfigError(`${key} must be an integer in [0, 4294967295], got ${value}`, key);
  }
  return value;
}

class Bytes {
  buf = new Uint8Array(4096);
  len = 0;
  constructor(readonly base: number) {}
  /** Appends and returns the absolute offset the bytes will have in the table. */
  add(bytes: Uint8Array): number {
    while (this.len + bytes.length > this.buf.length) {
      const next = new Uint8Array(this.buf.length * 2);
      next.set(this.buf.subarray(0, this.len));
      this.buf = next;
    }
    this.buf.set(bytes, this.len);
    this.len += bytes.length;
    return this.base + this.len - bytes.length;
  }
}

function collect(records: RecordSet, meta: TableMeta, apexKey: string): Map<string, NameData> {
  const names = new Map<string, NameData>();
  const at = (key: string): NameData => {
    let d = names.get(key);
    if (!d) {
      d = { wire: hostNameToWire(key)!, a: new Map(), aaaa: new Map(), srv: new Map() };
      names.set(key, d);
    }
    return d;
  };
  for (const [name, values] of records.a) {
    const key = inDomainKey(name, apexKey);
    if (key === null) continue;
    for (const v of values) {
      const ip = parseIPv4(v);
      if (ip) at(key).a.set(ip.join('.'), encodeRR(QTYPE.A, meta.ttl, ip));
    }
  }
  for (const [name, values] of records.aaaa) {
    const key = inDomainKey(name, apexKey);
    if (key === null) continue;
    for (const v of values) {
      const ip = parseIPv6(v);
      if (ip) at(key).aaaa.set(ip.join(','), encodeRR(QTYPE.AAAA, meta.ttl, ip));
    }
  }
  for (const [name, values] of records.srv) {
    const key = inDomainKey(name, apexKey);
    if (key === null) continue;
    for (const v of values) {
      const colon = v.lastIndexOf(':');
      const portText = v.slice(colon + 1);
      if (colon < 0 || !/^\d{1,15}$/.test(portText)) continue;
      const port = Number(portText) & 0xffff;
      const target = v.slice(0, colon);
      const targetKey = target.endsWith('.') ? target : `${target}.`;
      const targetWire = hostNameToWire(targetKey);
      if (!targetWire || targetKey === '.') continue;
      const rr = encodeRR(QTYPE.SRV, meta.ttl, srvRdata(meta.srvWeight, port, targetWire));
      at(key).srv.set(`${targetKey}:${port}`, { rr, target: targetKey });
    }
  }
  // Every ancestor of a stored name exists (RFC 8020), down to the apex, which always does.
  for (const key of [...names.keys()]) {
    for (let p = parentName(key); p !== null && !names.has(p); p = parentName(p)) {
      at(p);
      if (p === apexKey) break;
    }
  }
  at(apexKey);
  return names;
}

/** Builds the table buffer; throws ConfigError only for unusable meta (domain, SOA names, numbers). */
export function buildTableBuffer(records: RecordSet, meta: TableMeta): ArrayBuffer {
  const domain = meta.domain.toLowerCase().replace(/\.$/, '');
  const apexKey = domain === '' ? '.' : `${domain}.`;
  const domainWire = hostNameToWire(apexKey);
  if (!domainWire) throw new ConfigError(`domain ${JSON.stringify(meta.domain)} is not a valid DNS name`, 'domain');
  const mnameKey = meta.soaMname.toLowerCase().endsWith('.') ? meta.soaMname.toLowerCase() : `${meta.soaMname.toLowerCase()}.`;
  const mname = hostNameToWire(mnameKey);
  if (!mname) throw new ConfigError(`SOAMname ${JSON.stringify(meta.soaMname)} is not a valid host name`, 'SOAMname');
  const rname = anyNameToWire(meta.soaRname);
  if (!rname) throw new ConfigError(`SOARname ${JSON.stringify(meta.soaRname)} is not a valid DNS name`, 'SOARname');
  const nums = {
    ttl: u32(meta.ttl, 'ttl'),
    serial: u32(meta.serial, 'serial'),
    soaRefresh: u32(meta.soaRefresh, 'SOARefresh'),
    soaRetry: u32(meta.soaRetry, 'SOARetry'),
    soaExpire: u32(meta.soaExpire, 'SOAExpire'),
    soaMinttl: u32(meta.soaMinttl, 'SOAMinttl'),
    srvWeight: u32(meta.srvWeight, 'SRVRecordDefaultWeight') & 0xffff,
  };

  const names = collect(records, { ...meta, ...nums }, apexKey);
  const keys = [...names.keys()];
  const index = new Map(keys.map((k, i) => [k, i]));
  let srvTotal = 0;
  for (const d of names.values()) srvTotal += d.srv.size;

  let hashCap = 8;
  while (hashCap < keys.length * 2) hashCap *= 2;
  const hashOff = HEADER_SLOTS;
  const entriesOff = hashOff + hashCap;
  const srvListOff = entriesOff + keys.length * ENTRY_SLOTS;
  const bytesBase = (srvListOff + srvTotal * SRV_SLOTS) * 4;
  const slots = new Uint32Array(bytesBase / 4);
  const bytes = new Bytes(bytesBase);

  const hasAddresses = (key: string): number => {
    const d = names.get(key);
    return d && d.a.size + d.aaaa.size > 0 ? index.get(key)! + 1 : 0;
  };
  let countNames = 0;
  let countA = 0;
  let countAAAA = 0;
  let srvAt = srvListOff;
  keys.forEach((key, i) => {
    const d = names.get(key)!;
    const e = entriesOff + i * ENTRY_SLOTS;
    slots[e + E.nameOff] = bytes.add(d.wire);
    slots[e + E.nameLen] = d.wire.length;
    slots[e + E.aCount] = d.a.size;
    slots[e + E.aOff] = bytes.len + bytesBase;
    for (const rr of d.a.values()) bytes.add(rr);
    slots[e + E.aaaaCount] = d.aaaa.size;
    slots[e + E.aaaaOff] = bytes.len + bytesBase;
    for (const rr of d.aaaa.values()) bytes.add(rr);
    slots[e + E.srvIndex] = (srvAt - srvListOff) / SRV_SLOTS;
    slots[e + E.srvCount] = d.srv.size;
    for (const srv of d.srv.values()) {
      slots[srvAt + S.rrOff] = bytes.add(srv.rr);
      slots[srvAt + S.rrLen] = srv.rr.length;
      slots[srvAt + S.targetEntry] = hasAddresses(srv.target);
      srvAt += SRV_SLOTS;
    }
    if (d.a.size + d.aaaa.size + d.srv.size > 0) countNames++;
    countA += d.a.size;
    countAAAA += d.aaaa.size;
    let h = hashWire(d.wire, 0, d.wire.length) & (hashCap - 1);
    while (slots[hashOff + h] !== 0) h = (h + 1) & (hashCap - 1);
    slots[hashOff + h] = i + 1;
  });

  const soa = (minimumTtl: number): Uint8Array =>
    encodeRR(
      QTYPE.SOA,
      minimumTtl,
      soaRdata({ mname, rname, serial: nums.serial, refresh: nums.soaRefresh, retry: nums.soaRetry, expire: nums.soaExpire, minimum: nums.soaMinttl }),
    );
  const soaAnswer = soa(nums.ttl);
  const soaNegative = soa(Math.min(nums.ttl, nums.soaMinttl));
  const ns = encodeRR(QTYPE.NS, nums.ttl, mname);
  const text = new TextEncoder();
  const domainStr = text.encode(domain);
  const mnameStr = text.encode(meta.soaMname);
  const rnameStr = text.encode(meta.soaRname);

  const set = (slot: number, value: number): void => {
    slots[slot] = value;
  };
  set(H.magic, MAGIC);
  set(H.version, VERSION);
  set(H.ttl, nums.ttl);
  set(H.serial, nums.serial);
  set(H.soaRefresh, nums.soaRefresh);
  set(H.soaRetry, nums.soaRetry);
  set(H.soaExpire, nums.soaExpire);
  set(H.soaMinttl, nums.soaMinttl);
  set(H.srvWeight, nums.srvWeight);
  set(H.countNames, countNames);
  set(H.countA, countA);
  set(H.countAAAA, countAAAA);
  set(H.countSrv, srvTotal);
  set(H.domainStrOff, bytes.add(domainStr));
  set(H.domainStrLen, domainStr.length);
  set(H.mnameStrOff, bytes.add(mnameStr));
  set(H.mnameStrLen, mnameStr.length);
  set(H.rnameStrOff, bytes.add(rnameStr));
  set(H.rnameStrLen, rnameStr.length);
  set(H.hashOff, hashOff);
  set(H.hashCap, hashCap);
  set(H.entriesOff, entriesOff);
  set(H.entryCount, keys.length);
  set(H.srvListOff, srvListOff);
  set(H.apexEntry, index.get(apexKey)!);
  set(H.domainWireOff, bytes.add(domainWire));
  set(H.domainWireLen, domainWire.length);
  set(H.soaAnswerOff, bytes.add(soaAnswer));
  set(H.soaAnswerLen, soaAnswer.length);
  set(H.soaNegativeOff, bytes.add(soaNegative));
  set(H.soaNegativeLen, soaNegative.length);
  set(H.nsOff, bytes.add(ns));
  set(H.nsLen, ns.length);
  set(H.nsGlueEntry, hasAddresses(mnameKey));

  const total = (bytesBase + bytes.len + 3) & ~3;
  set(H.byteLength, total);
  const out = new ArrayBuffer(total);
  new Uint32Array(out, 0, slots.length).set(slots);
  new Uint8Array(out, bytesBase).set(bytes.buf.subarray(0, bytes.len));
  return out;
}
