import { describe, expect, it } from 'vitest';
import { QTYPE } from '../../src/wire/constants.js';
import { servfailFor } from '../../src/wire/reply.js';
import { WireDecodeError, buildQuery, decodeMessage, encodeName } from './dns-msg.js';

describe('decodeMessage is strict', () => {
  const reply = servfailFor(buildQuery('a.b.', { qtype: QTYPE.A }))!;
  it('rejects forward and looping pointers, trailing bytes and truncation', () => {
    const withRR = (rr: number[]) => {
      const b = Buffer.concat([reply, Buffer.from(rr)]);
      b[7] = 1;
      return b;
    };
    expect(decodeMessage(withRR([0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 1, 0, 4, 1, 2, 3, 4])).answers[0]).toMatchObject({
      name: 'a.b.',
      data: '1.2.3.4',
    });
    expect(() => decodeMessage(withRR([0xc0, 40, 0, 1, 0, 1, 0, 0, 0, 1, 0, 4, 1, 2, 3, 4]))).toThrow(WireDecodeError);
    expect(() => decodeMessage(withRR([0xc0, 22, 0, 1, 0, 1, 0, 0, 0, 1, 0, 4, 1, 2, 3, 4]))).toThrow(WireDecodeError);
    expect(() => decodeMessage(withRR([0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 1, 0, 5, 1, 2, 3, 4]))).toThrow(WireDecodeError);
    expect(() => decodeMessage(Buffer.concat([reply, Buffer.from([0])]))).toThrow(WireDecodeError);
    expect(() => decodeMessage(reply.subarray(0, reply.length - 1))).toThrow(WireDecodeError);
  });

  it('encodes names with the terminating root label', () => {
    expect([...encodeName('ab.c')]).toEqual([2, 0x61, 0x62, 1, 0x63, 0]);
    expect([...encodeName('.')]).toEqual([0]);
  });
});
