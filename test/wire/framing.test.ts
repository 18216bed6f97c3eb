import { describe, expect, it } from 'vitest';
import { FrameDecoder, frame } from '../../src/wire/framing.js';

function msg(len: number, fill: number): Buffer {
  return Buffer.alloc(len, fill);
}

describe('FrameDecoder', () => {
  it('splits several messages in one chunk', () => {
    const d = new FrameDecoder();
    const got: Buffer[] = [];
    const stream = Buffer.concat([frame(msg(12, 1)), frame(msg(30, 2)), frame(msg(13, 3))]);
    expect(d.push(stream, (m) => got.push(Buffer.from(m)))).toBe(true);
    expect(got).toEqual([msg(12, 1), msg(30, 2), msg(13, 3)]);
    expect(d.midMessage).toBe(false);
  });

  it('reassembles messages delivered one byte at a time, including the length prefix', () => {
    const d = new FrameDecoder();
    const got: Buffer[] = [];
    const stream = Buffer.concat([frame(msg(40, 7)), frame(msg(300, 8))]);
    for (let i = 0; i < stream.length; i++) {
      expect(d.push(stream.subarray(i, i + 1), (m) => got.push(Buffer.from(m)))).toBe(true);
      if (i === 0 || i === 10) expect(d.midMessage).toBe(true);
    }
    expect(got).toEqual([msg(40, 7), msg(300, 8)]);
  });

  it('handles a maximum-size message split in odd places', () => {
    const d = new FrameDecoder();
    const big = Buffer.alloc(65535);
    for (let i = 0; i < big.length; i++) big[i] = i & 0xff;
    const stream = frame(big);
    const got: Buffer[] = [];
    for (let i = 0; i < stream.length; i += 4099) d.push(stream.subarray(i, i + 4099), (m) => got.push(Buffer.from(m)));
    expect(got).toHaveLength(1);
    expect(got[0]!.equals(big)).toBe(true);
  });

  it('rejects a length prefix below the DNS header size', () => {
    const d = new FrameDecoder();
    const got: Buffer[] = [];
    expect(d.push(Buffer.concat([frame(msg(12, 1)), Buffer.from([0, 11])]), (m) => got.push(m))).toBe(false);
    expect(got).toHaveLength(1);
    expect(new FrameDecoder().push(Buffer.from([0, 0]), () => undefined)).toBe(false);
  });
});
