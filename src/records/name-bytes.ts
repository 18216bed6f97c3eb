/**
 * Every name of a record store as UTF-8, in one buffer, for the HTTP views.
 * A `/v1/axfr` body writes each of ~400,000 names once and `/v1/enumerate`
 * writes the names of every record, many of them repeatedly (an app's name
 * for each of its tasks); copying a name's bytes costs a fifth of escaping its
 * text again, code unit by code unit, at every use. The same bytes give Go's
 * map-key order (raw UTF-8) with a plain byte comparison.
 *
 * A name's bytes are its label's, a dot, then its parent's, which are already
 * in the buffer (a parent's id is always below its children's). Held only
 * with the views' order of a store, after a swap: the DNS table never waits
 * for them.
 */
import { GO_PLAIN_ASCII, goEscapes } from '../json/go-json.js';
import { ROOT, RELATIVE, type NameTree } from './names.js';

export class NameBytes {
  /** name `id`'s bytes are `bytes[starts[id]]` up to `bytes[starts[id + 1]]` */
  readonly starts: Int32Array;
  /** by id: 1 when Go escapes something in the name, whose bytes then are not its JSON form */
  readonly escapes: Uint8Array;
  bytes: Uint8Array;
  private end = 0;

  constructor(names: NameTree) {
    const count = names.size;
    this.starts = new Int32Array(count + 1);
    this.escapes = new Uint8Array(count);
    this.bytes = new Uint8Array(count * 48 + 64);
    // ROOT is `.` and RELATIVE the empty text: every other name is spelled from them down.
    this.starts[ROOT] = 0;
    this.bytes[this.end++] = 0x2e;
    this.starts[RELATIVE] = this.end;
    for (let id = RELATIVE + 1; id < count; id++) {
      this.starts[id] = this.end;
      const parent = names.parent(id);
      this.escapes[id] = this.label(names.label(id)) | this.escapes[parent]!;
      if (parent === RELATIVE) continue;
      this.room(1);
      this.bytes[this.end++] = 0x2e;
      if (parent !== ROOT) this.copyOf(parent);
    }
    this.starts[count] = this.end;
    // Kept for as long as the store: without the room left for growth.
    this.bytes = this.bytes.slice(0, this.end);
  }

  /** Go's map-key order of names `a` and `b`: their UTF-8 bytes compared. */
  compare(a: number, b: number): number {
    const bytes = this.bytes;
    let i = this.starts[a]!;
    let j = this.starts[b]!;
    const aEnd = this.starts[a + 1]!;
    const bEnd = this.starts[b + 1]!;
    for (; i < aEnd && j < bEnd; i++, j++) {
      const d = bytes[i]! - bytes[j]!;
      if (d !== 0) return d;
    }
    return aEnd - i - (bEnd - j);
  }

  /** Appends `label`'s UTF-8; 1 when Go escapes something in it. */
  private label(label: string): number {
    const n = label.length;
    this.room(n);
    const bytes = this.bytes;
    let end = this.end;
    let escapes = 0;
    for (let i = 0; i < n; i++) {
      const c = label.charCodeAt(i);
      if (c >= 0x80) {
        const rest = i === 0 ? label : label.slice(i);
        // A lone surrogate is written as U+FFFD, as Go's decoder would have read it.
        const utf8 = Buffer.from(rest, 'utf8');
        this.end = end;
        this.room(utf8.length);
        this.bytes.set(utf8, this.end);
        this.end += utf8.length;
        return escapes | (goEscapes(rest) ? 1 : 0);
      }
      escapes |= GO_PLAIN_ASCII[c]! ^ 1;
      bytes[end++] = c;
    }
    this.end = end;
    return escapes;
  }

  private copyOf(id: number): void {
    const from = this.starts[id]!;
    const to = this.starts[id + 1]!;
    this.room(to - from);
    this.bytes.copyWithin(this.end, from, to);
    this.end += to - from;
  }

  private room(n: number): void {
    if (this.end + n <= this.bytes.length) return;
    const bytes = new Uint8Array(Math.max(this.bytes.length * 2, this.end + n));
    bytes.set(this.bytes.subarray(0, this.end));
    this.bytes = bytes;
  }
}
