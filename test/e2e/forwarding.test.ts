/**
 * Forwarding as a resolver, against the real binary and real clients (`dig`):
 * one upstream exchange per question in flight, random source ports and IDs,
 * spoofed replies ignored, our own OPT both ways, zones routed on wire labels,
 * the cache bounded in bytes. Every case here was once a finding against the
 * packet relay this replaced.
 */
import dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDig } from '../helpers/dig.js';
import { tcpQueries, udpQuery } from '../helpers/dns-client.js';
import { buildQuery, counts, idOf, rcodeOf } from '../helpers/dns-msg.js';
import { startMesosDns, testConfig, type MesosDnsProcess } from '../helpers/mesos-dns-process.js';
import { startStandInMaster, type StandInMaster } from '../helpers/stand-in-master.js';
import { startUpstream, type StandInUpstream } from '../helpers/upstream.js';

const OPT = 41;
const COOKIE = 10;
const NSID = 3;
const EDNS_MAX_UDP_SIZE = 1400;
const CACHE_BYTES = 256 * 1024;
/** The upstream's own server cookie and NSID, which must never reach a client. */
const SERVER_COOKIE = Buffer.alloc(8, 0xab);
const UPSTREAM_NSID = Buffer.from('upstream-nsid');

function labelsOf(msg: Buffer): string[] {
  const labels: string[] = [];
  for (let off = 12; msg[off] !== 0; off += msg[off]! + 1) {
    labels.push(msg.subarray(off + 1, off + 1 + msg[off]!).toString('latin1'));
  }
  return labels;
}

function questionEnd(msg: Buffer): number {
  let off = 12;
  while (msg[off] !== 0) off += msg[off]! + 1;
  return off + 5;
}

/** The first additional RR of a query if it is an OPT: its UDP size and its options by code. */
function optOf(query: Buffer): { size: number; options: Map<number, Buffer> } | null {
  if (query.readUInt16BE(10) === 0) return null;
  const at = questionEnd(query);
  if (query[at] !== 0 || query.readUInt16BE(at + 1) !== OPT) return null;
  const options = new Map<number, Buffer>();
  const end = at + 11 + query.readUInt16BE(at + 9);
  for (let o = at + 11; o + 4 <= end; o += 4 + query.readUInt16BE(o + 2)) {
    options.set(query.readUInt16BE(o), query.subarray(o + 4, o + 4 + query.readUInt16BE(o + 2)));
  }
  return { size: query.readUInt16BE(at + 3), options };
}

function optRR(size: number, options: Buffer): Buffer {
  const rr = Buffer.alloc(11);
  rr.writeUInt16BE(OPT, 1);
  rr.writeUInt16BE(size, 3);
  rr.writeUInt16BE(options.length, 9);
  return Buffer.concat([rr, options]);
}

function option(code: number, data: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt16BE(code, 0);
  head.writeUInt16BE(data.length, 2);
  return Buffer.concat([head, data]);
}

/**
 * A reply with A records owned by the question name (compressed), TTL `ttl`.
 * When the query has an OPT, the reply has one too, with NSID and, for a query
 * with a client cookie, that cookie plus our server cookie (RFC 7873).
 */
function reply(query: Buffer, ips: string[], opts: { ttl?: number; tc?: boolean } = {}): Buffer {
  const qEnd = questionEnd(query);
  const header = Buffer.from(query.subarray(0, 12));
  header[2] = 0x80 | (query[2]! & 0x01) | (opts.tc ? 0x02 : 0);
  header[3] = 0x80;
  const rrs = opts.tc
    ? []
    : ips.map((ip) => Buffer.from([0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 0, 0, 4, ...ip.split('.').map(Number)]));
  for (const rr of rrs) rr.writeUInt32BE(opts.ttl ?? 300, 6);
  const extra: Buffer[] = [];
  const opt = optOf(query);
  if (opt !== null) {
    const cookie = opt.options.get(COOKIE);
    const options = [option(NSID, UPSTREAM_NSID)];
    if (cookie !== undefined) options.push(option(COOKIE, Buffer.concat([cookie.subarray(0, 8), SERVER_COOKIE])));
    extra.push(optRR(4096, Buffer.concat(options)));
  }
  header.writeUInt16BE(rrs.length, 6);
  header.writeUInt16BE(0, 8);
  header.writeUInt16BE(extra.length, 10);
  return Buffer.concat([header, query.subarray(12, qEnd), ...rrs, ...extra]);
}

const many = (n: number) => Array.from({ length: n }, (_, i) => `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`);

