import { describe, expect, it } from 'vitest';
import { ForwardCache, MAX_ENTRY_BYTES, cacheKey, cacheableTtl, entryBytes } from '../../../src/dns/forward/cache.js';
import { scanMessage } from '../../../src/wire/scan.js';
import { aRR, buildQuery, buildReply, idOf, soaRR, txtRR } from '../../helpers/dns-msg.js';

function scan(msg: Buffer) {
  const s = scanMessage(msg);
  if (s === null) throw new Error('test message does not scan');
  return s;
}

const limits = (maxEntries: number, maxBytes = 32 * 1024 * 1024) => ({ maxEntries, maxBytes });

const key = cacheKey({
  qname: 'www.example.org',
  qtype: 1,
  qclass: 1,
  transport: 'udp',
  edns: false,
  dnssecOk: false,
  rd: true,
  cd: false,
});

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

describe('cacheKey', () => {
  it('separates what changes an upstream answer', () => {
    const base = {
      qname: 'a.example',
      qtype: 1,
      qclass: 1,
      transport: 'udp' as const,
      edns: false,
      dnssecOk: false,
      rd: true,
      cd: false,
    };
    const keys = new Set([
      cacheKey(base),
      cacheKey({ ...base, qtype: 28 }),
      cacheKey({ ...base, qclass: 3 }),
      cacheKey({ ...base, transport: 'tcp' }),
      cacheKey({ ...base, edns: true }),
      cacheKey({ ...base, edns: true, dnssecOk: true }),
      cacheKey({ ...base, rd: false }),
      cacheKey({ ...base, cd: true }),
      cacheKey({ ...base, qname: 'b.example' }),
    ]);
    expect(keys.size).toBe(9);
  });
});

describe('ForwardCache', () => {
  it('replays a stored reply with the new ID, the new question case and aged TTLs', () => {
    let now = 1_000_000;
    const cache = new ForwardCache(limits(10), () => now);
    const q1 = buildQuery('www.example.org', { id: 1 });
    const reply = buildReply(q1, {
      answers: [aRR('www.example.org', '192.0.2.1', 100)],
      authority: [txtRR('example.org', 'x', 250)],
    });
    expect(cache.store(key, reply, scan(reply))).toBe(100);

    now += 30_500;
    const q2 = buildQuery('WWW.Example.ORG', { id: 0xbeef });
    const hit = cache.lookup(key, q2, scan(q2).questionEnd);
    expect(hit).not.toBeNull();
    const out = hit!.reply;
    expect(idOf(out)).toBe(0xbeef);
    expect(out.subarray(12, scan(q2).questionEnd)).toEqual(q2.subarray(12, scan(q2).questionEnd));
    const s = scan(out);
    expect(s.ttlOffsets.map((o) => out.readUInt32BE(o))).toEqual([70, 220]);
    // The stored copy is untouched by a replay.
    const again = cache.lookup(key, q1, scan(q1).questionEnd)!.reply;
    expect(idOf(again)).toBe(1);
    expect(again.subarray(12, 29).toString('latin1')).toContain('www');
  });

  it('expires an entry when its TTL has passed', () => {
    let now = 0;
    const cache = new ForwardCache(limits(10), () => now);
    const q = buildQuery('www.example.org');
    const reply = buildReply(q, { answers: [aRR('www.example.org', '192.0.2.1', 5)] });
    cache.store(key, reply, scan(reply));
    now = 4_999;
    expect(cache.lookup(key, q, scan(q).questionEnd)).not.toBeNull();
    now = 5_000;
    expect(cache.lookup(key, q, scan(q).questionEnd)).toBeNull();
    expect(cache.size).toBe(0);
  });

  it('does not store uncacheable replies', () => {
    const cache = new ForwardCache(limits(10));
    const q = buildQuery('www.example.org');
    const reply = buildReply(q, { rcode: 2 });
    expect(cache.store(key, reply, scan(reply))).toBe(0);
    expect(cache.lookup(key, q, scan(q).questionEnd)).toBeNull();
  });

  it('keeps at most the configured number of entries', () => {
    const cache = new ForwardCache(limits(3));
    for (let i = 0; i < 10; i++) {
      const q = buildQuery(`n${i}.example.org`);
      const r = buildReply(q, { answers: [aRR(`n${i}.example.org`, '192.0.2.1')] });
      cache.store(`k${i}`, r, scan(r));
    }
    expect(cache.size).toBe(3);
  });

  it('keeps at most the configured number of bytes, evicting the least recently used', () => {
    const cache = new ForwardCache(limits(10_000, 64 * 1024));
    const big = (i: number) => {
      const q = buildQuery(`n${i}.example.org`);
      // About 5 KB each.
      return buildReply(q, {
        answers: Array.from({ length: 130 }, (_, j) => aRR(`n${i}.example.org`, `192.0.2.${j}`)),
      });
    };
    for (let i = 0; i < 100; i++) {
      const r = big(i);
      expect(cache.store(`k${i}`, r, scan(r))).toBe(300);
      expect(cache.bytes).toBeLessThanOrEqual(64 * 1024);
    }
    const fit = Math.floor((64 * 1024) / entryBytes('k99', big(99), scan(big(99))));
    expect(fit).toBeGreaterThan(10);
    expect(cache.size).toBe(fit);
    const last = buildQuery('n99.example.org');
    expect(cache.lookup('k99', last, scan(last).questionEnd)).not.toBeNull();
    const first = buildQuery('n0.example.org');
    expect(cache.lookup('k0', first, scan(first).questionEnd)).toBeNull();
  });

  it('does not keep an entry over MAX_ENTRY_BYTES, such as a 60 KB TCP answer', () => {
    const cache = new ForwardCache(limits(10_000));
    const q = buildQuery('big.example.org');
    const huge = buildReply(q, {
      answers: Array.from({ length: 3500 }, (_, j) => aRR('big.example.org', `10.0.${j >> 8}.${j & 255}`)),
    });
    expect(huge.length).toBeGreaterThan(60_000);
    expect(cache.store('huge', huge, scan(huge))).toBe(0);
    expect(cache.size).toBe(0);
    expect(cache.bytes).toBe(0);
    const small = buildReply(q, { answers: [aRR('big.example.org', '192.0.2.1')] });
    expect(entryBytes('small', small, scan(small))).toBeLessThan(MAX_ENTRY_BYTES);
    expect(cache.store('small', small, scan(small))).toBe(300);
  });
});
