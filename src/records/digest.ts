import type { RecordSet, Values } from './types.js';

/**
 * An order-independent digest of a record set: two refreshes that produce the
 * same records (in any order) get the same digest, so the SOA serial only moves
 * when the content does. Two 32-bit FNV-1a variants summed over all records make
 * an accidental collision vanishingly unlikely for this purpose.
 */
export function recordDigest(records: RecordSet): string {
  let sum1 = 0;
  let sum2 = 0;
  let count = 0;
  const one = (tag: string, name: string, v: string) => {
    const s = `${tag}\u0000${name}\u0000${v}`;
    let h1 = 0x811c9dc5;
    let h2 = 0x01000193;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x5bd1e995) ^ (h2 >>> 15);
    }
    sum1 = (sum1 + (h1 >>> 0)) >>> 0;
    sum2 = (sum2 + (h2 >>> 0)) >>> 0;
    count++;
  };
  const add = (tag: string, name: string, values: Values) => {
    if (typeof values === 'string') one(tag, name, values);
    else for (const v of values) one(tag, name, v);
  };
  for (const [n, v] of records.a) add('A', n, v);
  for (const [n, v] of records.aaaa) add('AAAA', n, v);
  for (const [n, v] of records.srv) add('SRV', n, v);
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