/** `a.b.c.` → the answer's first octet pair tells which upstream answered and how many labels it saw. */
function upstreamHandler(prefix: string, from: { port: number; address: string }, sock: () => dgram.Socket) {
  return (query: Buffer, transport: 'udp' | 'tcp') => {
    const labels = labelsOf(query);
    const first = (labels[0] ?? '').toLowerCase();
    if (first === 'slow-same') return { delayMs: 300, reply: reply(query, [`${prefix}.100`]) };
    if (first.startsWith('mid-')) {
      // About 6 KB: more than any UDP reply, well under the cache's 16 KiB entry limit.
      return transport === 'udp' ? reply(query, [], { tc: true }) : reply(query, many(200), { ttl: 3600 });
    }
    if (first === 'huge') return transport === 'udp' ? reply(query, [], { tc: true }) : reply(query, many(4000));
    if (first === 'spoof') {
      const evil = reply(query, ['6.6.6.6'], { ttl: 3600 });
      const otherId = Buffer.from(evil);
      otherId.writeUInt16BE(idOf(query) ^ 0x8000, 0);
      const otherQuestion = reply(buildQuery('evil.example', { id: idOf(query) }), ['6.6.6.6'], { ttl: 3600 });
      for (const m of [otherId, otherQuestion]) sock().send(m, from.port, from.address);
      return { delayMs: 200, reply: reply(query, [`${prefix}.77`]) };
    }
    return reply(query, [`${prefix}.${10 + labels.length}`]);
  };
}

