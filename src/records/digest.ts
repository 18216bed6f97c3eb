import { TYPE_A, TYPE_AAAA, TYPE_SRV, type RecordStore, type StoreType } from './store.js';

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const MUR = 0x5bd1e995;
/** Mixed into a PTR pair's hash as `type + 1` is into a record's: a PTR pair is never hashed as a record. */
const PTR_TAG = 4;

/** One 32-bit word into both running hashes. */
function step(h: [number, number], w: number): void {
  h[0] = Math.imul(h[0] ^ w, FNV_PRIME);
  h[1] = Math.imul(h[1] ^ w, MUR) ^ (h[1] >>> 15);
}

function textHash(s: string, h: [number, number]): void {
  for (let i = 0; i < s.length; i++) step(h, s.charCodeAt(i));
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
  const h: [number, number] = [0, 0];
  for (let id = 0; id < n; id++) {
    const parent = tree.parent(id);
    h[0] = parent < 0 ? FNV_OFFSET ^ id : names1[parent]!;
    h[1] = parent < 0 ? FNV_PRIME ^ id : names2[parent]!;
    textHash(tree.label(id), h);
    step(h, 0x2e);
    names1[id] = h[0];
    names2[id] = h[1];
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
        const r: [number, number] = [n1 ^ (type + 1), n2 ^ (type + 1)];
        const raw = store.rawOf(type, node);
        if (raw !== undefined) {
          step(r, 0xffffffff);
          textHash(raw, r);
        } else if (type === TYPE_A) {
          step(r, store.aOf(node));
        } else if (type === TYPE_AAAA) {
          for (let i = node * 16; i < node * 16 + 16; i += 4) {
            step(r, (bytes[i]! << 24) | (bytes[i + 1]! << 16) | (bytes[i + 2]! << 8) | bytes[i + 3]!);
          }
        } else {
          const target = store.srvTargetOf(node);
          const port = store.srvPortOf(node);
          step(r, names1[target]!);
          step(r, names2[target]!);
          step(r, port >>> 0);
          step(r, Math.floor(port / 0x100000000));
        }
        sum1 = (sum1 + (r[0] >>> 0)) >>> 0;
        sum2 = (sum2 + (r[1] >>> 0)) >>> 0;
        count++;
      }
    }
  }
  const ptr = store.ptr;
  const v6 = ptr.v6Bytes();
  for (let g = 0; g < ptr.groupCount; g++) {
    for (let pair = ptr.firstPair(g); pair >= 0; pair = ptr.nextPair(pair)) {
      const target = ptr.targetOf(pair);
      const r: [number, number] = [names1[target]! ^ PTR_TAG, names2[target]! ^ PTR_TAG];
      if (ptr.familyOf(g) === 4) {
        step(r, ptr.v4Of(g));
      } else {
        const off = ptr.v6Offset(g);
        for (let i = off; i < off + 16; i += 4) {
          step(r, (v6[i]! << 24) | (v6[i + 1]! << 16) | (v6[i + 2]! << 8) | v6[i + 3]!);
        }
      }
      sum1 = (sum1 + (r[0] >>> 0)) >>> 0;
      sum2 = (sum2 + (r[1] >>> 0)) >>> 0;
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
export function nextSerial(
  prev: { serial: number; digest: string } | null,
  digest: string,
  nowSeconds: number,
): number {
  const now = nowSeconds >>> 0;
  if (!prev) return now;
  if (prev.digest === digest) return prev.serial;
  return Math.max(now, prev.serial + 1) >>> 0;
}
