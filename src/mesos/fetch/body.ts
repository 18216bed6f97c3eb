import type { Hash } from 'node:crypto';
import { Transform, Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createInflate, createInflateRaw } from 'node:zlib';
import { FetchFailure } from '../../errors.js';

/** The reply headers that decide how a body is read. */
export interface BodyHeaders {
  'content-encoding'?: string | string[];
  'content-length'?: string | string[];
}

/**
 * A state body, decompressed while it streams in. Reading stops as soon as the
 * bytes received, or the bytes decompressed, pass `maxBytes`: a huge body or a
 * gzip bomb costs at most `maxBytes` (plus one chunk) of memory, never its whole
 * size. Over the cap the body is abandoned, and the connection with it. The
 * bytes stay off the JavaScript heap until the caller decides it has room for them.
 * `hash`, when given, is fed the decompressed bytes as they come, while the
 * rest is still on the way and each chunk is still in the cache: hashing the
 * 40 MB of a 50,000-task state afterwards took ~22 ms of the first load.
 */
export async function readStateBody(
  body: Readable,
  headers: BodyHeaders,
  maxBytes: number,
  hash?: Hash,
): Promise<Buffer> {
  const encoding = headerText(headers['content-encoding']).trim().toLowerCase();
  const declared = Number(headerText(headers['content-length']) || '0');
  if (declared > maxBytes) {
    abandon(body);
    throw tooLarge(maxBytes, `by its Content-Length (${declared})`);
  }
  const inflater = inflaterFor(encoding);
  if (inflater === null) {
    abandon(body);
    throw new FetchFailure('MESOS_DNS_FETCH_BAD_ENCODING', `unsupported Content-Encoding "${encoding}"`);
  }

  const into = new Collected(inflater === 'identity' ? declared : 0);
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      into.add(chunk);
      hash?.update(chunk);
      done();
    },
  });
  const stages: Array<Readable | Transform | Writable> = [body, cap(maxBytes, 'as received')];
  if (inflater !== 'identity') stages.push(inflater, cap(maxBytes, 'once decompressed'));
  await pipeline([...stages, sink]);
  return into.bytes();
}

/**
 * How much of a body arrives between two collections of the young generation
 * (when node runs with `--expose-gc`, as bin/mesos-dns starts it). Node reads
 * a body in 64 KiB buffers, each newly allocated and freed only once a
 * collection finds it unreachable, and V8 collects for the sake of such
 * memory only every few tens of MiB. Until then each buffer takes fresh
 * pages, and the refresh worker's malloc arena gets no transparent huge
 * pages (glibc gives them to the main arena only): every 4 KiB of the body
 * was a page fault. On a 2-core VM a 40 MB body took 220-250 ms to read in a
 * worker thread, and 110-120 ms with a collection every 4 MiB, whose buffers
 * the next ones then reuse. A collection of a young generation holding little
 * but these buffers takes about a millisecond.
 */
const COLLECT_EVERY_BYTES = 4 * 1024 * 1024;

/** Collects the young generation when `received` passed a multiple of `COLLECT_EVERY_BYTES` since `before`. */
function collectYoungEvery(before: number, received: number): void {
  if (Math.floor(received / COLLECT_EVERY_BYTES) === Math.floor(before / COLLECT_EVERY_BYTES)) return;
  (globalThis as { gc?: (options: { type: 'minor' }) => void }).gc?.({ type: 'minor' });
}

/**
 * The body's bytes as they arrive. With a Content-Length (uncompressed), each
 * chunk is copied at once into one buffer of that size: the copy (40 MB at
 * 50,000 tasks, most of it page faults) happens while the rest is still on
 * the way rather than after it, and the chunks do not live beside their copy.
 * A body longer than declared goes on in chunks, as one without a length.
 */
class Collected {
  private whole: Buffer | null;
  private length = 0;
  private readonly chunks: Buffer[] = [];

  constructor(declared: number) {
    // Shared memory, as every body this returns, so that the first load's task preparer thread reads it
    // where it is (refresh/task-preparer.ts) rather than from a copy.
    this.whole = Number.isSafeInteger(declared) && declared > 0 ? Buffer.from(new SharedArrayBuffer(declared)) : null;
  }

