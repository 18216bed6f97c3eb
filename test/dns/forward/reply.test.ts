import { describe, expect, it } from 'vitest';
import { errorFor, keepAnswer, replyFits, replyFor, type UpstreamAnswer } from '../../../src/dns/forward/reply.js';
import { scanMessage } from '../../../src/wire/scan.js';
import { aRR, buildQuery, buildReply, counts, decodeMessage, idOf, rcodeOf, tcOf } from '../../helpers/dns-msg.js';

const COOKIE = Buffer.from([0, 10, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8]);
const NSID = Buffer.from([0, 3, 0, 4, 0x6e, 0x73, 0x69, 0x64]);
const OPTS = { udpSize: 1232, setTruncateBit: true };

/** What `answer()` hands over for this query, at the given limit. */
function sideOf(query: Buffer, limit = 512) {
  const s = scanMessage(query)!;
  return { questionEnd: s.questionEnd, edns: s.optStart >= 0, dnssecOk: (s.optTtl & 0x8000) !== 0, limit };
}

function kept(reply: Buffer): UpstreamAnswer {
  const answer = keepAnswer({ msg: reply, scan: scanMessage(reply)! });
  if (answer === null) throw new Error('not kept');
  return answer;
}

function optOf(msg: Buffer) {
  return decodeMessage(msg).additionals.find((rr) => rr.type === 41);
}

describe('keepAnswer', () => {
  it('drops the upstream OPT and its options, keeping the extended RCODE bits', () => {
    const upstream = buildReply(buildQuery('x.example', { edns: 1232 }), {
      answers: [aRR('x.example', '192.0.2.1')],
      additional: [aRR('ns.example', '192.0.2.53')],
      edns: 4096,
      ednsOptions: Buffer.concat([COOKIE, NSID]),
    });
    // Extended RCODE 1 (upper bits): the first octet of the OPT's TTL.
    upstream[upstream.length - COOKIE.length - NSID.length - 6] = 1;
    const a = kept(upstream);
    expect(a.extRcode).toBe(1);
    expect(optOf(a.msg)).toBeUndefined();
    expect(counts(a.msg)).toEqual({ qd: 1, an: 1, ns: 0, ar: 1 });
    expect(a.msg.buffer.byteLength).toBe(a.msg.length);
    expect(a.scan.arcount).toBe(1);
  });

  it('keeps a reply without OPT whole, in memory of its own', () => {
    const upstream = buildReply(buildQuery('x.example'), { answers: [aRR('x.example', '192.0.2.1')] });
    const a = kept(upstream);
    expect(a.msg).toEqual(upstream);
    expect(a.msg.buffer).not.toBe(upstream.buffer);
    expect(a.extRcode).toBe(0);
  });
});

