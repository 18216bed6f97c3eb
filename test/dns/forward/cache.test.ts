import { describe, expect, it } from 'vitest';
import { ForwardCache, MAX_ENTRY_BYTES, cacheableTtl, entryBytes } from '../../../src/dns/forward/cache.js';
import { questionKey } from '../../../src/dns/forward/question.js';
import { keepAnswer, type UpstreamAnswer } from '../../../src/dns/forward/reply.js';
import { scanMessage } from '../../../src/wire/scan.js';
import { aRR, buildQuery, buildReply, questionEnd, soaRR, txtRR } from '../../helpers/dns-msg.js';

function scan(msg: Buffer) {
  const s = scanMessage(msg);
  if (s === null) throw new Error('test message does not scan');
  return s;
}

function kept(reply: Buffer): UpstreamAnswer {
  const a = keepAnswer({ msg: reply, scan: scan(reply) });
  if (a === null) throw new Error('not kept');
  return a;
}

/** A query whose QNAME is these raw labels (a label may hold a dot). */
function rawQuery(labels: string[]): Buffer {
  const parts = [Buffer.from([0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0])];
  for (const l of labels) parts.push(Buffer.from([l.length]), Buffer.from(l, 'latin1'));
  parts.push(Buffer.from([0, 0, 1, 0, 1]));
  return Buffer.concat(parts);
}

function keyOf(q: Buffer): string {
  const end = questionEnd(q);
  return questionKey(q, {
    qnameEnd: end - 4,
    questionEnd: end,
    qtype: q.readUInt16BE(end - 4),
    qclass: q.readUInt16BE(end - 2),
    dnssecOk: false,
    checkingDisabled: false,
  });
}

const limits = (maxEntries: number, maxBytes = 32 * 1024 * 1024) => ({ maxEntries, maxBytes });

describe('cacheableTtl', () => {
  const q = buildQuery('www.example.org', { id: 7 });

  it('uses the smallest TTL over answer, authority and additional', () => {
    const r = buildReply(q, {
      answers: [aRR('www.example.org', '192.0.2.1', 300), aRR('www.example.org', '192.0.2.2', 120)],
      authority: [txtRR('example.org', 'x', 200)],
      additional: [aRR('ns.example.org', '192.0.2.9', 90)],
    });
    expect(cacheableTtl(scan(r))).toBe(90);
  });

  it('ignores the OPT pseudo-record', () => {
    const r = buildReply(q, { answers: [aRR('www.example.org', '192.0.2.1', 300)], edns: 1232 });
    expect(cacheableTtl(scan(r))).toBe(300);
  });

  it('caches NXDOMAIN and NODATA for min(SOA TTL, SOA MINIMUM)', () => {
    const nx = buildReply(q, { rcode: 3, authority: [soaRR('example.org', 900, 60)] });
    expect(cacheableTtl(scan(nx))).toBe(60);
    const nodata = buildReply(q, { authority: [soaRR('example.org', 30, 600)] });
    expect(cacheableTtl(scan(nodata))).toBe(30);
  });

  it('does not cache negative replies without an SOA, errors, truncated replies or TTL 0', () => {
    expect(cacheableTtl(scan(buildReply(q, { rcode: 3 })))).toBe(0);
    expect(cacheableTtl(scan(buildReply(q, {})))).toBe(0);
    expect(cacheableTtl(scan(buildReply(q, { rcode: 2, answers: [aRR('www.example.org', '192.0.2.1')] })))).toBe(0);
    expect(cacheableTtl(scan(buildReply(q, { rcode: 5 })))).toBe(0);
    expect(cacheableTtl(scan(buildReply(q, { tc: true, answers: [aRR('www.example.org', '192.0.2.1')] })))).toBe(0);
    expect(cacheableTtl(scan(buildReply(q, { answers: [aRR('www.example.org', '192.0.2.1', 0)] })))).toBe(0);
  });

  it('caps very long TTLs at one day', () => {
    const r = buildReply(q, { answers: [aRR('www.example.org', '192.0.2.1', 1_000_000)] });
    expect(cacheableTtl(scan(r))).toBe(86_400);
  });
});

