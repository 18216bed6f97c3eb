import { afterEach, describe, expect, it } from 'vitest';
import { promises as dnsp } from 'node:dns';
import { connect } from 'node:net';
import pino from 'pino';
import { defaultConfig } from '../../../src/config/defaults.js';
import type { Config } from '../../../src/config/types.js';
import { startDnsServer, type DnsServerHandle } from '../../../src/dns/listen/server.js';
import { DnsStats } from '../../../src/dns/stats/counters.js';
import { frame } from '../../../src/wire/framing.js';
import { ServingState } from '../../../src/serving.js';
import { aRR, buildQuery, buildReply, counts, idOf, rcodeOf, tcOf } from '../../helpers/dns-msg.js';
import { digAnswers, digFlags, digStatus, runDig } from '../../helpers/dig.js';
import { tcpConnect, tcpQueries, udpQuery } from '../../helpers/dns-client.js';
import { TEST_META, fixtureRecords, fixtureTable, snapshotOf, tableOf } from '../../helpers/fixtures.js';
import { startUpstream, type StandInUpstream } from '../../helpers/upstream.js';
import { sleep, waitFor } from '../../helpers/wait.js';

const log = pino({ level: 'silent' });
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

function testConfig(over: Partial<Config> = {}): Config {
  return {
    ...defaultConfig(),
    listener: '127.0.0.1',
    port: 0,
    externalOn: false,
    resolvers: [],
    soaMname: 'ns1.mesos.',
    soaRname: 'root.ns1.mesos.',
    ...over,
  };
}

async function start(
  over: Partial<Config> = {},
  withTable = true,
): Promise<{ server: DnsServerHandle; serving: ServingState; stats: DnsStats }> {
  const serving = new ServingState();
  if (withTable) serving.swap(snapshotOf(fixtureTable()));
  const stats = new DnsStats();
  const server = await startDnsServer({ config: testConfig(over), serving, stats, log });
  cleanups.push(() => server.close());
  return { server, serving, stats };
}

async function upstream(...args: Parameters<typeof startUpstream>): Promise<StandInUpstream> {
  const u = await startUpstream(...args);
  cleanups.push(() => u.close());
  return u;
}

function resolver(port: number): dnsp.Resolver {
  const r = new dnsp.Resolver({ timeout: 5000, tries: 1 });
  r.setServers([`127.0.0.1:${port}`]);
  return r;
}

const sorted = (xs: Iterable<string>) => [...xs].sort();

