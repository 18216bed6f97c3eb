import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { answer } from '../../../src/dns/answer/answer.js';
import { Forwarder, type ForwarderConfig } from '../../../src/dns/forward/forwarder.js';
import { DnsStats } from '../../../src/dns/stats/counters.js';
import {
  aRR,
  buildQuery,
  buildReply,
  counts,
  decodeMessage,
  idOf,
  questionEnd,
  rcodeOf,
  tcOf,
} from '../../helpers/dns-msg.js';
import { startUpstream, type StandInUpstream } from '../../helpers/upstream.js';

const log = pino({ level: 'silent' });
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

const COOKIE = Buffer.from([0, 10, 0, 8, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11]);
const NSID = Buffer.from([0, 3, 0, 4, 0x6e, 0x73, 0x69, 0x64]);

function config(over: Partial<ForwarderConfig>): ForwarderConfig {
  return {
    resolvers: [],
    zoneResolvers: {},
    timeout: 5,
    setTruncateBit: true,
    maxForwardsInFlight: 100,
    maxForwardsPerClient: 100,
    forwardCacheSize: 0,
    forwardCacheBytes: 32 * 1024 * 1024,
    ednsMaxUdpSize: 1232,
    ...over,
  };
}

function makeForwarder(over: Partial<ForwarderConfig>, stats = new DnsStats(), now?: () => number): Forwarder {
  const f = new Forwarder({ config: config(over), stats, log, now });
  cleanups.push(() => f.close());
  return f;
}

async function upstream(...args: Parameters<typeof startUpstream>): Promise<StandInUpstream> {
  const u = await startUpstream(...args);
  cleanups.push(() => u.close());
  return u;
}

/**
 * The reply the forwarder gives `query`, now or later, as answer() hands it
 * over; fails the test if the callback runs during `forward()`.
 */
function ask(f: Forwarder, query: Buffer, transport: 'udp' | 'tcp' = 'udp', client = '127.0.0.1'): Promise<Buffer> {
  const v = answer(query, null, {
    transport,
    domain: 'mesos',
    recursionAvailable: true,
    externalOn: true,
    setTruncateBit: true,
    ednsMaxUdpSize: 1232,
    stats: new DnsStats(),
  });
  if (v.kind !== 'forward') throw new Error(`expected a forward verdict, got ${v.kind}`);
  return new Promise((resolve, reject) => {
    let during = true;
    const now = f.forward(query, v.request, client, null, (reply) => {
      if (during) reject(new Error('callback during forward()'));
      resolve(reply);
    });
    during = false;
    if (now !== null) resolve(now);
  });
}

function nameOf(query: Buffer): string {
  const labels: string[] = [];
  let off = 12;
  while (query[off] !== 0) {
    labels.push(query.subarray(off + 1, off + 1 + query[off]!).toString('latin1'));
    off += query[off]! + 1;
  }
  return labels.join('.').toLowerCase();
}

const answerWith =
  (ip: string, ttl = 300) =>
  (q: Buffer) =>
    buildReply(q, { answers: [aRR(nameOf(q), ip, ttl)] });

/** The answer addresses of a reply. */
const ips = (reply: Buffer) => decodeMessage(reply).answers.map((rr) => rr.data);
const optOf = (msg: Buffer) => decodeMessage(msg).additionals.find((rr) => rr.type === 41);

/** A query whose QNAME is these raw labels (a label may hold a dot). */
function rawQuery(labels: string[], id = 1): Buffer {
  const parts = [Buffer.from([id >> 8, id & 255, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0])];
  for (const l of labels) parts.push(Buffer.from([l.length]), Buffer.from(l, 'latin1'));
  parts.push(Buffer.from([0, 0, 1, 0, 1]));
  return Buffer.concat(parts);
}

