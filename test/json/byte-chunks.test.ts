import { describe, expect, it } from 'vitest';
import { ByteChunks, CHUNK_BYTES, CHUNK_SLACK_BYTES } from '../../src/json/byte-chunks.js';
import { goQuote } from '../../src/json/go-json.js';

/** Everything `write` puts into a fresh ByteChunks, after `prefix` bytes so the writes start mid-buffer. */
function written(write: (out: ByteChunks) => void, prefix = 3): string {
  const out = new ByteChunks(64);
  out.ascii('x'.repeat(prefix));
  write(out);
  return Buffer.from(out.take()).toString('utf8').slice(prefix);
}

const HOSTILE = [
  '',
  'plain.mesos.',
  '<',
  'a<',
  'ab&c',
  'tail\\',
  '"quoted"',
  'ctl\u0000\u0001\u001f\u007f',
  'nl\n\r\t',
  'é',
  'abcé',
  'é<x',
  'x\u2028y\u2029',
  '\u{1F600}',
  'ab\u{1F600}<',
  '\ud800',
  'ab\ud83d',
  '\ude00ab',
  'a\ud800b\udc00c',
  'pair\ud83d\ude00then\ud83d',
];

describe('ByteChunks.quoted', () => {
  it.each(HOSTILE)('writes %j as goQuote does', (s) => {
    expect(written((out) => out.quoted(s))).toBe(goQuote(s));
  });

  it('writes the plain start and the escaped rest of a string, wherever the first escape falls', () => {
    for (const bad of ['<', '\u0001', 'é', '\ud83d\ude00', '\udc00', '\u2028']) {
      for (let i = 0; i <= 5; i++) {
        const s = 'abcde'.slice(0, i) + bad + 'abcde'.slice(i);
        expect(written((out) => out.quoted(s), i)).toBe(goQuote(s));
      }
    }
  });

  it('grows its buffer for a long string whose escapes need more room than its length', () => {
    const s = 'a'.repeat(70_000) + '\u0001'.repeat(20_000) + '\ud83d';
    expect(written((out) => out.quoted(s))).toBe(goQuote(s));
  });

  it('splits a run of escaped strings into chunks that join byte for byte', () => {
    const out = new ByteChunks(16);
    const chunks: Uint8Array[] = [];
    let expected = '';
    for (let i = 0; i < 200; i++) {
      const s = HOSTILE[i % HOSTILE.length]! + i;
      out.quoted(s);
      out.byte(0x2c);
      expected += goQuote(s) + ',';
      if (out.full) chunks.push(out.take());
    }
    chunks.push(out.take());
    expect(chunks.length).toBeGreaterThan(10);
    expect(Buffer.concat(chunks).toString('utf8')).toBe(expected);
  });
});

describe('ByteChunks.uint', () => {
  it('writes decimal digits', () => {
    const values = [0, 7, 9, 10, 99, 100, 999, 1000, 9999, 10000, 65535, 99999, 100000, 31000, 2 ** 31 - 1];
    expect(
      written((out) => {
        for (const v of values) {
          out.uint(v);
          out.byte(0x20);
        }
      }),
    ).toBe(values.map((v) => `${v} `).join(''));
  });
});

describe('ByteChunks.bytes', () => {
  it('copies a run of bytes, or all of them, growing the buffer for a run longer than it', () => {
    const src = Buffer.from('0123456789é'.repeat(20), 'utf8');
    expect(
      written((out) => {
        out.bytes(src, 2, 5);
        out.all(src.subarray(0, 0));
        out.bytes(src, 10, 12);
        out.all(src);
      }),
    ).toBe('234é' + src.toString('utf8'));
  });
});

describe('ByteChunks.take', () => {
  it('fills chunks of the default size within the buffer the source gives, asked for once per chunk', () => {
    const asked: number[] = [];
    const out = new ByteChunks(undefined, (bytes) => {
      asked.push(bytes);
      return Buffer.alloc(bytes);
    });
    const name = `"${'task-label.'.repeat(90)}mesos."`;
    let writes = 0;
    while (!out.full) {
      out.ascii(name);
      writes++;
    }
    const chunk = out.take();
    expect(writes).toBeGreaterThan(200);
    expect(chunk.length).toBeGreaterThanOrEqual(CHUNK_BYTES);
    expect(chunk.length).toBeLessThanOrEqual(CHUNK_BYTES + CHUNK_SLACK_BYTES);
    expect(asked).toEqual([CHUNK_BYTES + CHUNK_SLACK_BYTES]);
  });

  it('hands out a view of the buffer written into, uncopied, and writes on into a new one from the source', () => {
    const given: Buffer[] = [];
    const out = new ByteChunks(16, (bytes) => {
      const b = Buffer.alloc(bytes);
      given.push(b);
      return b;
    });
    expect(out.take().length).toBe(0);
    expect(given).toHaveLength(0);
    out.ascii('abc');
    const first = out.take();
    expect(first.buffer).toBe(given[0]!.buffer);
    expect([first.byteOffset, first.length]).toEqual([given[0]!.byteOffset, 3]);
    out.ascii('de');
    expect(given).toHaveLength(2);
    expect(Buffer.from(first).toString()).toBe('abc');
    expect(Buffer.from(out.take()).toString()).toBe('de');
  });

  it('moves a chunk that outgrows the buffer from the source to one of its own, the source asked no more', () => {
    let asked = 0;
    const out = new ByteChunks(16, (bytes) => {
      asked++;
      return Buffer.alloc(bytes);
    });
    out.ascii('head,');
    out.ascii('x'.repeat(200_000));
    const chunk = out.take();
    expect(asked).toBe(1);
    expect(chunk.length).toBe(200_005);
    expect(Buffer.from(chunk).toString()).toBe(`head,${'x'.repeat(200_000)}`);
  });
});