describe('DNS server: local answers', () => {
  it('answers every A, AAAA and SRV name of the fixture over UDP (Node resolver)', async () => {
    const { server } = await start();
    const r = resolver(server.udpPort);
    const recs = fixtureRecords();
    for (const [name, ips] of recs.a) {
      if (name !== name.toLowerCase() || name.includes(' ')) continue;
      expect(sorted(await r.resolve4(name)), name).toEqual(sorted(ips));
    }
    for (const [name, ips] of recs.aaaa) {
      expect(sorted(await r.resolve6(name)), name).toEqual(sorted(ips));
    }
    let srvChecked = 0;
    for (const [name, values] of recs.srv) {
      if (name !== name.toLowerCase() || name.includes(' ') || srvChecked >= 15) continue;
      const got = await r.resolveSrv(name);
      const want = [...values].map((v) => {
        const i = v.lastIndexOf(':');
        return `${v.slice(0, i).replace(/\.$/, '')}:${v.slice(i + 1)}`;
      });
      expect(sorted(got.map((s) => `${s.name}:${s.port}`)), name).toEqual(sorted(want));
      srvChecked++;
    }
    expect(srvChecked).toBeGreaterThan(5);
    await expect(r.resolve4('nothere.marathon.mesos')).rejects.toMatchObject({ code: 'ENOTFOUND' });
  });

  it('answers over TCP and honours +bufsize / +noedns (dig)', async () => {
    const { server } = await start();
    const port = String(server.udpPort);
    expect(server.tcpPort).toBe(server.udpPort);
    const tcp = await runDig(['@127.0.0.1', '-p', port, '+tcp', 'liquor-store.marathon.mesos', 'A']);
    expect(digStatus(tcp)).toBe('NOERROR');
    expect(digFlags(tcp)).toContain('aa');
    expect(digAnswers(tcp).length).toBeGreaterThanOrEqual(1);
    const srv = await runDig(['@127.0.0.1', '-p', port, '+bufsize=1232', '_liquor-store._tcp.marathon.mesos', 'SRV']);
    expect(digStatus(srv)).toBe('NOERROR');
    expect(srv).toContain('OPT PSEUDOSECTION');
    expect(digAnswers(srv).length).toBeGreaterThanOrEqual(1);
    const noedns = await runDig(['@127.0.0.1', '-p', port, '+noedns', 'missing.mesos', 'A']);
    expect(digStatus(noedns)).toBe('NXDOMAIN');
    expect(noedns).not.toContain('OPT PSEUDOSECTION');
  });

  it('answers SERVFAIL inside the domain before the first table, then answers once it is swapped in', async () => {
    const { server, serving } = await start({}, false);
    const q = buildQuery('leader.mesos', { id: 5 });
    const before = await udpQuery(server.udpPort, q);
    expect(rcodeOf(before)).toBe(2);
    expect(idOf(before)).toBe(5);
    const out = await runDig(['@127.0.0.1', '-p', String(server.tcpPort), '+tcp', 'leader.mesos']);
    expect(digStatus(out)).toBe('SERVFAIL');
    serving.swap(snapshotOf(fixtureTable()));
    const after = await udpQuery(server.udpPort, q);
    expect(rcodeOf(after)).toBe(0);
    expect(counts(after).an).toBe(1);
  });

  it('reads the table per query, so a swap takes effect at once', async () => {
    const { server, serving } = await start();
    const r = resolver(server.udpPort);
    expect(await r.resolve4('leader.mesos')).toEqual(['127.0.0.1']);
    const recs = fixtureRecords();
    recs.a.set('leader.mesos.', ['10.9.8.7']);
    serving.swap(snapshotOf(tableOf(recs, { ...TEST_META, serial: 2 })));
    expect(await r.resolve4('leader.mesos')).toEqual(['10.9.8.7']);
  });

  it('listens on an IPv6 literal', async () => {
    const { server } = await start({ listener: '::1' });
    const reply = await udpQuery(server.udpPort, buildQuery('leader.mesos', { id: 6 }), 5000, '::1');
    expect(rcodeOf(reply)).toBe(0);
    const out = await runDig(['@::1', '-p', String(server.tcpPort), '+tcp', 'leader.mesos']);
    expect(digAnswers(out)).toHaveLength(1);
  });

  it('drops responses (QR=1) and counts them', async () => {
    const { server, stats } = await start();
    const q = buildQuery('leader.mesos');
    q[2]! |= 0x80;
    await expect(udpQuery(server.udpPort, q, 300)).rejects.toThrow(/no UDP reply/);
    expect(stats.dropped).toBe(1);
  });
});

