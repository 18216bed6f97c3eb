import { HEADER_LEN, TCP_LENGTH_PREFIX } from './constants.js';

/**
 * Splits a TCP byte stream into DNS messages (RFC 1035 §4.2.2: a two-byte
 * length before each). Memory is bounded by one message (≤ 65535 bytes):
 * a message split over many segments is copied once into a buffer of its
 * exact size, and a message that arrives whole is passed on without a copy.
 */
export class FrameDecoder {
  /** first byte of a length prefix that arrived alone, or -1 */
  private lenHigh = -1;
  private msg: Buffer | null = null;
  private filled = 0;

  constructor(private readonly minLength = HEADER_LEN) {}

  /** True while a message (or its length prefix) is partly received. */
  get midMessage(): boolean {
    return this.msg !== null || this.lenHigh >= 0;
  }

  /**
   * Feeds bytes; calls `onMessage` for each complete message, in order.
   * Returns false when a length prefix is below the minimum: the stream is
   * unusable and the connection should be closed.
   */
  push(chunk: Buffer, onMessage: (msg: Buffer) => void): boolean {
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      if (this.msg !== null) {
        const take = Math.min(this.msg.length - this.filled, n - i);
        chunk.copy(this.msg, this.filled, i, i + take);
        this.filled += take;
        i += take;
        if (this.filled === this.msg.length) {
          const done = this.msg;
          this.msg = null;
          onMessage(done);
        }
        continue;
      }
      let len: number;
      if (this.lenHigh >= 0) {
        len = (this.lenHigh << 8) | chunk[i]!;
        this.lenHigh = -1;
        i += 1;
      } else if (n - i >= TCP_LENGTH_PREFIX) {
        len = chunk.readUInt16BE(i);
        i += TCP_LENGTH_PREFIX;
      } else {
        this.lenHigh = chunk[i]!;
        return true;
      }
      if (len < this.minLength) return false;
      if (n - i >= len) {
        onMessage(chunk.subarray(i, i + len));
        i += len;
      } else {
        this.msg = Buffer.allocUnsafe(len);
        this.filled = 0;
      }
    }
    return true;
  }
}

/** One buffer holding the two-byte length and the message (a single write). */
export function frame(msg: Buffer): Buffer {
  const out = Buffer.allocUnsafe(msg.length + TCP_LENGTH_PREFIX);
  out.writeUInt16BE(msg.length, 0);
  msg.copy(out, TCP_LENGTH_PREFIX);
  return out;
}