describe('forwarding as a resolver, against the real binary', () => {
  let master: StandInMaster;
  let def: StandInUpstream;
  let zone: StandInUpstream;
  let spoofer: dgram.Socket;
  let s: MesosDnsProcess;
  /** where the last UDP query to the default upstream came from */
  const from = { port: 0, address: '' };
  const ports: number[] = [];

  beforeAll(async () => {
    master = await startStandInMaster();
    master.serve({ leader: master.upid, slaves: [], frameworks: [] });
    spoofer = dgram.createSocket('udp4');
    await new Promise<void>((r) => spoofer.bind(0, '127.0.0.1', () => r()));
    const spoofingHandler = upstreamHandler('192.0.2', from, () => def.udp);
    def = await startUpstream((query, transport) => {
      if (labelsOf(query)[0] === 'spoof' && transport === 'udp') {
        // The same answer with the right ID and question, but from another port.
        spoofer.send(reply(query, ['6.6.6.6'], { ttl: 3600 }), from.port, from.address);
      }
      return spoofingHandler(query, transport);
    });
    def.udp.prependListener('message', (_m, rinfo) => {
      Object.assign(from, { port: rinfo.port, address: rinfo.address });
      ports.push(rinfo.port);
    });
    zone = await startUpstream(upstreamHandler('198.51.100', { port: 0, address: '' }, () => zone.udp));
    s = await startMesosDns(
      testConfig({
        masters: [master.address],
        externalOn: true,
        resolvers: [def.resolver],
        zoneResolvers: { 'corp.internal': [zone.resolver] },
        ednsMaxUdpSize: EDNS_MAX_UDP_SIZE,
        forwardCacheBytes: CACHE_BYTES,
        timeout: 2,
      }),
    );
    await s.waitForRefresh();
  }, 60_000);

  afterAll(async () => {
    await s?.stop();
    await def?.close();
    await zone?.close();
    await master?.close();
    spoofer?.close();
  });

  /** The queries an upstream received for names whose first label is `first`. */
  const seen = (u: StandInUpstream, first: string, transport?: 'udp' | 'tcp') =>
    u.queries.filter(
      (q) => labelsOf(q.msg)[0]?.toLowerCase() === first && (transport === undefined || q.transport === transport),
    );

  it('asks upstream once for 50 clients asking the same question at once', async () => {
    const replies = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        udpQuery(s.udpPort, buildQuery(i % 2 ? 'SLOW-same.example' : 'slow-same.example', { id: 500 + i })),
      ),
    );
    expect(replies.map(rcodeOf)).toEqual(Array(50).fill(0));
    expect(replies.map(idOf)).toEqual(Array.from({ length: 50 }, (_, i) => 500 + i));
    expect(replies.every((r) => r.subarray(-4).equals(Buffer.from([192, 0, 2, 100])))).toBe(true);
    expect(seen(def, 'slow-same')).toHaveLength(1);
  });

  it('sends each upstream query from a random source port with a random ID', async () => {
    const start = def.queries.length;
    const portsFrom = ports.length;
    for (let i = 0; i < 20; i++) {
      expect(rcodeOf(await udpQuery(s.udpPort, buildQuery(`port-${i}.example`, { id: 7 })))).toBe(0);
    }
    const ids = def.queries.slice(start).map((q) => idOf(q.msg));
    expect(ids).toHaveLength(20);
    expect(new Set(ids).size).toBeGreaterThanOrEqual(18);
    // A handful of long-lived sockets would show a handful of ports.
    expect(new Set(ports.slice(portsFrom)).size).toBeGreaterThanOrEqual(15);
  });

  it('never lets a spoofed reply (another port, another ID, another question) into the answer or the cache', async () => {
    const first = await udpQuery(s.udpPort, buildQuery('spoof.example', { id: 1 }));
    expect([rcodeOf(first), [...first.subarray(-4)]]).toEqual([0, [192, 0, 2, 77]]);
    const cached = await udpQuery(s.udpPort, buildQuery('spoof.example', { id: 2 }));
    expect([rcodeOf(cached), [...cached.subarray(-4)]]).toEqual([0, [192, 0, 2, 77]]);
    expect(seen(def, 'spoof')).toHaveLength(1);
  });

  describe('EDNS: our own OPT both ways (dig +cookie against an upstream that sets cookies and NSID)', () => {
    const outs: string[] = [];
    const digCookie = (cookie: string, ...extra: string[]) =>
      runDig(['@127.0.0.1', '-p', String(s.udpPort), `+cookie=${cookie}`, '+nsid', ...extra, 'cookie.example', 'A']);

    beforeAll(async () => {
      outs.push(await digCookie('1111111111111111', '+bufsize=8192'));
      // The same question again, answered from the cache.
      outs.push(await digCookie('2222222222222222'));
    });

    it("never shows a client the upstream's cookie or NSID; replies carry our OPT", () => {
      for (const out of outs) {
        expect(out).toMatch(/status: NOERROR/);
        expect(out).toMatch(/cookie\.example\.\s+\d+\s+IN\s+A\s+192\.0\.2\.12/);
        expect(out).not.toMatch(/NSID/);
        expect(out.toLowerCase()).not.toContain(SERVER_COOKIE.toString('hex'));
        expect(out).toMatch(new RegExp(`udp: ${EDNS_MAX_UDP_SIZE}`));
      }
    });

    it("never shows a client another client's cookie", () => {
      expect(outs[1]).not.toContain('1111111111111111');
    });

    it("never sends the client's options or UDP size upstream: our OPT with ednsMaxUdpSize", () => {
      const asked = seen(def, 'cookie');
      expect(asked.length).toBeGreaterThanOrEqual(1);
      for (const q of asked) {
        const opt = optOf(q.msg);
        expect(opt?.size).toBe(EDNS_MAX_UDP_SIZE);
        expect(opt?.options.has(COOKIE)).toBe(false);
        expect(opt?.options.has(NSID)).toBe(false);
      }
    });
  });

  it('routes a name by its wire labels: x\\.corp.internal is not in the corp.internal zone', async () => {
    const escaped = await runDig(['@127.0.0.1', '-p', String(s.udpPort), 'x\\.corp.internal', 'A']);
    expect(escaped).toMatch(/192\.0\.2\.12/);
    const real = await runDig(['@127.0.0.1', '-p', String(s.udpPort), 'x.corp.internal', 'A']);
    expect(real).toMatch(/198\.51\.100\.13/);
    expect(zone.queries.map((q) => labelsOf(q.msg))).toEqual([['x', 'corp', 'internal']]);
    expect(seen(def, 'x.corp').map((q) => labelsOf(q.msg))).toEqual([['x.corp', 'internal']]);
  });

  it('keeps a one-label name holding dots apart from the name with those labels, in the cache too', async () => {
    for (let round = 0; round < 2; round++) {
      const one = await runDig(['@127.0.0.1', '-p', String(s.udpPort), 'www\\.google\\.com', 'A']);
      const three = await runDig(['@127.0.0.1', '-p', String(s.udpPort), 'www.google.com', 'A']);
      expect(one).toMatch(/192\.0\.2\.11/);
      expect(three).toMatch(/192\.0\.2\.13/);
    }
  });

  it('does not cache a 60 KB answer', async () => {
    for (const id of [1, 2]) {
      const [r] = await tcpQueries(s.tcpPort, [buildQuery('huge.example', { id })]);
      expect(counts(r!).an).toBe(4000);
    }
    expect(seen(def, 'huge', 'tcp')).toHaveLength(2);
  });

  it('bounds the cache in bytes: the least recently used answers go first', async () => {
    // 60 answers of about 6 KB each are more than 256 KiB.
    for (let i = 0; i < 60; i++) {
      const [r] = await tcpQueries(s.tcpPort, [buildQuery(`mid-${i}.example`, { id: i })]);
      expect(counts(r!).an).toBe(200);
    }
    const again = async (name: string) => {
      const before = seen(def, name, 'tcp').length;
      await tcpQueries(s.tcpPort, [buildQuery(`${name}.example`)]);
      return seen(def, name, 'tcp').length - before;
    };
    expect(await again('mid-59')).toBe(0);
    expect(await again('mid-0')).toBe(1);
  });
});
