import { describe, expect, it } from 'vitest';
import { scanMessage, sameQuestion, skipName } from '../../src/wire/scan.js';
import { aRR, buildQuery, buildReply, soaRR } from '../helpers/dns-msg.js';

describe('scanMessage', () => {
  it('accepts a well-formed reply and records OPT, TTLs and the negative TTL', () => {
    const q = buildQuery('x.example', { edns: 4096, dnssecOk: true });
    const r = buildReply(q, { rcode: 3, authority: [soaRR('example', 300, 30)], edns: 1232 });
    const s = scanMessage(r)!;
    expect(s).not.toBeNull();
    expect(s.negativeTtl).toBe(30);
    expect(s.optUdpSize).toBe(1232);
    expect(s.ttlOffsets).toHaveLength(1);
    expect(scanMessage(q)!.optTtl & 0x8000).toBe(0x8000);
  });

  it('rejects truncated sections, trailing bytes, bad pointers and a second OPT', () => {
    const q = buildQuery('x.example');
    const r = buildReply(q, { answers: [aRR('x.example', '192.0.2.1')] });
    expect(scanMessage(r.subarray(0, r.length - 1))).toBeNull();
    expect(scanMessage(Buffer.concat([r, Buffer.from([0])]))).toBeNull();
    const twoOpt = buildReply(q, { edns: 512, additional: [{ name: '', type: 41, ttl: 0, data: Buffer.alloc(0) }] });
    expect(scanMessage(twoOpt)).toBeNull();
    // A pointer to itself and a forward pointer.
    expect(skipName(Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xc0, 12]), 12)).toBe(-1);
    expect(skipName(Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 97, 0xc0, 20, 0]), 12)).toBe(-1);
    // A backward pointer is fine.
    expect(skipName(Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 97, 0, 0xc0, 12]), 15)).toBe(17);
  });

  it('compares questions case-insensitively on the name only', () => {
    const a = buildQuery('Www.Example', { qtype: 0x41 });
    const b = buildQuery('wWW.example', { qtype: 0x41 });
    const c = buildQuery('www.example', { qtype: 0x61 });
    const end = scanMessage(a)!.questionEnd;
    expect(sameQuestion(a, end, b, end)).toBe(true);
    expect(sameQuestion(a, end, c, end)).toBe(false);
  });
});
