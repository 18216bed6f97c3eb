/**
 * A small immutable set of names, each with a mark, in one ArrayBuffer: the
 * names an overlay hides in its base table (see live.ts). Same hashing and
 * case rules as the record table, so a query is looked up from its wire bytes
 * without building a name.
 *
 *   header   MARKS_HEADER_SLOTS × u32   magic "MDNM", byte length, count, capacity
 *   index    capacity × u32             entry + 1 per slot (0 = empty), linear probing
 *   entries  count × 3 u32              name offset, name length, mark
 *   bytes                               the names, lower-case wire form
 */
import { MesosDnsError } from '../errors.js';
import { hashWireName } from './layout.js';

const MAGIC = 0x4d444e4d; // "MDNM"
const HEADER_SLOTS = 4;
const ENTRY = 3;

/** `get` of a name not in the set. */
export const UNMARKED = -1;

export interface MarkedName {
  /** lower-case wire form */
  wire: Uint8Array;
  /** a small non-negative number */
  mark: number;
}

export function buildNameMarks(names: readonly MarkedName[]): ArrayBuffer {
  let cap = 8;
  while (cap < names.length * 2) cap *= 2;
  const entriesOff = HEADER_SLOTS + cap;
  const bytesOff = (entriesOff + names.length * ENTRY) * 4;
  const total = (bytesOff + names.reduce((n, m) => n + m.wire.length, 0) + 3) & ~3;
  const out = new ArrayBuffer(total);
  const u32 = new Uint32Array(out, 0, bytesOff / 4);
  const u8 = new Uint8Array(out);
  u32[0] = MAGIC;
  u32[1] = total;
  u32[2] = names.length;
  u32[3] = cap;
  let off = bytesOff;
  names.forEach((m, i) => {
    u8.set(m.wire, off);
    const e = entriesOff + i * ENTRY;
    u32[e] = off;
    u32[e + 1] = m.wire.length;
    u32[e + 2] = m.mark;
    let p = hashWireName(m.wire, 0, m.wire.length) & (cap - 1);
    while (u32[HEADER_SLOTS + p] !== 0) p = (p + 1) & (cap - 1);
    u32[HEADER_SLOTS + p] = i + 1;
    off += m.wire.length;
  });
  return out;
}

export class NameMarks {
  readonly buffer: ArrayBuffer;
  readonly count: number;
  private readonly u32: Uint32Array;
  private readonly u8: Uint8Array;
  private readonly mask: number;
  private readonly entriesOff: number;

  private constructor(buffer: ArrayBuffer) {
    this.buffer = buffer;
    this.u32 = new Uint32Array(buffer, 0, buffer.byteLength >>> 2);
    this.u8 = new Uint8Array(buffer);
    this.count = this.u32[2]!;
    this.mask = this.u32[3]! - 1;
    this.entriesOff = HEADER_SLOTS + this.u32[3]!;
  }

  /** Adopts a buffer made by `buildNameMarks`; checks the header only. */
  static fromBuffer(buffer: ArrayBuffer): NameMarks {
    const ok =
      buffer.byteLength >= HEADER_SLOTS * 4 &&
      buffer.byteLength % 4 === 0 &&
      (() => {
        const h = new Uint32Array(buffer, 0, HEADER_SLOTS);
        return h[0] === MAGIC && h[1] === buffer.byteLength;
      })();
    if (!ok) throw new MesosDnsError('MESOS_DNS_TABLE_INVALID', `not a name marks buffer (${buffer.byteLength} bytes)`);
    return new NameMarks(buffer);
  }

  /** The mark of the wire name `buf[start, end)` (ASCII case ignored), or UNMARKED. */
  get(buf: Uint8Array, start: number, end: number): number {
    if (this.count === 0) return UNMARKED;
    const key = hashWireName(buf, start, end);
    if (key < 0) return UNMARKED;
    const u32 = this.u32;
    const len = end - start;
    for (let p = key & this.mask; ; p = (p + 1) & this.mask) {
      const slot = u32[HEADER_SLOTS + p]!;
      if (slot === 0) return UNMARKED;
      const e = this.entriesOff + (slot - 1) * ENTRY;
      if (u32[e + 1] !== len) continue;
      const off = u32[e]!;
      let i = 0;
      for (; i < len; i++) {
        let b = buf[start + i]!;
        if (b >= 0x41 && b <= 0x5a) b |= 0x20;
        if (b !== this.u8[off + i]) break;
      }
      if (i === len) return u32[e + 2]!;
    }
  }
}