describe('Forwarder: what goes upstream', () => {
  it("asks with a fresh ID and our own OPT (ednsMaxUdpSize, the client's DO), never the client's options", async () => {
    const up = await upstream(answerWith('192.0.2.10'));
    const f = makeForwarder({ resolvers: [up.resolver], ednsMaxUdpSize: 1400 });
    for (let i = 0; i < 8; i++) {
      const q = buildQuery(`n${i}.example.org`, {
        id: 0x4242,
        edns: 65535,
        dnssecOk: i % 2 === 1,
        ednsOptions: COOKIE,
      });
      const reply = await ask(f, q);
      expect(idOf(reply)).toBe(0x4242);
      const sent = decodeMessage(up.queries[i]!.msg);
      expect(sent.additionals).toHaveLength(1);
      expect(sent.additionals[0]).toMatchObject({ type: 41, class: 1400, ttl: i % 2 === 1 ? 0x8000 : 0 });
      expect(sent.additionals[0]!.rdata).toHaveLength(0);
      expect(sent.rd).toBe(true);
    }
    expect(new Set(up.queries.map((q) => idOf(q.msg))).size).toBeGreaterThan(1);
    expect(up.queries.some((q) => q.msg.includes(COOKIE))).toBe(false);
  });

  it('asks over UDP whatever the client used, and over TCP only when the UDP reply is truncated', async () => {
    const many = (q: Buffer) => Array.from({ length: 300 }, (_, i) => aRR(nameOf(q), `10.0.${i >> 8}.${i & 255}`));
    const up = await upstream((q, transport) =>
      nameOf(q).startsWith('big') && transport === 'udp'
        ? buildReply(q, { tc: true })
        : buildReply(q, { answers: nameOf(q).startsWith('big') ? many(q) : [aRR(nameOf(q), '192.0.2.20')] }),
    );
    const f = makeForwarder({ resolvers: [up.resolver] });
    expect(ips(await ask(f, buildQuery('small.example'), 'tcp'))).toEqual(['192.0.2.20']);
    expect(counts(await ask(f, buildQuery('big.example'), 'tcp')).an).toBe(300);
    expect(up.queries.map((q) => q.transport)).toEqual(['udp', 'udp', 'tcp']);
    // A UDP client gets what fits its limit: our own truncated reply, so it asks again over TCP.
    const udp = await ask(f, buildQuery('big2.example', { edns: 4096 }));
    expect(tcOf(udp)).toBe(true);
    expect(counts(udp)).toEqual({ qd: 1, an: 0, ns: 0, ar: 1 });
  });

  it('merges identical questions in flight into one exchange, whatever their case, ID or options', async () => {
    const up = await upstream((q) => ({ delayMs: 200, reply: answerWith('192.0.2.11')(q) }));
    const stats = new DnsStats();
    const f = makeForwarder({ resolvers: [up.resolver] }, stats);
    const names = ['www.example.org', 'WWW.example.org', 'www.EXAMPLE.org'];
    const queries = Array.from({ length: 50 }, (_, i) =>
      buildQuery(names[i % 3]!, { id: 1000 + i, edns: i % 2 ? 1232 : undefined, ednsOptions: COOKIE }),
    );
    const replies = await Promise.all(queries.map((q) => ask(f, q)));
    expect(up.queries).toHaveLength(1);
    expect(stats.upstreamQueries).toBe(1);
    replies.forEach((r, i) => {
      expect(idOf(r)).toBe(1000 + i);
      expect(r.subarray(12, questionEnd(r))).toEqual(queries[i]!.subarray(12, questionEnd(queries[i]!)));
      expect(ips(r)).toEqual(['192.0.2.11']);
      expect(optOf(r) !== undefined).toBe(i % 2 === 1);
    });
    expect(f.latency.count).toBe(50);
    expect(f.inFlight).toBe(0);
  });

  it('asks separately for questions that differ in type, DO or CD', async () => {
    const up = await upstream((q) => ({ delayMs: 100, reply: answerWith('192.0.2.12')(q) }));
    const f = makeForwarder({ resolvers: [up.resolver] });
    await Promise.all([
      ask(f, buildQuery('a.example')),
      ask(f, buildQuery('a.example', { qtype: 28 })),
      ask(f, buildQuery('a.example', { edns: 1232, dnssecOk: true })),
      ask(f, buildQuery('a.example', { cd: true })),
    ]);
    expect(up.queries).toHaveLength(4);
  });

  it('routes zones on wire labels: x\\.corp.internal goes to the default resolvers', async () => {
    const def = await upstream(answerWith('192.0.2.1'));
    const zone = await upstream(answerWith('192.0.2.2'));
    const f = makeForwarder({ resolvers: [def.resolver], zoneResolvers: { 'corp.internal': [zone.resolver] } });
    expect(ips(await ask(f, rawQuery(['x.corp', 'internal'])))).toEqual(['192.0.2.1']);
    expect(ips(await ask(f, rawQuery(['x', 'corp', 'internal'])))).toEqual(['192.0.2.2']);
    expect(def.queries).toHaveLength(1);
    expect(zone.queries).toHaveLength(1);
  });
});