describe('DNS server: TCP connection handling', () => {
  it('answers several pipelined queries on one connection', async () => {
    const { server } = await start();
    const names = [
      'leader.mesos',
      'liquor-store.marathon.mesos',
      'nothere.mesos',
      'slave.mesos',
      'big-dog.marathon.mesos',
    ];
    const replies = await tcpQueries(
      server.tcpPort,
      names.map((n, i) => buildQuery(n, { id: 100 + i })),
    );
    expect(sorted(replies.map((r) => String(idOf(r))))).toEqual(sorted(names.map((_, i) => String(100 + i))));
    const nx = replies.find((r) => idOf(r) === 102)!;
    expect(rcodeOf(nx)).toBe(3);
  });

  it('closes an idle connection and one that dribbles an unfinished message', async () => {
    const { server } = await start({ tcpIdleTimeoutSeconds: 1 });
    const idle = await tcpConnect(server.tcpPort);
    const dribbler = await tcpConnect(server.tcpPort);
    const q = frame(buildQuery('leader.mesos'));
    let i = 0;
    dribbler.sock.write(q.subarray(0, 1));
    const drip = setInterval(() => {
      // Never sends the last byte of the message.
      if (i < q.length - 2 && !dribbler.sock.destroyed) dribbler.sock.write(q.subarray(++i, i + 1));
    }, 100);
    try {
      await Promise.all([idle.closed, dribbler.closed]);
    } finally {
      clearInterval(drip);
    }
    expect(idle.sock.destroyed).toBe(true);
    await waitFor('every TCP connection to close', () => server.tcpConnections === 0);
  });

  it('keeps an active connection open past the idle timeout', async () => {
    const { server } = await start({ tcpIdleTimeoutSeconds: 1 });
    const c = await tcpConnect(server.tcpPort);
    for (let n = 1; n <= 5; n++) {
      c.sock.write(frame(buildQuery('leader.mesos', { id: n })));
      await c.waitFor(n);
      await sleep(400);
    }
    expect(c.sock.destroyed).toBe(false);
    c.sock.destroy();
  });

  it('refuses connections beyond maxTcpConnections', async () => {
    const { server } = await start({ maxTcpConnections: 2 });
    const a = await tcpConnect(server.tcpPort);
    const b = await tcpConnect(server.tcpPort);
    const c = await tcpConnect(server.tcpPort);
    await c.closed;
    a.sock.write(frame(buildQuery('leader.mesos', { id: 1 })));
    b.sock.write(frame(buildQuery('leader.mesos', { id: 2 })));
    expect(idOf((await a.waitFor(1))[0]!)).toBe(1);
    expect(idOf((await b.waitFor(1))[0]!)).toBe(2);
    a.sock.destroy();
    await a.closed;
    // The freed slot can be used again once the server has seen the close.
    await waitFor('a TCP connection to close', () => server.tcpConnections < 2);
    const d = await tcpConnect(server.tcpPort);
    d.sock.write(frame(buildQuery('leader.mesos', { id: 3 })));
    expect(idOf((await d.waitFor(1))[0]!)).toBe(3);
    b.sock.destroy();
    d.sock.destroy();
  });

  it('closes a connection whose length prefix is shorter than a DNS header', async () => {
    const { server } = await start();
    const c = await tcpConnect(server.tcpPort);
    c.sock.write(Buffer.concat([frame(buildQuery('leader.mesos', { id: 9 })), Buffer.from([0, 5, 1, 2, 3, 4, 5])]));
    await c.closed;
    expect(c.replies.map(idOf)).toEqual([9]);
  });
});