describe('replyFor', () => {
  const upstreamQuery = buildQuery('www.example.org', { id: 0x9999, edns: 1232, dnssecOk: true });
  const upstream = buildReply(upstreamQuery, {
    answers: [aRR('www.example.org', '192.0.2.1', 100)],
    edns: 4096,
    ednsOptions: Buffer.concat([COOKIE, NSID]),
  });

  it("carries the client's ID, RD, CD and question case, and our OPT with its DO", () => {
    const q = buildQuery('WWW.example.ORG', { id: 0x4242, rd: false, cd: true, edns: 65535, dnssecOk: true });
    const out = replyFor(kept(upstream), q, sideOf(q, 1232), 0, OPTS);
    const m = decodeMessage(out);
    expect(m).toMatchObject({ id: 0x4242, qr: true, rd: false, cd: true, ra: true, rcode: 0 });
    expect(m.questions[0]!.name).toBe('WWW.example.ORG.');
    expect(m.answers.map((rr) => rr.data)).toEqual(['192.0.2.1']);
    const opt = optOf(out)!;
    expect(opt.class).toBe(1232);
    expect(opt.ttl).toBe(0x8000);
    expect(opt.rdata).toHaveLength(0);
  });

  it('has no OPT at all when the client sent none', () => {
    const q = buildQuery('www.example.org', { id: 7 });
    const out = replyFor(kept(upstream), q, sideOf(q), 0, OPTS);
    expect(optOf(out)).toBeUndefined();
    expect(counts(out)).toEqual({ qd: 1, an: 1, ns: 0, ar: 0 });
    expect(out.includes(Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]))).toBe(false);
  });

  it('clears DO in our OPT for a client without DO, and keeps the upstream extended RCODE', () => {
    const withExt = Buffer.from(upstream);
    withExt[withExt.length - COOKIE.length - NSID.length - 6] = 1;
    const q = buildQuery('www.example.org', { edns: 1232 });
    const opt = optOf(replyFor(kept(withExt), q, sideOf(q, 1232), 0, OPTS))!;
    expect(opt.ttl).toBe(0x01000000);
  });

  it('lowers the TTLs by the age, never below 0', () => {
    const q = buildQuery('www.example.org');
    expect(decodeMessage(replyFor(kept(upstream), q, sideOf(q), 30, OPTS)).answers[0]!.ttl).toBe(70);
    expect(decodeMessage(replyFor(kept(upstream), q, sideOf(q), 300, OPTS)).answers[0]!.ttl).toBe(0);
  });

  it('leaves the kept answer untouched', () => {
    const a = kept(upstream);
    const before = Buffer.from(a.msg);
    const q = buildQuery('WWW.EXAMPLE.ORG', { id: 1, edns: 1232 });
    replyFor(a, q, sideOf(q, 1232), 50, OPTS);
    expect(a.msg).toEqual(before);
  });

  describe('an answer larger than the client accepts', () => {
    const q = buildQuery('big.example', { id: 5, edns: 4096 });
    const big = kept(
      buildReply(q, { answers: Array.from({ length: 80 }, (_, i) => aRR('big.example', `192.0.2.${i}`)), edns: 4096 }),
    );

    it('becomes header + question + our OPT with TC=1', () => {
      expect(replyFits(big, sideOf(q, 512))).toBe(false);
      const out = replyFor(big, q, sideOf(q, 512), 0, OPTS);
      expect(out.length).toBeLessThanOrEqual(512);
      expect(tcOf(out)).toBe(true);
      expect(idOf(out)).toBe(5);
      expect(counts(out)).toEqual({ qd: 1, an: 0, ns: 0, ar: 1 });
      expect(optOf(out)!.class).toBe(1232);
    });

    it('with TC=0 when SetTruncateBit is off, as Go does', () => {
      expect(tcOf(replyFor(big, q, sideOf(q, 512), 0, { ...OPTS, setTruncateBit: false }))).toBe(false);
    });

    it('fits whole within a larger limit', () => {
      expect(replyFits(big, sideOf(q, 4096))).toBe(true);
      expect(counts(replyFor(big, q, sideOf(q, 4096), 0, OPTS)).an).toBe(80);
    });
  });

  it('keeps an upstream TC only when SetTruncateBit is on', () => {
    const q = buildQuery('t.example');
    const tc = kept(buildReply(q, { tc: true, answers: [aRR('t.example', '192.0.2.1')] }));
    expect(tcOf(replyFor(tc, q, sideOf(q), 0, OPTS))).toBe(true);
    expect(tcOf(replyFor(tc, q, sideOf(q), 0, { ...OPTS, setTruncateBit: false }))).toBe(false);
  });
});

describe('errorFor', () => {
  it('echoes ID and question, and adds our OPT (with DO) only for an EDNS client', () => {
    const plain = buildQuery('x.example', { id: 3 });
    const out = errorFor(plain, sideOf(plain), 2, 1232);
    expect([idOf(out), rcodeOf(out), counts(out).ar]).toEqual([3, 2, 0]);
    const edns = buildQuery('x.example', { id: 4, edns: 4096, dnssecOk: true, ednsOptions: COOKIE });
    const withOpt = errorFor(edns, sideOf(edns, 1232), 5, 1400);
    expect(rcodeOf(withOpt)).toBe(5);
    expect(optOf(withOpt)).toMatchObject({ class: 1400, ttl: 0x8000 });
    expect(optOf(withOpt)!.rdata).toHaveLength(0);
  });
});