describe('Forwarder: what the client gets', () => {
  /** An upstream that answers with its own OPT, a server cookie and an NSID. */
  const chatty = (q: Buffer) =>
    buildReply(q, {
      answers: [aRR(nameOf(q), '192.0.2.30')],
      edns: 4096,
      ednsOptions: Buffer.concat([COOKIE.subarray(0, 4), Buffer.alloc(8, 0x22), NSID]),
    });

  it('our OPT (ednsMaxUdpSize, DO echoed, no options) or none, never the upstream options', async () => {
    const up = await upstream(chatty);
    const f = makeForwarder({ resolvers: [up.resolver], ednsMaxUdpSize: 1400 });
    const withOpt = await ask(f, buildQuery('o.example', { edns: 1232, dnssecOk: true, ednsOptions: COOKIE }));
    expect(optOf(withOpt)).toMatchObject({ class: 1400, ttl: 0x8000 });
    expect(optOf(withOpt)!.rdata).toHaveLength(0);
    expect(ips(withOpt)).toEqual(['192.0.2.30']);
    const without = await ask(f, buildQuery('o.example'));
    expect(optOf(without)).toBeUndefined();
    expect(counts(without).ar).toBe(0);
  });

  it("replays from the cache without one client's or the upstream's options, with our OPT per client", async () => {
    const up = await upstream(chatty);
    const f = makeForwarder({ resolvers: [up.resolver], forwardCacheSize: 100 });
    const first = await ask(f, buildQuery('c.example', { id: 1, edns: 1232, ednsOptions: COOKIE }));
    const other = Buffer.from([0, 10, 0, 8, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33]);
    const second = await ask(f, buildQuery('C.example', { id: 2, edns: 1232, dnssecOk: false, ednsOptions: other }));
    const third = await ask(f, buildQuery('c.example', { id: 3 }));
    expect(up.queries).toHaveLength(1);
    for (const r of [first, second, third]) {
      expect(r.includes(Buffer.alloc(8, 0x11))).toBe(false);
      expect(r.includes(Buffer.alloc(8, 0x22))).toBe(false);
      expect(r.includes(NSID)).toBe(false);
      expect(ips(r)).toEqual(['192.0.2.30']);
    }
    expect(idOf(second)).toBe(2);
    expect(second.subarray(12, 14).toString('latin1')).toBe('\x01C');
    expect(optOf(second)!.rdata).toHaveLength(0);
    expect(optOf(third)).toBeUndefined();
  });

  it('serves repeated questions from the cache with aged TTLs, and refetches after expiry', async () => {
    const up = await upstream(answerWith('192.0.2.15', 10));
    const stats = new DnsStats();
    let now = 1_000;
    const f = makeForwarder({ resolvers: [up.resolver], forwardCacheSize: 100 }, stats, () => now);
    await ask(f, buildQuery('c.example', { id: 1 }));
    now += 4_000;
    const second = await ask(f, buildQuery('C.Example', { id: 2 }));
    expect(up.queries).toHaveLength(1);
    expect(stats.cacheHits).toBe(1);
    expect(idOf(second)).toBe(2);
    expect(decodeMessage(second).answers[0]!.ttl).toBe(6);
    now += 6_000;
    await ask(f, buildQuery('c.example', { id: 3 }));
    expect(up.queries).toHaveLength(2);
  });

  it('passes on any RCODE from the first upstream without failing over', async () => {
    const a = await upstream((q) => buildReply(q, { rcode: 3 }));
    const b = await upstream(answerWith('192.0.2.11'));
    const stats = new DnsStats();
    const f = makeForwarder({ resolvers: [a.resolver, b.resolver] }, stats);
    expect(rcodeOf(await ask(f, buildQuery('nx.example.org')))).toBe(3);
    expect(b.queries).toHaveLength(0);
    expect(stats.forwarded).toBe(1);
    expect(f.latency.count).toBe(1);
  });

  it('truncates an answer larger than the client accepts to header, question and our OPT', async () => {
    const answers = (q: Buffer) => Array.from({ length: 40 }, (_, i) => aRR(nameOf(q), `192.0.2.${i}`));
    const up = await upstream((q) => buildReply(q, { answers: answers(q), edns: 4096 }));
    const stats = new DnsStats();
    const f = makeForwarder({ resolvers: [up.resolver], ednsMaxUdpSize: 4096 }, stats);
    const small = await ask(f, buildQuery('big.example', { edns: 700 }));
    expect(small.length).toBeLessThanOrEqual(700);
    expect(tcOf(small)).toBe(true);
    expect(counts(small)).toEqual({ qd: 1, an: 0, ns: 0, ar: 1 });
    expect(stats.truncated).toBe(1);
    const noEdns = await ask(f, buildQuery('big.example'));
    expect(counts(noEdns)).toEqual({ qd: 1, an: 0, ns: 0, ar: 0 });
    const full = await ask(f, buildQuery('big.example', { edns: 4096 }));
    expect(counts(full).an).toBe(40);
  });

  it('clears TC when SetTruncateBit is off', async () => {
    const up = await upstream((q) =>
      buildReply(q, { answers: Array.from({ length: 60 }, () => aRR('x', '192.0.2.1')) }),
    );
    const f = makeForwarder({ resolvers: [up.resolver], setTruncateBit: false });
    const out = await ask(f, buildQuery('t.example'));
    expect([tcOf(out), counts(out).an]).toEqual([false, 0]);
  });
});

