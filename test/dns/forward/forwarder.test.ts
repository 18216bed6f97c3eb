import { afterEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { answer } from '../../../src/dns/answer/answer.js';
import { Forwarder, type ForwarderConfig } from '../../../src/dns/forward/forwarder.js';
import { scanMessage } from '../../../src/wire/scan.js';
import { DnsStats } from '../../../src/dns/stats/counters.js';
import { parseUpstream } from '../../../src/dns/forward/router.js';
import { aRR, buildQuery, buildReply, counts, idOf, rcodeOf, tcOf } from '../../helpers/dns-msg.js';
import { startUpstream, type StandInUpstream } from '../../helpers/upstream.js';

const log = pino({ level: 'silent' });
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

function config(over: Partial<ForwarderConfig>): ForwarderConfig {
  return {
    resolvers: [],
    zoneResolvers: {},
    timeout: 5,
    setTruncateBit: true,
    maxForwardsInFlight: 100,
    forwardCacheSize: 0,
    forwardCacheBytes: 32 * 1024 * 1024,
    ednsMaxUdpSize: 1232,
    ...over,
  };
}

function makeForwarder(over: Partial<ForwarderConfig>, stats = new DnsStats()): Forwarder {
  const f = new Forwarder({ config: config(over), stats, log });
  cleanups.push(() => f.close());
  return f;
}

async function upstream(...args: Parameters<typeof startUpstream>): Promise<StandInUpstream> {
  const u = await startUpstream(...args);
  cleanups.push(() => u.close());
  return u;
}

/** The reply the forwarder gives `query`, now or later, as answer() would hand it over. */
function ask(f: Forwarder, query: Buffer, transport: 'udp' | 'tcp' = 'udp', udpLimit = 512): Promise<Buffer> {
  const v = answer(query, null, {
    transport,
    domain: 'mesos',
    recursionAvailable: true,
    externalOn: true,
    setTruncateBit: true,
    ednsMaxUdpSize: 65507,
    stats: new DnsStats(),
  });
  if (v.kind !== 'forward') throw new Error(`expected a forward verdict, got ${v.kind}`);
  const request = { ...v.request, limit: transport === 'tcp' ? 65535 : udpLimit };
  return new Promise((resolve) => {
    const now = f.forward(query, request, '127.0.0.1', null, (reply) => resolve(reply));
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

const answerWith = (ip: string) => (q: Buffer) => buildReply(q, { answers: [aRR(nameOf(q), ip)] });

describe('Forwarder over UDP', () => {
  it('relays the upstream reply bytes with the client ID, sending a fresh random ID upstream', async () => {
    const up = await upstream(answerWith('192.0.2.10'));
    const f = makeForwarder({ resolvers: [up.resolver] });
    const ids = new Set<number>();
    for (let i = 0; i < 8; i++) {
      const q = buildQuery('www.example.org', {
        id: 0x4242,
        edns: 1232,
        ednsOptions: Buffer.from([0, 10, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8]),
      });
      const reply = await ask(f, q);
      const sent = up.queries[i]!.msg;
      ids.add(idOf(sent));
      // The query reaches the upstream unchanged apart from the ID (cookie option included).
      expect(sent.subarray(2)).toEqual(q.subarray(2));
      const expected = answerWith('192.0.2.10')(q);
      expect(reply).toEqual(expected);
    }
    expect(ids.size).toBeGreaterThan(1);
  });

  it('relays any RCODE from the first upstream without failing over', async () => {
    const a = await upstream((q) => buildReply(q, { rcode: 3 }));
    const b = await upstream(answerWith('192.0.2.11'));
    const stats = new DnsStats();
    const f = makeForwarder({ resolvers: [a.resolver, b.resolver] }, stats);
    const reply = await ask(f, buildQuery('nx.example.org'));
    expect(rcodeOf(reply)).toBe(3);
    expect(b.queries).toHaveLength(0);
    expect(stats.forwarded).toBe(1);
    expect(f.latency.count).toBe(1);
  });

  it('routes by zone without falling back to the default resolvers', async () => {
    const def = await upstream(answerWith('192.0.2.1'));
    const zone = await upstream(answerWith('192.0.2.2'));
    const f = makeForwarder({ resolvers: [def.resolver], zoneResolvers: { 'zone.example': [zone.resolver] } });
    await ask(f, buildQuery('sub.x.zone.example'));
    await ask(f, buildQuery('other.example'));
    expect(zone.queries.map((q) => nameOf(q.msg))).toEqual(['sub.x.zone.example']);
    expect(def.queries.map((q) => nameOf(q.msg))).toEqual(['other.example']);
  });

  it('tries the next resolver after a timeout, a wrong question or garbage, and SERVFAILs when all fail', async () => {
    const silent = await upstream(() => null);
    const wrongQuestion = await upstream(() => buildReply(buildQuery('other.example')));
    const garbage = await upstream((q) => Buffer.concat([q.subarray(0, 2), Buffer.from([0x81, 0x80, 0, 1, 0, 5])]));
    const good = await upstream(answerWith('192.0.2.12'));
    const stats = new DnsStats();
    const f = makeForwarder(
      { resolvers: [silent.resolver, wrongQuestion.resolver, garbage.resolver, good.resolver], timeout: 1 },
      stats,
    );
    const q = buildQuery('www.example.org', { id: 99 });
    const reply = await ask(f, q);
    expect(reply).toEqual(answerWith('192.0.2.12')(q));
    expect([silent, wrongQuestion, garbage, good].map((u) => u.queries.length)).toEqual([1, 1, 1, 1]);

    const f2 = makeForwarder({ resolvers: [silent.resolver, garbage.resolver], timeout: 1 }, stats);
    const fail = await ask(f2, q);
    expect(rcodeOf(fail)).toBe(2);
    expect(idOf(fail)).toBe(99);
    expect(counts(fail).qd).toBe(1);
    expect(stats.forwardFailures).toBe(1);
    expect(f2.inFlight).toBe(0);
  });

  it('ignores a reply from the wrong source port (spoof) and keeps waiting for the real one', async () => {
    const spoofer = await upstream(() => null);
    const client = { port: 0, address: '' };
    const up = await upstream((q) => {
      // The spoofer races the real upstream with the right ID, from another port.
      spoofer.udp.send(buildReply(q, { answers: [aRR(nameOf(q), '6.6.6.6')] }), client.port, client.address);
      return { delayMs: 100, reply: answerWith('192.0.2.13')(q) };
    });
    up.udp.prependListener('message', (_m, rinfo) => {
      client.port = rinfo.port;
      client.address = rinfo.address;
    });
    const f = makeForwarder({ resolvers: [up.resolver] });
    const q = buildQuery('www.example.org');
    expect(await ask(f, q)).toEqual(answerWith('192.0.2.13')(q));
  });

  it('answers SERVFAIL at once above maxForwardsInFlight', async () => {
    const slow = await upstream((q) => ({ delayMs: 300, reply: answerWith('192.0.2.14')(q) }));
    const f = makeForwarder({ resolvers: [slow.resolver], maxForwardsInFlight: 2 });
    const replies = await Promise.all([1, 2, 3, 4].map((i) => ask(f, buildQuery(`n${i}.example.org`, { id: i }))));
    expect(replies.map(rcodeOf).sort()).toEqual([0, 0, 2, 2]);
    expect(f.inFlight).toBe(0);
  });

  it('REFUSES when the chosen resolver list is empty', async () => {
    const f = makeForwarder({ resolvers: [] });
    expect(rcodeOf(await ask(f, buildQuery('www.example.org')))).toBe(5);
  });

  it('relays an upstream TC reply, clearing TC only when SetTruncateBit is off', async () => {
    const up = await upstream((q) => buildReply(q, { tc: true }));
    expect(tcOf(await ask(makeForwarder({ resolvers: [up.resolver] }), buildQuery('t.example')))).toBe(true);
    expect(
      tcOf(await ask(makeForwarder({ resolvers: [up.resolver], setTruncateBit: false }), buildQuery('t.example'))),
    ).toBe(false);
  });

  it('truncates a reply larger than the client accepts, keeping the OPT', async () => {
    const answers = (q: Buffer) => Array.from({ length: 60 }, (_, i) => aRR(nameOf(q), `192.0.2.${i}`));
    const up = await upstream((q) => buildReply(q, { answers: answers(q), edns: 4096 }));
    const f = makeForwarder({ resolvers: [up.resolver] });
    const small = await ask(f, buildQuery('big.example', { edns: 4096 }), 'udp', 700);
    expect(small.length).toBeLessThanOrEqual(700);
    expect(tcOf(small)).toBe(true);
    expect(counts(small)).toEqual({ qd: 1, an: 0, ns: 0, ar: 1 });
    const full = await ask(f, buildQuery('big.example', { edns: 4096 }), 'udp', 4096);
    expect(counts(full).an).toBe(60);
  });

  it('serves repeated questions from the cache and refetches after expiry', async () => {
    const up = await upstream((q) => buildReply(q, { answers: [aRR(nameOf(q), '192.0.2.15', 1)] }));
    const stats = new DnsStats();
    let now = 1_000;
    const f = new Forwarder({
      config: config({ resolvers: [up.resolver], forwardCacheSize: 100 }),
      stats,
      log,
      now: () => now,
    });
    cleanups.push(() => f.close());
    const first = await ask(f, buildQuery('c.example', { id: 1 }));
    const second = await ask(f, buildQuery('C.Example', { id: 2 }));
    expect(up.queries).toHaveLength(1);
    expect(stats.cacheHits).toBe(1);
    expect(idOf(second)).toBe(2);
    expect(second.subarray(12, 23).toString('latin1')).toContain('C');
    expect(second.subarray(2)).not.toEqual(first.subarray(2));
    now += 1_000;
    await ask(f, buildQuery('c.example', { id: 3 }));
    expect(up.queries).toHaveLength(2);
  });

  it('keeps a bounded set of upstream sockets under load and releases everything on close', async () => {
    const up = await upstream(answerWith('192.0.2.16'));
    const f = new Forwarder({
      config: config({ resolvers: [up.resolver], maxForwardsInFlight: 2000 }),
      stats: new DnsStats(),
      log,
      udpSockets: 3,
    });
    // Bursts of 50 keep loopback socket buffers from overflowing on a loaded machine.
    const all: Buffer[] = [];
    for (let round = 0; round < 12; round++) {
      const ids = Array.from({ length: 50 }, (_, i) => round * 50 + i);
      all.push(...(await Promise.all(ids.map((i) => ask(f, buildQuery(`l${i}.example`, { id: i }))))));
    }
    expect(all.every((r, i) => rcodeOf(r) === 0 && idOf(r) === i)).toBe(true);
    expect(f.udpSocketCount).toBeLessThanOrEqual(3);
    await f.close();
    expect(f.udpSocketCount).toBe(0);
    expect(f.inFlight).toBe(0);
  });
});

describe('Forwarder over TCP', () => {
  it('forwards over TCP when the client used TCP and relays the reply', async () => {
    const up = await upstream(answerWith('192.0.2.20'));
    const f = makeForwarder({ resolvers: [up.resolver] });
    const q = buildQuery('tcp.example', { id: 0x7777 });
    const reply = await ask(f, q, 'tcp');
    expect(reply).toEqual(answerWith('192.0.2.20')(q));
    expect(up.queries.map((x) => x.transport)).toEqual(['tcp']);
    expect(idOf(up.queries[0]!.msg)).not.toBe(-1);
  });

  it('fails over from a refused TCP connection and from a silent one', async () => {
    const silent = await upstream(() => null);
    const closedPort = await upstream(() => null);
    const dead = closedPort.resolver;
    await closedPort.close();
    cleanups.pop();
    const good = await upstream(answerWith('192.0.2.21'));
    const f = makeForwarder({ resolvers: [dead, silent.resolver, good.resolver], timeout: 1 });
    const q = buildQuery('tcp.example');
    expect(await ask(f, q, 'tcp')).toEqual(answerWith('192.0.2.21')(q));
  });

  it('a long upstream TCP reply is relayed whole', async () => {
    const up = await upstream((q) =>
      buildReply(q, { answers: Array.from({ length: 500 }, (_, i) => aRR(nameOf(q), `10.0.${i >> 8}.${i & 255}`)) }),
    );
    const f = makeForwarder({ resolvers: [up.resolver] });
    const reply = await ask(f, buildQuery('long.example'), 'tcp');
    expect(counts(reply).an).toBe(500);
    expect(scanMessage(reply)).not.toBeNull();
  });
});

describe('UdpUpstreamPool', () => {
  it('rotates a socket after maxUsesPerSocket exchanges, so the source port changes, without leaking sockets', async () => {
    const { UdpUpstreamPool } = await import('../../../src/dns/forward/udp-upstream.js');
    const ports = new Set<number>();
    const up = await upstream(answerWith('192.0.2.30'));
    up.udp.prependListener('message', (_m, rinfo) => ports.add(rinfo.port));
    const pool = new UdpUpstreamPool({ socketsPerFamily: 1, maxUsesPerSocket: 5, log });
    cleanups.push(() => pool.close());
    const target = parseUpstream(up.resolver);
    for (let i = 0; i < 20; i++) {
      const reply = await new Promise<Buffer | null>((resolve) =>
        pool.exchange(buildQuery(`r${i}.example`), target, 5000, (r) => resolve(r)),
      );
      expect(reply).not.toBeNull();
      expect(pool.socketCount).toBeLessThanOrEqual(2);
    }
    expect(ports.size).toBeGreaterThanOrEqual(4);
    await pool.close();
    expect(pool.socketCount).toBe(0);
    expect(pool.pendingCount).toBe(0);
  });
});
