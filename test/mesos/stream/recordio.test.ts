import { describe, expect, it } from 'vitest';
import { hasCode, StreamFailure } from '../../../src/errors.js';
import { RecordIoDecoder } from '../../../src/mesos/stream/recordio.js';

function frame(...records: string[]): Buffer {
  return Buffer.concat(records.map((r) => Buffer.concat([Buffer.from(`${Buffer.byteLength(r)}\n`), Buffer.from(r)])));
}

/** Feeds `bytes` in pieces cut at `cuts` and collects the records as text. */
function decodeInPieces(bytes: Buffer, cuts: number[], max = 1 << 20): string[] {
  const decoder = new RecordIoDecoder(max);
  const out: string[] = [];
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    for (const r of decoder.push(bytes.subarray(from, cut))) out.push(r.toString('utf8'));
    from = cut;
  }
  expect(decoder.pending).toBe(0);
  return out;
}

function failure(fn: () => unknown): StreamFailure {
  try {
    fn();
  } catch (err) {
    if (err instanceof StreamFailure) return err;
    throw err;
  }
  throw new Error('expected a StreamFailure');
}

describe('RecordIoDecoder', () => {
  const records = ['{"type":"SUBSCRIBED"}', '{"type":"HEARTBEAT"}', '{"type":"TASK_ADDED","x":"ü€"}'];
  const bytes = frame(...records);

  it('decodes records that arrive whole', () => {
    expect(decodeInPieces(bytes, [])).toEqual(records);
  });

  it('decodes records split at every single position', () => {
    for (let cut = 0; cut <= bytes.length; cut++) expect(decodeInPieces(bytes, [cut])).toEqual(records);
  });

  it('decodes records fed one byte at a time (split prefixes, split bodies, split UTF-8)', () => {
    expect(decodeInPieces(bytes, [...Array(bytes.length).keys()])).toEqual(records);
  });

  it('decodes a length prefix split between chunks', () => {
    const big = 'x'.repeat(12345);
    const data = frame(big, 'y');
    // "12345\n" is cut after "12", then after "123", and the body in three.
    expect(decodeInPieces(data, [2, 3, 100, 9000])).toEqual([big, 'y']);
  });

  it('returns zero-length records as empty buffers, in order', () => {
    const data = Buffer.from('0\n0\n2\nab0\n');
    const decoder = new RecordIoDecoder(100);
    expect(decoder.push(data).map((r) => r.toString())).toEqual(['', '', 'ab', '']);
  });

  it('accepts a record exactly at the limit', () => {
    expect(decodeInPieces(frame('abcd'), [1], 4)).toEqual(['abcd']);
  });

  it('refuses a record over the limit as soon as its prefix says so, before its bytes', () => {
    const decoder = new RecordIoDecoder(1000);
    // The prefix alone, not even complete: "1001" already exceeds 1000.
    const err = failure(() => decoder.push(Buffer.from('1001')));
    expect(hasCode(err, 'MESOS_DNS_STREAM_TOO_LARGE')).toBe(true);
    expect(decoder.pending).toBe(0);
  });

  it('refuses a huge announced length without holding anything', () => {
    const decoder = new RecordIoDecoder(1 << 20);
    expect(failure(() => decoder.push(Buffer.from('99999999999999\n'))).code).toBe('MESOS_DNS_STREAM_TOO_LARGE');
  });

  it.each([
    ['a letter in the prefix', '12a\n'],
    ['a space before the newline', '12 \n'],
    ['a carriage return', '2\r\nab'],
    ['JSON without framing', '{"type":"HEARTBEAT"}'],
    ['a minus sign', '-1\n'],
    ['an empty prefix', '\n'],
  ])('fails on garbage: %s', (_what, text) => {
    expect(failure(() => new RecordIoDecoder(1 << 20).push(Buffer.from(text))).code).toBe('MESOS_DNS_STREAM_FRAMING');
  });

  it('fails on a length prefix longer than 20 digits, even of zeros', () => {
    const decoder = new RecordIoDecoder(1 << 20);
    expect(decoder.push(Buffer.from('0'.repeat(19) + '3\nabc')).map(String)).toEqual(['abc']);
    expect(failure(() => decoder.push(Buffer.from('0'.repeat(21)))).code).toBe('MESOS_DNS_STREAM_FRAMING');
  });

  it('holds only the unfinished record', () => {
    const decoder = new RecordIoDecoder(1 << 20);
    decoder.push(Buffer.from('10\nabc'));
    expect(decoder.pending).toBe(3);
    expect(decoder.push(Buffer.from('defghij5\nab')).map(String)).toEqual(['abcdefghij']);
    expect(decoder.pending).toBe(2);
  });
});