describe('Forwarder: spoofed replies', () => {
  it('never takes a reply from another port, with another ID or question into the reply or the cache', async () => {
    const spoofer = dgram.createSocket('udp4');
    await new Promise<void>((r) => spoofer.bind(0, '127.0.0.1', () => r()));
    cleanups.push(() => new Promise((r) => spoofer.close(() => r())));
    const ours = { port: 0, address: '' };
    const up = await upstream((q) => {
      const evil = buildReply(q, { answers: [aRR(nameOf(q), '6.6.6.6', 3600)] });
      // Right ID and question, from another socket.
      spoofer.send(evil, ours.port, ours.address);
      // From the upstream's own address and port, but with another ID, or another question.
      const otherId = Buffer.from(evil);
      otherId.writeUInt16BE(idOf(q) ^ 1, 0);
      up.udp.send(otherId, ours.port, ours.address);
      const otherQuestion = buildReply(buildQuery('evil.example', { id: idOf(q) }), {
        answers: [aRR('www.example.org', '6.6.6.6', 3600)],
      });
      up.udp.send(otherQuestion, ours.port, ours.address);
      return { delayMs: 150, reply: answerWith('192.0.2.13')(q) };
    });
    up.udp.prependListener('message', (_m, rinfo) => Object.assign(ours, { port: rinfo.port, address: rinfo.address }));
    const stats = new DnsStats();
    const f = makeForwarder({ resolvers: [up.resolver], forwardCacheSize: 100 }, stats);
    expect(ips(await ask(f, buildQuery('www.example.org')))).toEqual(['192.0.2.13']);
    expect(ips(await ask(f, buildQuery('www.example.org')))).toEqual(['192.0.2.13']);
    expect(up.queries).toHaveLength(1);
    expect(stats.upstreamRepliesIgnored).toBe(2);
    expect(stats.forwardFailures).toBe(0);
  });
});

