/**
 * String answers by string key, packed into one ArrayBuffer: the form in which
 * the HTTP-only names (http-names.ts) cross from the refresh worker to the
 * thread that answers DNS. A Map of thousands of strings is copied there by
 * structured clone, and copying and then collecting those strings stalled
 * that thread for 40–70 ms at every new table of a 50,000-task cluster. A
 * buffer is transferred without a copy and read in place: a lookup hashes the
 * key's UTF-8 bytes, probes, and decodes only the answer it finds.
 *
 * Layout, all little-endian u32 before the bytes:
 *   [magic, count, slots]
 *   slots × (entry index + 1, or 0 when empty): open addressing, linear probing, at most half full
 *   (2 × count + 1) × byte offsets: entry i's key is bytes[off[2i], off[2i+1]), its answer bytes[off[2i+1], off[2i+2])
 *   bytes: the keys and answers in UTF-8
 */
import { MesosDnsError } from '../errors.js';
import { FNV_OFFSET, FNV_PRIME } from '../records/hash.js';

const MAGIC = 0x50414e53;
const HEADER = 3;

/** FNV-1a over bytes. */
function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let h = FNV_OFFSET;
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i]!, FNV_PRIME);
  return h >>> 0;
}

/** Packs `entries` (distinct keys). */
export function packAnswers(entries: ReadonlyArray<readonly [string, string]>): ArrayBuffer {
  const count = entries.length;
  let slots = 8;
  while (slots < 2 * count) slots *= 2;
  let textBytes = 0;
  for (const [key, answer] of entries) textBytes += Buffer.byteLength(key) + Buffer.byteLength(answer);
  const u32s = HEADER + slots + 2 * count + 1;
  const buffer = new ArrayBuffer(u32s * 4 + textBytes);
  const u32 = new Uint32Array(buffer, 0, u32s);
  const bytes = Buffer.from(buffer, u32s * 4);
  u32[0] = MAGIC;
  u32[1] = count;
  u32[2] = slots;
  const offsets = HEADER + slots;
  let off = 0;
  for (let i = 0; i < count; i++) {
    const [key, answer] = entries[i]!;
    u32[offsets + 2 * i] = off;
    const keyEnd = off + bytes.write(key, off);
    u32[offsets + 2 * i + 1] = keyEnd;
    off = keyEnd + bytes.write(answer, keyEnd);
    let p = hashBytes(bytes, u32[offsets + 2 * i]!, keyEnd) & (slots - 1);
    while (u32[HEADER + p] !== 0) p = (p + 1) & (slots - 1);
    u32[HEADER + p] = i + 1;
  }
  u32[offsets + 2 * count] = off;
  return buffer;
}

/** Answers by key, as HTTP lookups read them. */
export interface NameAnswers {
  get(key: string): string | undefined;
  entries(): IterableIterator<[string, string]>;
  readonly size: number;
}

/** A packed buffer (`packAnswers`), read in place. */
export class PackedAnswers implements NameAnswers {
  private readonly u32: Uint32Array;
  private readonly bytes: Buffer;
  private readonly slots: number;
  private readonly offsets: number;
  readonly size: number;

  constructor(buffer: ArrayBuffer) {
    const head = buffer.byteLength >= HEADER * 4 ? new Uint32Array(buffer, 0, HEADER) : null;
    const u32s = head === null ? 0 : HEADER + head[2]! + 2 * head[1]! + 1;
    if (head === null || head[0] !== MAGIC || buffer.byteLength < u32s * 4) {
      throw new MesosDnsError('MESOS_DNS_TABLE_INVALID', `not a packed answers buffer (${buffer.byteLength} bytes)`);
    }
    this.size = head[1]!;
    this.slots = head[2]!;
    this.u32 = new Uint32Array(buffer, 0, u32s);
    this.offsets = HEADER + this.slots;
    this.bytes = Buffer.from(buffer, u32s * 4);
  }

  get(key: string): string | undefined {
    const k = Buffer.from(key, 'utf8');
    const { u32, bytes, offsets } = this;
    const mask = this.slots - 1;
    for (let p = hashBytes(k, 0, k.length) & mask; ; p = (p + 1) & mask) {
      const ref = u32[HEADER + p]!;
      if (ref === 0) return undefined;
      const i = ref - 1;
      const start = u32[offsets + 2 * i]!;
      const end = u32[offsets + 2 * i + 1]!;
      if (end - start === k.length && bytes.compare(k, 0, k.length, start, end) === 0) {
        return bytes.toString('utf8', end, u32[offsets + 2 * i + 2]!);
      }
    }
  }

  *entries(): IterableIterator<[string, string]> {
    const { u32, bytes, offsets } = this;
    for (let i = 0; i < this.size; i++) {
      const keyEnd = u32[offsets + 2 * i + 1]!;
      yield [
        bytes.toString('utf8', u32[offsets + 2 * i]!, keyEnd),
        bytes.toString('utf8', keyEnd, u32[offsets + 2 * i + 2]!),
      ];
    }
  }
}