  add(chunk: Buffer): void {
    collectYoungEvery(this.length, this.length + chunk.length);
    if (this.whole !== null && this.length + chunk.length <= this.whole.length) {
      chunk.copy(this.whole, this.length);
    } else {
      if (this.whole !== null) this.chunks.push(this.whole.subarray(0, this.length));
      this.whole = null;
      this.chunks.push(chunk);
    }
    this.length += chunk.length;
  }

  /** The body, once; the collector lets go of it, as the stream that wrote into it may outlive the reading. */
  bytes(): Buffer {
    const body = this.whole !== null ? this.whole.subarray(0, this.length) : joinShared(this.chunks, this.length);
    this.whole = null;
    this.chunks.length = 0;
    return body;
  }
}

/** `Buffer.concat`, into shared memory (see `Collected`): a compressed body arrives without its length. */
function joinShared(chunks: readonly Buffer[], length: number): Buffer {
  const joined = Buffer.from(new SharedArrayBuffer(length));
  let at = 0;
  for (const chunk of chunks) at += chunk.copy(joined, at);
  return joined;
}

/**
 * Drops a body we will not read. undici's body fails with "Request aborted"
 * when destroyed before its end; nobody listens for that, and an unhandled
 * error would end the refresh worker instead of this one fetch.
 */
function abandon(body: Readable): void {
  body.on('error', () => {});
  body.destroy();
}

function headerText(value: string | string[] | undefined): string {
  return Array.isArray(value) ? value.join(',') : (value ?? '');
}

function tooLarge(maxBytes: number, what: string): FetchFailure {
  return new FetchFailure('MESOS_DNS_FETCH_TOO_LARGE', `state larger than maxStateBytes (${maxBytes}) ${what}`);
}

/** Passes chunks on until their total passes `maxBytes`, then fails the pipeline (which stops the reading). */
function cap(maxBytes: number, what: string): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (seen > maxBytes) done(tooLarge(maxBytes, what));
      else done(null, chunk);
    },
  });
}

/** `'identity'` for no decompression, null for an encoding we cannot decode. */
function inflaterFor(encoding: string): Transform | 'identity' | null {
  switch (encoding) {
    case '':
    case 'identity':
      return 'identity';
    case 'gzip':
    case 'x-gzip':
      return new LazyInflater(encoding, () => createGunzip());
    case 'deflate':
      // "deflate" is meant to be zlib-wrapped, but some servers send it raw; the zlib header tells.
      return new LazyInflater(encoding, (head) => (isZlibHeader(head) ? createInflate() : createInflateRaw()));
    default:
      return null;
  }
}

/** RFC 1950: compression method 8 in the low nibble, and the first two bytes a multiple of 31. */
function isZlibHeader(head: Buffer): boolean {
  return head.length >= 2 && (head[0]! & 0x0f) === 8 && ((head[0]! << 8) | head[1]!) % 31 === 0;
}

/**
 * A decompressor chosen by the first chunk, and none at all for an empty body
 * (which then fails as empty, as an uncompressed one does, rather than as a
 * truncated stream). It keeps zlib's back-pressure: the inner stream pauses
 * while our output is not being read, so a bomb inflates no faster than the
 * size cap behind it consumes.
 */
class LazyInflater extends Transform {
  private inner: Transform | undefined;

  constructor(
    private readonly encoding: string,
    private readonly choose: (head: Buffer) => Transform,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: (err?: Error | null) => void): void {
    if (this.inner === undefined) this.inner = this.start(chunk);
    this.inner.write(chunk, () => done());
  }

  override _flush(done: (err?: Error | null) => void): void {
    if (this.inner === undefined) {
      done();
      return;
    }
    this.inner.once('end', () => done());
    this.inner.end();
  }

  override _read(size: number): void {
    this.inner?.resume();
    super._read(size);
  }

  override _destroy(err: Error | null, done: (err?: Error | null) => void): void {
    this.inner?.destroy();
    done(err);
  }

  private start(head: Buffer): Transform {
    const inner = this.choose(head);
    inner.on('data', (out: Buffer) => {
      if (!this.push(out)) inner.pause();
    });
    inner.on('error', (err) => {
      const message = `cannot decode ${this.encoding} body: ${err.message}`;
      this.destroy(new FetchFailure('MESOS_DNS_FETCH_BAD_ENCODING', message, { cause: err }));
    });
    return inner;
  }
}