describe('DNS server: forwarding', () => {
  const answerWith =
    (ip: string, ttl = 300) =>
    (q: Buffer) =>
      buildReply(q, { answers: [aRR(qnameOf(q), ip, ttl)] });

  it('REFUSES names outside the domain when externalOn is false', async () => {
    const { server } = await start({ externalOn: false });
    const out = await runDig(['@127.0.0.1', '-p', String(server.udpPort), 'www.example.org', 'A']);
    expect(digStatus(out)).toBe('REFUSED');
    expect(digFlags(out)).not.toContain('ra');
  });

  it('answers with the client ID and our OPT over UDP and TCP, asking upstream over UDP', async () => {
    const up = await upstream(answerWith('192.0.2.1'));
    const { server, stats } = await start({ externalOn: true, resolvers: [up.resolver], forwardCacheSize: 0 });
    const q = buildQuery('www.example.org', { id: 0xabcd, edns: 1232 });
    const expected = buildReply(q, { answers: [aRR('www.example.org', '192.0.2.1')], edns: 1232 });
    expect(await udpQuery(server.udpPort, q)).toEqual(expected);
    const [viaTcp] = await tcpQueries(server.tcpPort, [q]);
    expect(viaTcp).toEqual(expected);
    expect(up.queries.map((x) => x.transport)).toEqual(['udp', 'udp']);
    expect(stats.forwarded).toBe(2);
    const r = resolver(server.udpPort);
    expect(await r.resolve4('www.example.org')).toEqual(['192.0.2.1']);
    // Names inside the domain still answered locally.
    expect(await r.resolve4('leader.mesos')).toEqual(['127.0.0.1']);
  });

  it('routes zones, fails over on timeout, and answers SERVFAIL when every upstream fails', async () => {
    const silent = await upstream(() => null);
    const def = await upstream(answerWith('192.0.2.2'));
    const zone = await upstream(answerWith('192.0.2.3'));
    const { server } = await start({
      externalOn: true,
      timeout: 1,
      resolvers: [silent.resolver, def.resolver],
      zoneResolvers: { 'zone.example': [zone.resolver], 'dead.example': [silent.resolver] },
    });
    const r = resolver(server.udpPort);
    expect(await r.resolve4('a.zone.example')).toEqual(['192.0.2.3']);
    expect(await r.resolve4('www.example.org')).toEqual(['192.0.2.2']);
    expect(zone.queries).toHaveLength(1);
    const fail = await udpQuery(server.udpPort, buildQuery('x.dead.example', { id: 77 }));
    expect(rcodeOf(fail)).toBe(2);
    expect(idOf(fail)).toBe(77);
  });

  it('still delivers forwarded TCP replies after the client half-closes', async () => {
    const up = await upstream((q) => ({ delayMs: 200, reply: answerWith('192.0.2.5')(q) }));
    const { server } = await start({ externalOn: true, resolvers: [up.resolver] });
    const c = await tcpConnect(server.tcpPort);
    c.sock.end(
      Buffer.concat([frame(buildQuery('slow.example', { id: 1 })), frame(buildQuery('leader.mesos', { id: 2 }))]),
    );
    const replies = await c.waitFor(2);
    // The local answer is ready first; the forwarded one follows (any order is allowed).
    expect(replies.map(idOf)).toEqual([2, 1]);
    await c.closed;
  });

  it('caches forwarded answers and refetches after the TTL', async () => {
    const up = await upstream(answerWith('192.0.2.4', 2));
    const { server, stats } = await start({ externalOn: true, resolvers: [up.resolver], forwardCacheSize: 100 });
    const first = await udpQuery(server.udpPort, buildQuery('cached.example', { id: 1 }));
    const second = await udpQuery(server.udpPort, buildQuery('CACHED.example', { id: 2 }));
    expect(rcodeOf(first)).toBe(0);
    expect(idOf(second)).toBe(2);
    expect(up.queries).toHaveLength(1);
    expect(stats.cacheHits).toBe(1);
    await sleep(2100);
    await udpQuery(server.udpPort, buildQuery('cached.example', { id: 3 }));
    expect(up.queries).toHaveLength(2);
  });

  it('asks again over TCP itself when the upstream UDP reply is truncated; a UDP client gets what fits', async () => {
    const many = (q: Buffer) => Array.from({ length: 40 }, (_, i) => aRR(qnameOf(q), `192.0.2.${i}`));
    const up = await upstream((q, transport) =>
      transport === 'udp' ? buildReply(q, { tc: true }) : buildReply(q, { answers: many(q) }),
    );
    const { server } = await start({ externalOn: true, resolvers: [up.resolver], forwardCacheSize: 0 });
    // 40 A records do not fit 512 bytes: TC=1, and dig asks again over TCP.
    const udp = await udpQuery(server.udpPort, buildQuery('big.example'));
    expect(tcOf(udp)).toBe(true);
    expect(up.queries.map((x) => x.transport)).toEqual(['udp', 'tcp']);
    const out = await runDig(['@127.0.0.1', '-p', String(server.udpPort), 'big.example', 'A']);
    expect(digAnswers(out)).toHaveLength(40);
    // They fit the 1232 bytes dig offers with EDNS, so dig needs no TCP.
    expect(digFlags(out)).not.toContain('tc');
  });
});

function qnameOf(q: Buffer): string {
  const labels: string[] = [];
  let off = 12;
  while (q[off] !== 0) {
    labels.push(q.subarray(off + 1, off + 1 + q[off]!).toString('latin1'));
    off += q[off]! + 1;
  }
  return labels.join('.');
}

describe('DNS server: one TCP connection cannot take the whole forwarding budget', () => {
  it('forwards at most 64 queries of one connection at a time, however many arrive in one write', async () => {
    const silent = await upstream(() => null);
    const { server, stats } = await start({
      externalOn: true,
      resolvers: [silent.resolver],
      timeout: 3,
      maxForwardsInFlight: 1024,
      forwardCacheSize: 0,
    });
    const sock = connect(server.tcpPort, '127.0.0.1');
    cleanups.push(async () => {
      sock.destroy();
    });
    await new Promise<void>((resolve) => sock.once('connect', () => resolve()));
    const queries = Array.from({ length: 2000 }, (_, i) => frame(buildQuery(`x${i}.example.org.`, { id: i })));
    sock.write(Buffer.concat(queries));
    await sleep(500);
    expect(server.forwarder!.inFlight).toBe(64);
    expect(stats.forwardFailures).toBe(0);
  });
});
