/**
 * RecordSet + meta → the table's ArrayBuffer. All the expensive work of
 * answering happens here, once per refresh: validating names, encoding every
 * RR, resolving SRV glue, marking empty non-terminals. Two passes: the plan
 * (table-plan.ts) sizes everything, then RRs are encoded straight into the
 * one buffer — no per-name or per-RR objects, which matters at 50,000 tasks.
 */
import { ConfigError } from '../errors.js';
import type { RecordStore } from '../records/store.js';
import { E, ENTRY_SLOTS, H, HEADER_SLOTS, MAGIC, P, PTR_SLOTS, R, S, SRV_SLOTS, VERSION } from './layout.js';
import {
  AAAA_RDATA_LEN,
  A_RDATA_LEN,
  QTYPE,
  RR_AAAA_LEN,
  RR_A_LEN,
  RR_FIXED_LEN,
  SRV_FIXED_LEN,
  SRV_TARGET_AT,
} from '../wire/constants.js';
import { anyNameToWire, encodeRR, hostNameToWire, soaRdata, writeRRHead } from './encode.js';
import { ROOT } from '../records/names.js';
import { T_A, T_AAAA, T_SRV, TablePlan } from './plan.js';

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

function u32(value: number, key: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new ConfigError(`${key} must be an integer in [0, 4294967295], got ${value}`, key);
  }
  return value;
}

function apexOf(configured: string): { domain: string; apexKey: string; domainWire: Uint8Array } {
  const domain = configured.toLowerCase().replace(/\.$/, '');
  const apexKey = domain === '' ? '.' : `${domain}.`;
  const domainWire = hostNameToWire(apexKey);
  if (!domainWire) throw new ConfigError(`domain ${JSON.stringify(configured)} is not a valid DNS name`, 'domain');
  return { domain, apexKey, domainWire };
}

/** Build pass 1 alone: the plan `buildTableBuffer` would write a table of `store` from. */
export function planTable(store: RecordStore, domain: string): TablePlan {
  const { apexKey, domainWire } = apexOf(domain);
  return new TablePlan(store, apexKey, domainWire);
}

/**
 * Builds the table buffer, and gives its plan too (which names became entries,
 * with how many RRs); throws ConfigError only for unusable meta (domain, SOA
 * names, numbers).
 */