describe('ForwardCache', () => {
  const q = buildQuery('www.example.org', { id: 1 });
  const key = keyOf(q);

  it('returns the stored answer with its age in whole seconds', () => {
    let now = 1_000_000;
    const cache = new ForwardCache(limits(10), () => now);
    const answer = kept(buildReply(q, { answers: [aRR('www.example.org', '192.0.2.1', 100)] }));
    expect(cache.store(key, answer)).toBe(100);
    now += 30_500;
    expect(cache.lookup(key)).toEqual({ answer, ageSeconds: 30 });
  });

  it('expires an entry when its TTL has passed', () => {
    let now = 0;
    const cache = new ForwardCache(limits(10), () => now);
    cache.store(key, kept(buildReply(q, { answers: [aRR('www.example.org', '192.0.2.1', 5)] })));
    now = 4_999;
    expect(cache.lookup(key)).not.toBeNull();
    now = 5_000;
    expect(cache.lookup(key)).toBeNull();
    expect(cache.size).toBe(0);
  });

  it('does not store uncacheable replies', () => {
    const cache = new ForwardCache(limits(10));
    expect(cache.store(key, kept(buildReply(q, { rcode: 2 })))).toBe(0);
    expect(cache.lookup(key)).toBeNull();
  });

  it('never serves a one-label name holding "www.google.com" for the three-label name, or back', () => {
    const cache = new ForwardCache(limits(10));
    const one = rawQuery(['www.google.com']);
    const three = rawQuery(['www', 'google', 'com']);
    expect(keyOf(one)).not.toBe(keyOf(three));
    cache.store(keyOf(one), kept(buildReply(one, { answers: [aRR('x', '6.6.6.6')] })));
    expect(cache.lookup(keyOf(three))).toBeNull();
    cache.store(keyOf(three), kept(buildReply(three, { answers: [aRR('x', '192.0.2.1')] })));
    expect(cache.lookup(keyOf(one))!.answer.msg.includes(Buffer.from([6, 6, 6, 6]))).toBe(true);
    expect(cache.lookup(keyOf(three))!.answer.msg.includes(Buffer.from([6, 6, 6, 6]))).toBe(false);
  });

  it('keeps at most the configured number of entries', () => {
    const cache = new ForwardCache(limits(3));
    for (let i = 0; i < 10; i++) {
      const qi = buildQuery(`n${i}.example.org`);
      cache.store(keyOf(qi), kept(buildReply(qi, { answers: [aRR(`n${i}.example.org`, '192.0.2.1')] })));
    }
    expect(cache.size).toBe(3);
  });

  it('keeps at most the configured number of bytes, evicting the least recently used', () => {
    const cache = new ForwardCache(limits(10_000, 64 * 1024));
    const big = (i: number) => {
      const qi = buildQuery(`n${i}.example.org`);
      // About 5 KB each.
      return kept(buildReply(qi, { answers: Array.from({ length: 130 }, (_, j) => aRR(`n${i}`, `192.0.2.${j}`)) }));
    };
    for (let i = 0; i < 100; i++) {
      expect(cache.store(`k${i}`, big(i))).toBe(300);
      expect(cache.bytes).toBeLessThanOrEqual(64 * 1024);
    }
    const fit = Math.floor((64 * 1024) / entryBytes('k99', big(99)));
    expect(fit).toBeGreaterThan(10);
    expect(cache.size).toBe(fit);
    expect(cache.lookup('k99')).not.toBeNull();
    expect(cache.lookup('k0')).toBeNull();
  });

  it('does not keep an entry over MAX_ENTRY_BYTES, such as a 60 KB TCP answer', () => {
    const cache = new ForwardCache(limits(10_000));
    const huge = kept(
      buildReply(q, { answers: Array.from({ length: 3500 }, (_, j) => aRR('big', `10.0.${j >> 8}.${j & 255}`)) }),
    );
    expect(huge.msg.length).toBeGreaterThan(60_000);
    expect(cache.store(key, huge)).toBe(0);
    expect(cache.size).toBe(0);
    expect(cache.bytes).toBe(0);
    const small = kept(buildReply(q, { answers: [aRR('www.example.org', '192.0.2.1')] }));
    expect(entryBytes(key, small)).toBeLessThan(MAX_ENTRY_BYTES);
    expect(cache.store(key, small)).toBe(300);
  });
});
