/**
 * UTF-8 output collected into chunks of about `CHUNK_BYTES`, for bodies of
 * hundreds of megabytes. Text goes straight into a byte buffer instead of
 * being joined into ever larger strings: a joined string has to be flattened
 * and then encoded again, two more passes over every byte, and the flattening
 * of a deeply concatenated string is what made rendering slow.
 *
 * Nearly every string of a body is short plain ASCII (names, addresses,
 * indentation), so `ascii` and `escaped` copy char codes in JS: a native
 * `Buffer.write` per string cost more in call overhead than the copy itself.
 * Anything else goes through Go's escaping and the native UTF-8 encoder.
 */
import { GO_PLAIN_ASCII, goEscape } from './go-json.js';

/**
 * A chunk is full from this size on. Each chunk costs a message between
 * threads and a write to the socket, and each render holds two of them (a
 * slow reader keeps its render's two, 640 KiB with the slack, for as long as
 * its connection lives). The buffers they are written into come from the
 * caller (`ChunkSource`): the refresh worker reuses two per render, so no
 * chunk is ever copied or faulted in afresh.
 */
export const CHUNK_BYTES = 256 * 1024;

/** Room for the write that fills a chunk: a chunk's buffer holds this much more than `chunkBytes`. */
export const CHUNK_SLACK_BYTES = 64 * 1024;

/** The buffer for a new chunk: at least `bytes` long, written from its start. */
export type ChunkSource = (bytes: number) => Buffer;

/** A new buffer for every chunk: not zero-filled (every byte handed out is written first), never Buffer's pool. */
export const newBuffers: ChunkSource = (bytes) => Buffer.allocUnsafeSlow(bytes);

const EMPTY: Buffer = Buffer.alloc(0);

/** The two decimal digits of 0 to 99, in turn. */
const DIGIT_PAIRS = new Uint8Array(200);
for (let i = 0; i < 100; i++) {
  DIGIT_PAIRS[i * 2] = 0x30 + Math.floor(i / 10);
  DIGIT_PAIRS[i * 2 + 1] = 0x30 + (i % 10);
}

export class ByteChunks {
  /** empty between a take and the next write, which gets a buffer from the source */
  private buf = EMPTY;
  private off = 0;

  constructor(
    private readonly chunkBytes = CHUNK_BYTES,
    private readonly source: ChunkSource = newBuffers,
  ) {}

  /** A chunk is full: take it before writing on. */
  get full(): boolean {
    return this.off >= this.chunkBytes;
  }

  /** Appends `s` as UTF-8. */
  text(s: string): void {
    // A UTF-16 code unit never takes more than 3 UTF-8 bytes.
    this.reserve(s.length * 3);
    this.off += this.buf.write(s, this.off);
  }

  /** Appends `s`, which holds ASCII only (JSON punctuation, indentation, digits). */
  ascii(s: string): void {
    const n = s.length;
    this.reserve(n);
    const buf = this.buf;
    let off = this.off;
    for (let i = 0; i < n; i++) buf[off++] = s.charCodeAt(i);
    this.off = off;
  }

  /** Appends `src[from]` up to `src[to]`: short runs, which a loop copies faster than a native call. */
  bytes(src: Uint8Array, from: number, to: number): void {
    this.reserve(to - from);
    const buf = this.buf;
    let off = this.off;
    for (let i = from; i < to; i++) buf[off++] = src[i]!;
    this.off = off;
  }

  /** Appends all of `src`. */
  all(src: Uint8Array): void {
    this.bytes(src, 0, src.length);
  }

  /** Appends one ASCII character, by its code. */
  byte(c: number): void {
    this.reserve(1);
    this.buf[this.off++] = c;
  }

  /** Appends a non-negative integer below 2^31 in decimal. */
  uint(v: number): void {
    this.reserve(10);
    const buf = this.buf;
    let end = this.off + (v < 10 ? 1 : v < 100 ? 2 : v < 1000 ? 3 : v < 10000 ? 4 : v < 100000 ? 5 : String(v).length);
    this.off = end;
    // Two digits a step: half the divisions, for the ~600,000 SRV ports of a 50,000-task body.
    while (v >= 100) {
      const q = (v / 100) | 0;
      const pair = (v - q * 100) * 2;
      buf[--end] = DIGIT_PAIRS[pair + 1]!;
      buf[--end] = DIGIT_PAIRS[pair]!;
      v = q;
    }
    if (v >= 10) {
      buf[end - 1] = DIGIT_PAIRS[v * 2 + 1]!;
      buf[end - 2] = DIGIT_PAIRS[v * 2]!;
    } else {
      buf[end - 1] = 0x30 + v;
    }
  }

  /** Appends `s` escaped as Go escapes a string's contents, without the quotes. */
  escaped(s: string): void {
    const n = s.length;
    // An escape takes at most 6 bytes per code unit (`\u001f`).
    this.reserve(n * 6);
    const buf = this.buf;
    let off = this.off;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80 || GO_PLAIN_ASCII[c] === 0) {
        // Escapes and surrogate pairs start at a code unit like this one, so the rest is escaped on its own.
        this.off = off + buf.write(goEscape(i === 0 ? s : s.slice(i)), off);
        return;
      }
      buf[off++] = c;
    }
    this.off = off;
  }

  /** Appends `s` as a Go JSON string, quotes included. */
  quoted(s: string): void {
    this.byte(0x22);
    this.escaped(s);
    this.byte(0x22);
  }

  /**
   * The bytes written since the last take: a view of the buffer they were
   * written into, from its start, never copied. The next write takes a new
   * buffer from the source, so the one handed out is the caller's until it
   * gives it back to the source.
   */
  take(): Uint8Array {
    // Nothing written: a buffer of its own all the same, as a caller may transfer it.
    if (this.off === 0) return new Uint8Array(0);
    const out = this.buf.subarray(0, this.off);
    this.buf = EMPTY;
    this.off = 0;
    return out;
  }

  private reserve(bytes: number): void {
    if (this.off + bytes > this.buf.length) this.grow(bytes);
  }

  /** A chunk's first write takes a buffer from the source; a write too large for it moves the chunk to a larger one. */
  private grow(extra: number): void {
    if (this.off === 0) {
      this.buf = this.source(Math.max(this.chunkBytes + CHUNK_SLACK_BYTES, extra));
      return;
    }
    const next = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.off + extra));
    this.buf.copy(next, 0, 0, this.off);
    this.buf = next;
  }
}