describe('Forwarder: failures and limits', () => {
  it('tries the next resolver after a timeout, a wrong question or garbage, and SERVFAILs when all fail', async () => {
    const silent = await upstream(() => null);
    const wrongQuestion = await upstream((q) => buildReply(buildQuery('other.example', { id: idOf(q) })));
    const garbage = await upstream((q) => Buffer.concat([q.subarray(0, 2), Buffer.from([0x81, 0x80, 0, 1, 0, 5])]));
    const good = await upstream(answerWith('192.0.2.12'));
    const stats = new DnsStats();
    const f = makeForwarder(
      { resolvers: [silent.resolver, wrongQuestion.resolver, garbage.resolver, good.resolver], timeout: 1 },
      stats,
    );
    const q = buildQuery('www.example.org', { id: 99 });
    expect(ips(await ask(f, q))).toEqual(['192.0.2.12']);
    expect([silent, wrongQuestion, garbage, good].map((u) => u.queries.length)).toEqual([1, 1, 1, 1]);
    expect(stats.upstreamRepliesIgnored).toBe(2);

    const f2 = makeForwarder({ resolvers: [silent.resolver, garbage.resolver], timeout: 1 }, stats);
    const fail = await ask(f2, buildQuery('www.example.org', { id: 99, edns: 1232 }));
    expect(rcodeOf(fail)).toBe(2);
    expect(idOf(fail)).toBe(99);
    expect(counts(fail)).toEqual({ qd: 1, an: 0, ns: 0, ar: 1 });
    expect(stats.forwardFailures).toBe(1);
    expect(f2.inFlight).toBe(0);
  });

  it('answers SERVFAIL at once above maxForwardsInFlight', async () => {
    const slow = await upstream((q) => ({ delayMs: 300, reply: answerWith('192.0.2.14')(q) }));
    const f = makeForwarder({ resolvers: [slow.resolver], maxForwardsInFlight: 2 });
    const replies = await Promise.all([1, 2, 3, 4].map((i) => ask(f, buildQuery(`n${i}.example.org`, { id: i }))));
    expect(replies.map(rcodeOf).sort()).toEqual([0, 0, 2, 2]);
    expect(f.inFlight).toBe(0);
  });

  it('answers a client over its quota SERVFAIL at once, while another client is still answered', async () => {
    const def = await upstream(answerWith('192.0.2.40'));
    const silent = await upstream(() => null);
    const stats = new DnsStats();
    const f = makeForwarder(
      {
        resolvers: [def.resolver],
        zoneResolvers: { 'dead.example': [silent.resolver] },
        maxForwardsInFlight: 50,
        maxForwardsPerClient: 5,
      },
      stats,
    );
    const hog = '10.0.0.1';
    // Five waiting queries, two of them merged onto one exchange.
    const pending = ['a', 'b', 'c', 'd', 'd'].map((n, i) =>
      ask(f, buildQuery(`${n}.dead.example`, { id: i }), 'udp', hog),
    );
    expect([f.inFlight, f.exchanges]).toEqual([5, 4]);
    const refused = await ask(f, buildQuery('e.dead.example', { id: 9 }), 'udp', hog);
    expect([rcodeOf(refused), idOf(refused)]).toEqual([2, 9]);
    // Even a question that would merge onto an exchange in flight.
    expect(rcodeOf(await ask(f, buildQuery('a.dead.example'), 'udp', hog))).toBe(2);
    expect(stats.forwardLimited).toBe(2);
    expect(stats.upstreamQueries).toBe(4);
    expect(ips(await ask(f, buildQuery('www.example.org'), 'udp', '10.0.0.2'))).toEqual(['192.0.2.40']);
    await f.close();
    expect((await Promise.all(pending)).map(rcodeOf)).toEqual([2, 2, 2, 2, 2]);
  });

  it('REFUSES when the chosen resolver list is empty', async () => {
    const f = makeForwarder({ resolvers: [] });
    expect(rcodeOf(await ask(f, buildQuery('www.example.org')))).toBe(5);
  });

  it('fails over from a refused TCP connection after a truncated UDP reply', async () => {
    const closed = await startUpstream(() => null);
    await closed.close();
    const good = await upstream(answerWith('192.0.2.21'));
    const tcOnly = await upstream((q, transport) => (transport === 'udp' ? buildReply(q, { tc: true }) : null));
    const f = makeForwarder({ resolvers: [closed.resolver, tcOnly.resolver, good.resolver], timeout: 1 });
    expect(ips(await ask(f, buildQuery('tcp.example'), 'tcp'))).toEqual(['192.0.2.21']);
    expect(tcOnly.queries.map((q) => q.transport)).toEqual(['udp', 'tcp']);
  });

  it('answers every waiting client SERVFAIL on close and releases everything', async () => {
    const silent = await upstream(() => null);
    const f = makeForwarder({ resolvers: [silent.resolver] });
    const pending = [1, 2, 3].map((i) => ask(f, buildQuery(i === 3 ? 'other.example' : 'x.example', { id: i })));
    expect([f.inFlight, f.exchanges]).toEqual([3, 2]);
    await f.close();
    expect((await Promise.all(pending)).map(rcodeOf)).toEqual([2, 2, 2]);
    expect([f.inFlight, f.exchanges]).toEqual([0, 0]);
    expect(rcodeOf(await ask(f, buildQuery('x.example')))).toBe(2);
  });
});
