import { TYPE_A, TYPE_AAAA, TYPE_SRV, type RecordStore, type StoreType } from './store.js';
import { FNV_OFFSET, FNV_PRIME } from './hash.js';

const MUR = 0x5bd1e995;
/** Mixed into a PTR pair's hash as `type + 1` is into a record's: a PTR pair is never hashed as a record. */
const PTR_TAG = 4;

/** One 32-bit word into the first running hash (FNV-1a). */
function step1(h: number, w: number): number {
  return Math.imul(h ^ w, FNV_PRIME);
}

/** One 32-bit word into the second running hash. */
function step2(h: number, w: number): number {
  return Math.imul(h ^ w, MUR) ^ (h >>> 15);
}

/**
 * The two running hashes as two numbers, not a pair object: 875,000 records
 * at 50,000 tasks, and the per-record pairs were garbage the collector had to
 * sweep (a third of the digest's time).
 */
let h1 = 0;
let h2 = 0;

function step(w: number): void {
  h1 = step1(h1, w);
  h2 = step2(h2, w);
}

function textHash(s: string): void {
  for (let i = 0; i < s.length; i++) step(s.charCodeAt(i));
}

/** The 16 bytes at `off` as four big-endian words into both hashes. */
function bytesHash(bytes: Uint8Array, off: number): void {
  for (let i = off; i < off + 16; i += 4) {
    step((bytes[i]! << 24) | (bytes[i + 1]! << 16) | (bytes[i + 2]! << 8) | bytes[i + 3]!);
  }
}

/**
 * An order-independent digest of a record store: two refreshes that produce
 * the same records (in any order) get the same digest, so the SOA serial only
 * moves when the content does. Each record is hashed from its type, its
 * name's text and its value's numbers (or kept text) by two 32-bit hashes,
 * and the records' hashes are summed; an accidental collision is vanishingly
 * unlikely for this purpose. The PTR pairs count too (a target's
 * address can change while every forward record stays).
 */
export function recordDigest(store: RecordStore): string {
  const n = store.nameCount;
  const tree = store.names;
  // A name's hash continues its parent's over its label and a separator: a function of its text
  // (names.ts), computed once per name in id order, parents first.
  const names1 = new Uint32Array(n);
  const names2 = new Uint32Array(n);
  for (let id = 0; id < n; id++) {
    const parent = tree.parent(id);
    h1 = parent < 0 ? FNV_OFFSET ^ id : names1[parent]!;
    h2 = parent < 0 ? FNV_PRIME ^ id : names2[parent]!;
    textHash(tree.label(id));
    step(0x2e);
    names1[id] = h1;
    names2[id] = h2;
  }
  let sum1 = 0;
  let sum2 = 0;
  let count = 0;
  const bytes = store.aaaaBytes();
  for (const type of [TYPE_A, TYPE_AAAA, TYPE_SRV] as StoreType[]) {
    for (let id = 0; id < n; id++) {
      if (store.count(type, id) === 0) continue;
      const n1 = names1[id]!;
      const n2 = names2[id]!;
      for (let node = store.firstNode(type, id); node >= 0; node = store.nextNode(type, node)) {
        h1 = n1 ^ (type + 1);
        h2 = n2 ^ (type + 1);
        const raw = store.rawOf(type, node);
        if (raw !== undefined) {
          step(0xffffffff);
          textHash(raw);
        } else if (type === TYPE_A) {
          step(store.aOf(node));
        } else if (type === TYPE_AAAA) {
          bytesHash(bytes, node * 16);
        } else {
          const target = store.srvTargetOf(node);
          const port = store.srvPortOf(node);
          step(names1[target]!);
          step(names2[target]!);
          step(port >>> 0);
          step(Math.floor(port / 0x100000000));
        }
        sum1 = (sum1 + (h1 >>> 0)) >>> 0;
        sum2 = (sum2 + (h2 >>> 0)) >>> 0;
        count++;
      }
    }
  }
  const ptr = store.ptr;
  const v6 = ptr.v6Bytes();
  for (let g = 0; g < ptr.groupCount; g++) {
    for (let pair = ptr.firstPair(g); pair >= 0; pair = ptr.nextPair(pair)) {
      const target = ptr.targetOf(pair);
      h1 = names1[target]! ^ PTR_TAG;
      h2 = names2[target]! ^ PTR_TAG;
      if (ptr.familyOf(g) === 4) step(ptr.v4Of(g));
      else bytesHash(v6, ptr.v6Offset(g));
      sum1 = (sum1 + (h1 >>> 0)) >>> 0;
      sum2 = (sum2 + (h2 >>> 0)) >>> 0;
      count++;
    }
  }
  return `${count}:${sum1.toString(16)}:${sum2.toString(16)}`;
}

/**
 * SOA serial rule (docs/compatibility.md, SOA serial): time-based, bumped only when the content
 * changed, never backwards — even when the clock steps back or two changes land
 * in the same second.
 */
export function nextSerial(prevSerial: number | null, sameRecords: boolean, nowSeconds: number): number {
  const now = nowSeconds >>> 0;
  if (prevSerial === null) return now;
  if (sameRecords) return prevSerial;
  return Math.max(now, prevSerial + 1) >>> 0;
}