export function buildTableBuffer(store: RecordStore, meta: TableMeta): { buffer: ArrayBuffer; plan: TablePlan } {
  const { domain, apexKey, domainWire } = apexOf(meta.domain);
  const mnameKey = meta.soaMname.toLowerCase().endsWith('.')
    ? meta.soaMname.toLowerCase()
    : `${meta.soaMname.toLowerCase()}.`;
  const mname = hostNameToWire(mnameKey);
  if (!mname) throw new ConfigError(`SOAMname ${JSON.stringify(meta.soaMname)} is not a valid host name`, 'soaMname');
  const rname = anyNameToWire(meta.soaRname);
  if (!rname) throw new ConfigError(`SOARname ${JSON.stringify(meta.soaRname)} is not a valid DNS name`, 'soaRname');
  const nums = {
    ttl: u32(meta.ttl, 'ttl'),
    serial: u32(meta.serial, 'serial'),
    soaRefresh: u32(meta.soaRefresh, 'soaRefresh'),
    soaRetry: u32(meta.soaRetry, 'soaRetry'),
    soaExpire: u32(meta.soaExpire, 'soaExpire'),
    soaMinttl: u32(meta.soaMinttl, 'soaMinttl'),
    srvWeight: u32(meta.srvWeight, 'srvRecordDefaultWeight') & 0xffff,
  };

  const plan = new TablePlan(store, apexKey, domainWire);
  const entries = plan.entryNode.length;
  const count = plan.count;
  const start = plan.start;
  const srvRRs = plan.srvTarget.length;
  const aList = plan.aList.items;
  const aaaaList = plan.aaaaList.items;
  const srvList = plan.srvList.items;
  const srvPortLen = plan.srvPortLen.items;
  // Each SRV RR id is encoded once; every name holding it points there (the
  // readers only follow rrOff/rrLen). Sizing counts each id reached once.
  const srvWritten = new Uint32Array(srvRRs);
  const srvGlue = new Uint32Array(srvRRs);
  const counted = new Uint8Array(srvRRs);
  let srvTotal = 0;
  let rrBytes = plan.nameBytes;
  for (let i = 0; i < entries; i++) {
    rrBytes += count[i * 3 + T_A]! * RR_A_LEN + count[i * 3 + T_AAAA]! * RR_AAAA_LEN;
    const srvCount = count[i * 3 + T_SRV]!;
    srvTotal += srvCount;
    for (let k = start[i * 3 + T_SRV]!, end = k + srvCount; k < end; k++) {
      const id = srvList[k]!;
      if (counted[id] === 0) {
        counted[id] = 1;
        rrBytes += SRV_TARGET_AT + (srvPortLen[id]! & 0xff);
      }
    }
  }
  const reverse = plan.reverse;
  const ptrTargets = reverse.rrTarget;
  const ptrRRs = reverse.rrs;
  const ptrTotal = reverse.listed;
  rrBytes += reverse.nameBytes;
  for (let k = 0; k < ptrRRs; k++) rrBytes += RR_FIXED_LEN + plan.wireLen[ptrTargets[k]!]!;

  const soa = (minimumTtl: number): Uint8Array =>
    encodeRR(
      QTYPE.SOA,
      minimumTtl,
      soaRdata({
        mname,
        rname,
        serial: nums.serial,
        refresh: nums.soaRefresh,
        retry: nums.soaRetry,
        expire: nums.soaExpire,
        minimum: nums.soaMinttl,
      }),
    );
  const soaAnswer = soa(nums.ttl);
  const soaNegative = soa(Math.min(nums.ttl, nums.soaMinttl));
  const ns = encodeRR(QTYPE.NS, nums.ttl, mname);
  const text = new TextEncoder();
  const domainStr = text.encode(domain);
  const mnameStr = text.encode(meta.soaMname);
  const rnameStr = text.encode(meta.soaRname);
  const trailer = [domainStr, mnameStr, rnameStr, domainWire, soaAnswer, soaNegative, ns];

  const hashRegion = plan.slots;
  const hashCap = hashRegion.length;
  const hashOff = HEADER_SLOTS;
  const entriesOff = hashOff + hashCap;
  const srvListOff = entriesOff + (entries + reverse.count) * ENTRY_SLOTS;
  const ptrListOff = srvListOff + srvTotal * SRV_SLOTS;
  const bytesBase = (ptrListOff + ptrTotal * PTR_SLOTS) * 4;
  const total = (bytesBase + rrBytes + trailer.reduce((n, b) => n + b.length, 0) + 3) & ~3;
  store.budget.charge(total);
  const out = new ArrayBuffer(total);
  const slots = new Uint32Array(out, 0, bytesBase / 4);
  const u8 = new Uint8Array(out);
  slots.set(hashRegion, hashOff);
  let off = bytesBase;

  const ttl = nums.ttl;
  let countNames = 0;
  let countA = 0;
  let countAAAA = 0;
  let srvAt = srvListOff;
  const tree = store.names;
  /**
   * Writes node's wire name at `at`, label by label up to the first ancestor
   * whose name is already in the buffer (an entry before `written`), whose
   * bytes are copied: entries come parents first, so that is usually the
   * parent. Returns the offset after the name.
   */
  const writeName = (node: number, at: number, written: number): number => {
    for (let x = node; ; x = tree.parent(x)) {
      const e = plan.entryOf[x]!;
      if (e >= 0 && e < written) {
        const from = slots[entriesOff + e * ENTRY_SLOTS + E.nameOff]!;
        const len = slots[entriesOff + e * ENTRY_SLOTS + E.nameLen]!;
        u8.copyWithin(at, from, from + len);
        return at + len;
      }
      if (x === ROOT) {
        u8[at] = 0;
        return at + 1;
      }
      const label = tree.label(x);
      u8[at++] = label.length;
      for (let k = 0; k < label.length; k++) u8[at++] = label.charCodeAt(k);
    }
  };
  for (let i = 0; i < entries; i++) {
    const e = entriesOff + i * ENTRY_SLOTS;
    const nameOff = off;
    off = writeName(plan.entryNode[i]!, off, i);
    slots[e + E.nameOff] = nameOff;
    slots[e + E.nameLen] = off - nameOff;

    const aCount = count[i * 3 + T_A]!;
    slots[e + E.aCount] = aCount;
    slots[e + E.aOff] = off;
    for (let k = start[i * 3 + T_A]!, end = k + aCount; k < end; k++) {
      const ip = aList[k]!;
      const at = writeRRHead(u8, off, QTYPE.A, ttl, A_RDATA_LEN);
      u8[at] = ip >>> 24;
      u8[at + 1] = (ip >>> 16) & 0xff;
      u8[at + 2] = (ip >>> 8) & 0xff;
      u8[at + 3] = ip & 0xff;
      off = at + A_RDATA_LEN;
    }

    const aaaaCount = count[i * 3 + T_AAAA]!;
    slots[e + E.aaaaCount] = aaaaCount;
    slots[e + E.aaaaOff] = off;
    for (
      let k = start[i * 3 + T_AAAA]! * AAAA_RDATA_LEN, end = k + aaaaCount * AAAA_RDATA_LEN;
      k < end;
      k += AAAA_RDATA_LEN
    ) {
      const at = writeRRHead(u8, off, QTYPE.AAAA, ttl, AAAA_RDATA_LEN);
      for (let j = 0; j < AAAA_RDATA_LEN; j++) u8[at + j] = aaaaList[k + j]!;
      off = at + AAAA_RDATA_LEN;
    }

    const srvCount = count[i * 3 + T_SRV]!;
    slots[e + E.srvIndex] = (srvAt - srvListOff) / SRV_SLOTS;
    slots[e + E.srvCount] = srvCount;
    for (let k = start[i * 3 + T_SRV]!, end = k + srvCount; k < end; k++) {
      const id = srvList[k]!;
      const len = SRV_TARGET_AT + (srvPortLen[id]! & 0xff);
      if (srvWritten[id] === 0) {
        const port = srvPortLen[id]! >>> 8;
        const at = writeRRHead(u8, off, QTYPE.SRV, ttl, len - RR_FIXED_LEN);
        u8[at] = 0;
        u8[at + 1] = 0;
        u8[at + 2] = nums.srvWeight >> 8;
        u8[at + 3] = nums.srvWeight & 0xff;
        u8[at + 4] = port >> 8;
        u8[at + 5] = port & 0xff;
        writeName(plan.srvTarget.items[id]!, at + SRV_FIXED_LEN, i + 1);
        srvWritten[id] = off;
        srvGlue[id] = plan.srvTargetEntry(id);
        off += len;
      }
      slots[srvAt + S.rrOff] = srvWritten[id]!;
      slots[srvAt + S.rrLen] = len;
      slots[srvAt + S.targetEntry] = srvGlue[id]!;
      srvAt += SRV_SLOTS;
    }

    if (aCount + aaaaCount + srvCount > 0) countNames++;
    countA += aCount;
    countAAAA += aaaaCount;
  }

  // Each PTR RR once, its target's name copied from the target's entry (or its nearest ancestor's).
  const ptrRROff = new Uint32Array(ptrRRs);
  const ptrRRLen = new Uint32Array(ptrRRs);
  for (let k = 0; k < ptrRRs; k++) {
    const target = ptrTargets[k]!;
    ptrRROff[k] = off;
    off = writeName(target, writeRRHead(u8, off, QTYPE.PTR, ttl, plan.wireLen[target]!), entries);
    ptrRRLen[k] = off - ptrRROff[k]!;
  }
  const { names: reverseNames, nameStart, rrStart, rrCount, rrList } = reverse;
  let ptrAt = ptrListOff;
  for (let r = 0, n = reverse.count; r < n; r++) {
    const e = entriesOff + (entries + r) * ENTRY_SLOTS;
    const from = nameStart[r]!;
    const to = nameStart[r + 1]!;
    slots[e + R.nameOff] = off;
    slots[e + R.nameLen] = to - from;
    for (let k = from; k < to; k++) u8[off++] = reverseNames[k]!;
    const ptrCount = rrCount[r]!;
    slots[e + R.ptrIndex] = (ptrAt - ptrListOff) / PTR_SLOTS;
    slots[e + R.ptrCount] = ptrCount;
    for (let k = rrStart[r]!, end = k + ptrCount; k < end; k++) {
      const id = rrList[k]!;
      slots[ptrAt + P.rrOff] = ptrRROff[id]!;
      slots[ptrAt + P.rrLen] = ptrRRLen[id]!;
      ptrAt += PTR_SLOTS;
    }
  }

  const add = (bytes: Uint8Array): number => {
    u8.set(bytes, off);
    off += bytes.length;
    return off - bytes.length;
  };
  const set = (slot: number, value: number): void => {
    slots[slot] = value;
  };
  /** Stores bytes and records their offset and length in the given header slots. */
  const blob = (offSlot: number, lenSlot: number, bytes: Uint8Array): void => {
    set(offSlot, add(bytes));
    set(lenSlot, bytes.length);
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
  blob(H.domainStrOff, H.domainStrLen, domainStr);
  blob(H.mnameStrOff, H.mnameStrLen, mnameStr);
  blob(H.rnameStrOff, H.rnameStrLen, rnameStr);
  set(H.hashOff, hashOff);
  set(H.hashCap, hashCap);
  set(H.entriesOff, entriesOff);
  set(H.entryCount, entries + reverse.count);
  set(H.reverseEntry, entries);
  set(H.countPtr, ptrTotal);
  set(H.srvListOff, srvListOff);
  set(H.ptrListOff, ptrListOff);
  set(H.apexEntry, plan.apexEntry);
  blob(H.domainWireOff, H.domainWireLen, domainWire);
  blob(H.soaAnswerOff, H.soaAnswerLen, soaAnswer);
  blob(H.soaNegativeOff, H.soaNegativeLen, soaNegative);
  blob(H.nsOff, H.nsLen, ns);
  set(H.nsGlueEntry, plan.addressEntry(mnameKey));

  set(H.byteLength, total);
  return { buffer: out, plan };
}
