import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { createDeflate, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { FetchFailure } from '../../../src/errors.js';
import { readStateBody } from '../../../src/mesos/fetch/body.js';

const TEXT = '{"leader":"master@127.0.0.1:5050","hostname":"ünïcödé"}';

/** A body arriving in chunks of `size` bytes, which records how much of it was read. */
function chunked(data: Buffer, size = 7): Readable & { taken: () => number } {
  let at = 0;
  const body = new Readable({
    highWaterMark: size,
    read() {
      this.push(at < data.length ? data.subarray(at, (at += size)) : null);
    },
  });
  return Object.assign(body, { taken: () => at });
}

const MiB = 1024 * 1024;

/**
 * 128 MiB of zeros in each encoding (about 130 KiB each, far more than the
 * stream buffers between the body and the cap hold): gzip as 128 one-MiB
 * members, deflate streamed, raw deflate as the zlib one without its header
 * and checksum.
 */
const bombs: Record<string, Buffer> = {};
beforeAll(async () => {
  bombs.gzip = Buffer.concat(Array<Buffer>(128).fill(gzipSync(Buffer.alloc(MiB))));
  const deflate = createDeflate();
  const out: Buffer[] = [];
  deflate.on('data', (c: Buffer) => out.push(c));
  const ended = new Promise((resolve) => deflate.on('end', resolve));
  for (let i = 0; i < 128; i++)
    if (!deflate.write(Buffer.alloc(MiB))) await new Promise((r) => deflate.once('drain', r));
  deflate.end();
  await ended;
  bombs.zlib = Buffer.concat(out);
  bombs.raw = bombs.zlib.subarray(2, -4);
});

async function failure(promise: Promise<unknown>): Promise<FetchFailure> {
  const err = await promise.catch((e: unknown) => e);
  expect(err).toBeInstanceOf(FetchFailure);
  return err as FetchFailure;
}

describe('readStateBody', () => {
  it.each([
    ['none', '', (b: Buffer) => b],
    ['identity', 'identity', (b: Buffer) => b],
    ['gzip', 'gzip', gzipSync],
    ['x-gzip', 'x-gzip', gzipSync],
    ['zlib deflate', 'deflate', deflateSync],
    ['raw deflate', 'deflate', deflateRawSync],
  ])('decodes %s', async (_name, encoding, encode) => {
    const body = chunked(encode(Buffer.from(TEXT)), 3);
    const hash = createHash('sha1');
    const got = await readStateBody(body, { 'content-encoding': encoding }, 1024, hash);
    expect(got.toString()).toBe(TEXT);
    // The hash is fed the decoded bytes, chunk by chunk, as they come.
    expect(hash.digest('hex')).toBe(createHash('sha1').update(TEXT).digest('hex'));
    // The first load's task preparer thread reads the body where it is (refresh/task-preparer.ts).
    expect(got.buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  it.each([
    ['as declared', Buffer.byteLength(TEXT)],
    ['shorter than declared', Buffer.byteLength(TEXT) + 10],
    ['longer than declared', Buffer.byteLength(TEXT) - 10],
    ['with an unusable length', NaN],
  ])('gives a body with a Content-Length %s whole', async (_name, declared) => {
    const data = Buffer.from(TEXT);
    const got = await readStateBody(chunked(data, 5), { 'content-length': String(declared) }, 1024);
    expect(got.equals(data)).toBe(true);
    expect(got.buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  it('collects the young generation every 4 MiB received, where node exposes gc (bin/mesos-dns)', async () => {
    const data = Buffer.alloc(9 * MiB + 5, 0x20);
    const gc = vi.fn();
    const global = globalThis as { gc?: unknown };
    const before = global.gc;
    global.gc = gc;
    try {
      const got = await readStateBody(chunked(data, 64 * 1024), { 'content-length': String(data.length) }, 16 * MiB);
      expect(got.equals(data)).toBe(true);
    } finally {
      global.gc = before;
    }
    expect(gc.mock.calls).toEqual([[{ type: 'minor' }], [{ type: 'minor' }]]);
  });

  it('gives an empty compressed body as empty (it then fails as empty, not as corrupt)', async () => {
    expect(await readStateBody(chunked(Buffer.alloc(0)), { 'content-encoding': 'gzip' }, 1024)).toHaveLength(0);
  });

  it('fails a Content-Length over the cap without reading the body', async () => {
    const body = chunked(Buffer.from(TEXT));
    const err = await failure(readStateBody(body, { 'content-length': String(TEXT.length) }, TEXT.length - 1));
    expect(err.code).toBe('MESOS_DNS_FETCH_TOO_LARGE');
    expect(body.taken()).toBe(0);
    expect(body.destroyed).toBe(true);
  });

  it('accepts exactly the cap, and stops reading one chunk past it', async () => {
    const data = Buffer.from(TEXT);
    expect((await readStateBody(chunked(data), {}, data.length)).toString()).toBe(TEXT);
    const body = chunked(Buffer.concat([data, Buffer.alloc(1 << 20, 0x20)]), 16);
    const err = await failure(readStateBody(body, {}, data.length));
    expect(err.code).toBe('MESOS_DNS_FETCH_TOO_LARGE');
    expect(err.message).toBe(`state larger than maxStateBytes (${data.length}) as received`);
    expect(body.taken()).toBeLessThan(data.length + 64 * 1024);
    expect(body.destroyed).toBe(true);
  });

  it.each([
    ['gzip', 'gzip'],
    ['zlib', 'deflate'],
    ['raw', 'deflate'],
  ])('stops reading a %s bomb once its output passes the cap', async (kind, encoding) => {
    const bomb = bombs[kind]!;
    const body = chunked(bomb, 1024);
    const err = await failure(readStateBody(body, { 'content-encoding': encoding }, MiB));
    expect(err.code).toBe('MESOS_DNS_FETCH_TOO_LARGE');
    expect(err.message).toBe(`state larger than maxStateBytes (${MiB}) once decompressed`);
    expect(body.taken()).toBeLessThan(bomb.length / 2);
    expect(body.destroyed).toBe(true);
  });

  it('fails a corrupt compressed body as a bad encoding', async () => {
    const err = await failure(
      readStateBody(chunked(Buffer.from('not gzip at all')), { 'content-encoding': 'gzip' }, 1024),
    );
    expect(err.code).toBe('MESOS_DNS_FETCH_BAD_ENCODING');
  });

  it('fails an encoding it cannot decode', async () => {
    const err = await failure(readStateBody(chunked(Buffer.from(TEXT)), { 'content-encoding': 'br' }, 1024));
    expect(err.code).toBe('MESOS_DNS_FETCH_BAD_ENCODING');
  });
});
