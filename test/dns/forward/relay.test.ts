import { describe, expect, it } from 'vitest';
import { scanMessage, sameQuestion, skipName } from '../../../src/wire/scan.js';
import { fitReply, truncateReply } from '../../../src/dns/forward/relay.js';
import { aRR, buildQuery, buildReply, counts, soaRR, tcOf } from '../../helpers/dns-msg.js';

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

describe('fitReply / truncateReply', () => {
  const q = buildQuery('big.example', { edns: 4096 });
  const answers = Array.from({ length: 80 }, (_, i) => aRR('big.example', `192.0.2.${i}`));
  const big = buildReply(q, { answers, edns: 4096, ednsOptions: Buffer.from([0, 10, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8]) });

  it('passes a reply that fits unchanged', () => {
    const s = scanMessage(big)!;
    const out = fitReply(Buffer.from(big), s, 4096, true);
    expect(out).toEqual(big);
  });

  it('cuts an oversize reply to header + question + OPT with TC set', () => {
    const s = scanMessage(big)!;
    const out = fitReply(Buffer.from(big), s, 512, true);
    expect(out.length).toBeLessThanOrEqual(512);
    expect(tcOf(out)).toBe(true);
    expect(counts(out)).toEqual({ qd: 1, an: 0, ns: 0, ar: 1 });
    const os = scanMessage(out)!;
    expect(os).not.toBeNull();
    expect(os.optEnd - os.optStart).toBe(23);
    expect(out.subarray(12, s.questionEnd)).toEqual(big.subarray(12, s.questionEnd));
  });

  it('drops the OPT options only when even they do not fit', () => {
    const hugeOpt = Buffer.alloc(600);
    hugeOpt.writeUInt16BE(12, 0);
    hugeOpt.writeUInt16BE(596, 2);
    const r = buildReply(q, { answers, edns: 4096, ednsOptions: hugeOpt });
    const out = truncateReply(r, scanMessage(r)!, 512, true);
    const os = scanMessage(out)!;
    expect(os.optEnd - os.optStart).toBe(11);
    expect(os.optUdpSize).toBe(4096);
  });

  it('clears TC when SetTruncateBit is off, as Go does', () => {
    const tc = buildReply(buildQuery('t.example'), { tc: true, answers: [aRR('t.example', '192.0.2.1')] });
    expect(tcOf(fitReply(Buffer.from(tc), scanMessage(tc)!, 512, false))).toBe(false);
    expect(tcOf(fitReply(Buffer.from(tc), scanMessage(tc)!, 512, true))).toBe(true);
    const s = scanMessage(big)!;
    expect(tcOf(fitReply(Buffer.from(big), s, 512, false))).toBe(false);
  });
});
