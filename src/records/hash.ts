import * as crypto from 'node:crypto';

/** FNV-1a, 32 bits: the indexes of the record store, the name tree, the PTR pairs and the table all hash with it. */
export const FNV_OFFSET = 0x811c9dc5;
export const FNV_PRIME = 0x01000193;

/** One 32-bit word into an FNV-1a hash. */
export function fnvMix(h: number, w: number): number {
  return Math.imul(h ^ w, FNV_PRIME);
}

const ZBASE32 = 'ybndrfg8ejkmcpqxot1uwisza345h769';

/** First 32 bits of SHA-1 over the UTF-8 text; the one-shot `crypto.hash` (Node ≥ 20.12) is ~5× faster per task. */
const sha1Prefix: (text: string) => number =
  typeof crypto.hash === 'function'
    ? (text) => parseInt(crypto.hash('sha1', text, 'hex').slice(0, 8), 16)
    : (text) => crypto.createHash('sha1').update(text, 'utf8').digest().readUInt32BE(0);

/** First 5 z-base-32 characters of SHA-1(taskId): the Go program's canonical-name hash (docs/compatibility.md, Canonical names). */
export function taskHash(taskId: string): string {
  const bits = sha1Prefix(taskId);
  let out = '';
  for (let i = 0; i < 5; i++) out += ZBASE32[(bits >>> (27 - 5 * i)) & 31];
  return out;
}

/** Last `-` field of the agent id, lower-cased: `…-2410-S1` → `s1`. */
export function slaveIdTail(slaveId: string): string {
  const i = slaveId.lastIndexOf('-');
  return (i < 0 ? slaveId : slaveId.slice(i + 1)).toLowerCase();
}
