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
import { goEscape } from './go-json.js';

/**
 * Each chunk is a buffer of its own (it is transferred to the thread that sends it), so chunks stay below
 * glibc's mmap threshold as bin/mesos-dns fixes it, 128 KiB, even after the write that fills them: larger ones
 * were each mapped, faulted in and unmapped again, and a 130 MB `/v1/enumerate` took half as long again.
 */
export const CHUNK_BYTES = 100 * 1024;

/** 1 for the ASCII code units Go writes inside a string as they are. */
const PLAIN_ASCII = new Uint8Array(128);
for (let c = 0x20; c < 0x80; c++) PLAIN_ASCII[c] = 1;
for (const c of '"\\<>&') PLAIN_ASCII[c.charCodeAt(0)] = 0;

export class ByteChunks {
  private buf: Buffer;
  private off = 0;

  constructor(private readonly chunkBytes = CHUNK_BYTES) {
    // Room for one more write of any usual size after the chunk is full.
    this.buf = Buffer.allocUnsafe(chunkBytes + 64 * 1024);
  }

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
    do {
      buf[--end] = 0x30 + (v % 10);
      v = (v / 10) | 0;
    } while (v > 0);
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
      if (c >= 0x80 || PLAIN_ASCII[c] === 0) {
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

  /** The bytes written since the last take, in a buffer of their own (transferable). */
  take(): Uint8Array {
    // Not zero-filled (every byte is copied over) and never from Buffer's shared pool.
    const out = Buffer.allocUnsafeSlow(this.off);
    this.buf.copy(out, 0, 0, this.off);
    this.off = 0;
    return out;
  }

  private reserve(bytes: number): void {
    if (this.off + bytes > this.buf.length) this.grow(bytes);
  }

  private grow(extra: number): void {
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.off + extra));
    this.buf.copy(next, 0, 0, this.off);
    this.buf = next;
  }
}
