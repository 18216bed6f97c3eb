import { StreamFailure } from '../../errors.js';

/**
 * Longest length prefix accepted: 20 digits hold any unsigned 64-bit length,
 * which is what Mesos writes; more is garbage whatever its value.
 */
const MAX_PREFIX_DIGITS = 20;

const NEWLINE = 0x0a;
const ZERO = 0x30;
const NINE = 0x39;

/**
 * Incremental RecordIO decoder (`<decimal length>\n<length bytes>` repeated,
 * the framing of the Mesos event stream). Chunks may split a record or its
 * length prefix anywhere. Memory is bounded by `maxRecordBytes`: a record
 * announced longer than that is refused as soon as its prefix says so, before
 * any of its bytes are kept.
 */
export class RecordIoDecoder {
  /** digits of the length prefix read so far (-1 while reading a record's bytes) */
  private digits = 0;
  private length = 0;
  private readonly parts: Buffer[] = [];
  private held = 0;

  constructor(private readonly maxRecordBytes: number) {}

  /** Bytes held for a record not complete yet. */
  get pending(): number {
    return this.held;
  }

  /**
   * The records `chunk` completes, in order (an empty Buffer for a
   * zero-length record). Throws a `StreamFailure` when the framing is broken;
   * the decoder is then unusable.
   */
  push(chunk: Buffer): Buffer[] {
    const records: Buffer[] = [];
    let i = 0;
    while (i < chunk.length) {
      if (this.digits >= 0) {
        i = this.readPrefix(chunk, i, records);
        continue;
      }
      const take = Math.min(this.length - this.held, chunk.length - i);
      this.parts.push(chunk.subarray(i, i + take));
      this.held += take;
      i += take;
      if (this.held === this.length) {
        records.push(this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.held));
        this.parts.length = 0;
        this.held = 0;
        this.digits = 0;
        this.length = 0;
      }
    }
    return records;
  }

  /** Reads prefix bytes from `at`; returns where it stopped. */
  private readPrefix(chunk: Buffer, at: number, records: Buffer[]): number {
    let i = at;
    for (; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (c === NEWLINE) {
        if (this.digits === 0) throw framing('an empty length prefix');
        if (this.length === 0) {
          records.push(Buffer.alloc(0));
          this.digits = 0;
        } else {
          this.digits = -1;
        }
        return i + 1;
      }
      if (c < ZERO || c > NINE) throw framing(`byte 0x${c.toString(16).padStart(2, '0')} in a length prefix`);
      if (++this.digits > MAX_PREFIX_DIGITS) throw framing(`a length prefix of more than ${MAX_PREFIX_DIGITS} digits`);
      this.length = this.length * 10 + (c - ZERO);
      if (this.length > this.maxRecordBytes) {
        throw new StreamFailure(
          'MESOS_DNS_STREAM_TOO_LARGE',
          `a record longer than maxStateBytes (${this.maxRecordBytes}) was announced`,
        );
      }
    }
    return i;
  }
}

function framing(what: string): StreamFailure {
  return new StreamFailure('MESOS_DNS_STREAM_FRAMING', `RecordIO framing broken: ${what}`);
}
