/**
 * UTF-8 output collected into chunks of about `CHUNK_BYTES`, for bodies of
 * hundreds of megabytes. Text goes straight into a byte buffer instead of
 * being joined into ever larger strings: a joined string has to be flattened
 * and then encoded again, two more passes over every byte, and the flattening
 * of a deeply concatenated string is what made rendering slow.
 */
export const CHUNK_BYTES = 256 * 1024;

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
    if (this.off + s.length * 3 > this.buf.length) this.grow(s.length * 3);
    this.off += this.buf.write(s, this.off);
  }

  /** The bytes written since the last take, in a buffer of their own (transferable). */
  take(): Uint8Array {
    const out = new Uint8Array(this.off);
    out.set(this.buf.subarray(0, this.off));
    this.off = 0;
    return out;
  }

  private grow(extra: number): void {
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.off + extra));
    this.buf.copy(next, 0, 0, this.off);
    this.buf = next;
  }
}
