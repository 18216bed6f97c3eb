import { describe, expect, it } from 'vitest';
import { questionKey, upstreamQuery, type AskedQuestion } from '../../../src/dns/forward/question.js';
import { scanMessage } from '../../../src/wire/scan.js';
import { buildQuery, counts, decodeMessage, questionEnd } from '../../helpers/dns-msg.js';

/** A query whose QNAME is these raw labels (a label may hold a dot). */
function rawQuery(labels: string[]): Buffer {
  const parts = [Buffer.from([0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0])];
  for (const l of labels) parts.push(Buffer.from([l.length]), Buffer.from(l, 'latin1'));
  parts.push(Buffer.from([0, 0, 1, 0, 1]));
  return Buffer.concat(parts);
}

function asked(q: Buffer, over: Partial<AskedQuestion> = {}): AskedQuestion {
  const end = questionEnd(q);
  return {
    qnameEnd: end - 4,
    questionEnd: end,
    qtype: q.readUInt16BE(end - 4),
    qclass: q.readUInt16BE(end - 2),
    dnssecOk: false,
    checkingDisabled: false,
    ...over,
  };
}

const key = (q: Buffer, over: Partial<AskedQuestion> = {}) => questionKey(q, asked(q, over));

describe('questionKey', () => {
  it('separates what changes the upstream answer: name, type, class, DO, CD', () => {
    const q = buildQuery('a.example');
    const keys = new Set([
      key(q),
      key(buildQuery('b.example')),
      key(buildQuery('a.example', { qtype: 28 })),
      key(buildQuery('a.example', { qclass: 3 })),
      key(q, { dnssecOk: true }),
      key(q, { checkingDisabled: true }),
      key(q, { dnssecOk: true, checkingDisabled: true }),
    ]);
    expect(keys.size).toBe(7);
  });

  it('ignores the ID, RD, ASCII case and EDNS options', () => {
    const a = buildQuery('WWW.Example.ORG', { id: 1, rd: false });
    const b = buildQuery('www.example.org', {
      id: 2,
      edns: 4096,
      ednsOptions: Buffer.from([0, 10, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8]),
    });
    expect(key(a)).toBe(key(b));
  });

  it('is on wire labels: a dot inside a label is not a label boundary', () => {
    expect(key(rawQuery(['www.google.com']))).not.toBe(key(rawQuery(['www', 'google', 'com'])));
    expect(key(rawQuery(['a.b', 'c']))).not.toBe(key(rawQuery(['a', 'b.c'])));
  });

  it('folds ASCII upper case only (RFC 4343)', () => {
    expect(key(rawQuery(['\xc4x']))).not.toBe(key(rawQuery(['\xe4x'])));
    expect(key(rawQuery(['Ax']))).toBe(key(rawQuery(['ax'])));
  });
});

describe('upstreamQuery', () => {
  it("asks the client's question with RD, its CD, and our OPT with its DO, nothing else of the query", () => {
    const client = buildQuery('WWW.example.org', {
      id: 0x4242,
      rd: false,
      cd: true,
      qtype: 28,
      edns: 65535,
      dnssecOk: true,
      ednsOptions: Buffer.from([0, 10, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8]),
    });
    const s = scanMessage(client)!;
    const out = upstreamQuery(client, asked(client, { dnssecOk: true, checkingDisabled: true }), 1400);
    const m = decodeMessage(out);
    expect(m).toMatchObject({ id: 0, qr: false, opcode: 0, rd: true, cd: true, ad: false });
    expect(m.questions).toEqual([{ name: 'WWW.example.org.', type: 28, class: 1 }]);
    expect(counts(out)).toEqual({ qd: 1, an: 0, ns: 0, ar: 1 });
    expect(m.additionals).toHaveLength(1);
    expect(m.additionals[0]).toMatchObject({ name: '.', type: 41, class: 1400, ttl: 0x8000 });
    expect(m.additionals[0]!.rdata).toHaveLength(0);
    expect(out.subarray(12, s.questionEnd)).toEqual(client.subarray(12, s.questionEnd));
  });

  it('clears DO and CD when the client did not set them', () => {
    const out = upstreamQuery(buildQuery('x.example'), asked(buildQuery('x.example')), 1232);
    const m = decodeMessage(out);
    expect(m.cd).toBe(false);
    expect(m.additionals[0]).toMatchObject({ class: 1232, ttl: 0 });
  });
});
