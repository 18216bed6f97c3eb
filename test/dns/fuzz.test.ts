import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import dgram from 'node:dgram';
import { Packet } from 'dns2';
import pino from 'pino';
import { defaultConfig } from '../../src/config/defaults.js';
import { scanMessage } from '../../src/wire/scan.js';
import { startDnsServer, type DnsServerHandle } from '../../src/dns/listen/server.js';
import { DnsStats } from '../../src/dns/stats/counters.js';
import { frame } from '../../src/wire/framing.js';
import { ServingState } from '../../src/serving.js';
import { buildQuery, buildReply, encodeName, optRR } from '../helpers/dns-msg.js';
import { tcpConnect, udpQuery } from '../helpers/dns-client.js';
import { fixtureTable, snapshotOf } from '../helpers/fixtures.js';
import { startUpstream, type StandInUpstream } from '../helpers/upstream.js';
import { prng } from '../../bench/prng.js';
import { sleep } from '../helpers/wait.js';

const SEED = 0x5eed_d115;
const UDP_PACKETS = 50_000;
const TCP_CONNECTIONS = 250;
const FRAMES_PER_CONNECTION = 12;

const NAMES = [
  'leader.mesos',
  'liquor-store.marathon.mesos',
  '_liquor-store._tcp.marathon.mesos',
  'slave.mesos',
  'mesos',
  'nothere.mesos',
  'www.example.org',
  'a.b.c.d.e.f.example',
  '',
];

/** Builds hostile packets from a seeded generator; every kind the brief lists. */
function makeGenerator(seed: number) {
  const r = prng(seed);
  const int = (n: number) => Math.floor(r() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const bytes = (n: number) => {
    const b = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) b[i] = int(256);
    return b;
  };
  const header = (qd: number, an = 0, ns = 0, ar = 0, flagsHi = 0x01, flagsLo = 0) => {
    const h = Buffer.alloc(12);
    h.writeUInt16BE(int(0x10000), 0);
    h[2] = flagsHi;
    h[3] = flagsLo;
    h.writeUInt16BE(qd, 4);
    h.writeUInt16BE(an, 6);
    h.writeUInt16BE(ns, 8);
    h.writeUInt16BE(ar, 10);
    return h;
  };
  const tail = () =>
    Buffer.from([
      0,
      pick([1, 28, 33, 6, 2, 255, 252, 251, 43, 0, 65535, int(65536)]),
      0,
      pick([1, 1, 1, 3, 255, 254, 0]),
    ]);
  const valid = () =>
    buildQuery(pick(NAMES), {
      id: int(0x10000),
      qtype: pick([1, 28, 33, 6, 2, 255, 16, 15, 43, 252, int(65536)]),
      qclass: pick([1, 1, 1, 3, 4, 255]),
      edns: r() < 0.4 ? pick([0, 100, 512, 1232, 4096, 65535]) : undefined,
      dnssecOk: r() < 0.2,
    });
  const kinds: (() => Buffer)[] = [
    () => bytes(int(600)),
    () => bytes(int(12)),
    () => {
      const q = valid();
      return q.subarray(0, int(q.length));
    },
    () => {
      const q = Buffer.from(valid());
      for (let i = 0, n = 1 + int(4); i < n; i++) q[int(q.length)]! ^= 1 << int(8);
      return q;
    },
    // Label abuse: 63/64-byte labels, reserved length bits, names past 255 octets, missing terminator.
    () => {
      const parts: Buffer[] = [header(1)];
      const labels = 1 + int(8);
      for (let i = 0; i < labels; i++) {
        const len = pick([63, 64, 65, 0x40, 0x80, 0xbf, 1 + int(62)]);
        parts.push(Buffer.from([len]), Buffer.alloc(Math.min(len, 63), 0x61));
      }
      if (r() < 0.7) parts.push(Buffer.from([0]));
      if (r() < 0.8) parts.push(tail());
      return Buffer.concat(parts);
    },
    // Pointer abuse: self loops, mutual loops, forward pointers, pointers into the header.
    () => {
      const h = header(1, int(3), 0, int(2));
      const kind = int(5);
      let name: Buffer;
      if (kind === 0) name = Buffer.from([0xc0, 12]);
      else if (kind === 1) name = Buffer.from([1, 0x61, 0xc0, 14, 0xc0, 12]);
      else if (kind === 2) name = Buffer.from([0xc0, 40 + int(100)]);
      else if (kind === 3) name = Buffer.from([0xc0, int(12)]);
      else name = Buffer.concat([encodeName('a.mesos').subarray(0, 2), Buffer.from([0xc0 | int(64), int(256)])]);
      const rr = Buffer.concat([Buffer.from([0xc0, 12]), Buffer.from([0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 1, 2, 3, 4])]);
      return Buffer.concat([h, name, tail(), rr, rr]);
    },
    // QDCOUNT 0 / 2 / 65535 and lying section counts.
    () => {
      const q = Buffer.from(valid());
      q.writeUInt16BE(pick([0, 2, 65535, 3]), 4);
      if (r() < 0.5) q.writeUInt16BE(int(65536), 6 + 2 * int(3));
      return r() < 0.5 ? Buffer.concat([q, q.subarray(12)]) : q;
    },
    // Bad OPT records.
    () => {
      const q = buildQuery(pick(NAMES), { id: int(0x10000) });
      const kind = int(6);
      let extra: Buffer;
      let ar = 1;
      if (kind === 0) {
        extra = Buffer.concat([optRR(1232, false, Buffer.alloc(0)), optRR(512, true, Buffer.alloc(0))]);
        ar = 2;
      } else if (kind === 1)
        extra = Buffer.concat([encodeName('x.mesos'), optRR(1232, false, Buffer.alloc(0)).subarray(1)]);
      else if (kind === 2) {
        const o = optRR(1232, false, Buffer.alloc(0));
        o.writeUInt16BE(500, 9);
        extra = o;
      } else if (kind === 3) {
        const o = optRR(4096, false, Buffer.alloc(0));
        o[6] = 1 + int(255);
        extra = o;
      } else if (kind === 4) extra = optRR(4096, false, bytes(int(40)));
      else {
        extra = optRR(int(65536), r() < 0.5, Buffer.from([0, 10, 0, 40, 1, 2, 3]));
      }
      q.writeUInt16BE(ar, 10);
      if (r() < 0.2) {
        q.writeUInt16BE(0, 10);
        q.writeUInt16BE(ar, 6);
      }
      return Buffer.concat([q, extra]);
    },
    // Every opcode, QR=1, random flag bits.
    () => {
      const q = Buffer.from(valid());
      q[2] = (int(16) << 3) | (r() < 0.2 ? 0x80 : 0) | int(8);
      q[3] = int(256);
      return q;
    },
    () => valid(),
  ];
  return {
    next(): Buffer {
      // A few datagrams close to the IPv4 UDP maximum, to cover large EDNS queries.
      if (r() < 0.0005) return Buffer.concat([valid(), bytes(60_000)]);
      return pick(kinds)();
    },
  };
}

/** Strict: dns2 must parse it and find exactly the records the header announces; our scanner must agree. */
function assertWellFormed(reply: Buffer): void {
  expect(reply.length).toBeGreaterThanOrEqual(12);
  expect(reply[2]! & 0x80).toBe(0x80);
  const p = Packet.parse(reply) as unknown as {
    header: { qdcount: number; ancount: number; nscount: number; arcount: number };
    questions: unknown[];
    answers: unknown[];
    authorities: unknown[];
    additionals: unknown[];
  };
  expect(p.questions.length).toBe(p.header.qdcount);
  expect(p.answers.length).toBe(p.header.ancount);
  expect(p.authorities.length).toBe(p.header.nscount);
  expect(p.additionals.length).toBe(p.header.arcount);
  expect(p.header.qdcount).toBeLessThanOrEqual(1);
  expect(scanMessage(reply)).not.toBeNull();
}

/** Queries the server has taken a decision on (each verdict bumps one counter). */
function processed(): number {
  const s = stats;
  return (
    s.answered +
    s.nxdomain +
    s.nodata +
    s.forwarded +
    s.refused +
    s.formerr +
    s.notimp +
    s.dropped +
    s.servfail -
    s.forwardFailures
  );
}

let server: DnsServerHandle;
let up: StandInUpstream;
const stats = new DnsStats();

beforeAll(async () => {
  up = await startUpstream((q) => {
    const s = scanMessage(q);
    return s !== null && s.qdcount === 1 ? buildReply(q.subarray(0, s.questionEnd), { rcode: 3 }) : null;
  });
  const serving = new ServingState();
  serving.swap(snapshotOf(fixtureTable()));
  server = await startDnsServer({
    config: {
      ...defaultConfig(),
      listener: '127.0.0.1',
      port: 0,
      externalOn: true,
      resolvers: [up.resolver],
      timeout: 1,
    },
    serving,
    stats,
    log: pino({ level: 'silent' }),
  });
});

afterAll(async () => {
  await server?.close();
  await up?.close();
});

describe('fuzzing the running server', () => {
  it(`survives ${UDP_PACKETS} hostile UDP packets and every reply parses`, async () => {
    const gen = makeGenerator(SEED);
    const client = dgram.createSocket({ type: 'udp4', recvBufferSize: 4 * 1024 * 1024 });
    await new Promise<void>((resolve) => client.bind(0, '127.0.0.1', () => resolve()));
    let received = 0;
    const bad: Buffer[] = [];
    client.on('message', (msg) => {
      received++;
      try {
        assertWellFormed(msg);
      } catch {
        if (bad.length < 5) bad.push(Buffer.from(msg));
      }
    });
    const BATCH = 250;
    let sent = 0;
    while (sent < UDP_PACKETS) {
      const sends: Promise<void>[] = [];
      for (let i = 0; i < BATCH && sent < UDP_PACKETS; i++, sent++) {
        const pkt = gen.next();
        sends.push(new Promise((resolve) => client.send(pkt, server.udpPort, '127.0.0.1', () => resolve())));
      }
      await Promise.all(sends);
      // Let the server take in the batch before the next one, so packets reach it
      // rather than overflow the socket buffer (bounded wait, no timing assertion).
      for (let spins = 0; spins < 200 && processed() < sent; spins++) await sleep(1);
    }
    expect(processed()).toBeGreaterThan(UDP_PACKETS * 0.95);
    await sleep(300);
    client.close();
    expect(bad.map((b) => b.toString('hex'))).toEqual([]);
    // Many packets are answered (FORMERR, NOTIMP, ...); some are rightly dropped.
    expect(received).toBeGreaterThan(UDP_PACKETS / 4);

    const after = await udpQuery(server.udpPort, buildQuery('leader.mesos', { id: 4242 }));
    expect(after.readUInt16BE(0)).toBe(4242);
    expect(after[3]! & 0x0f).toBe(0);
    expect(after.subarray(after.length - 4)).toEqual(Buffer.from([127, 0, 0, 1]));
  }, 90_000);

  it('survives hostile TCP streams, including bad length prefixes', async () => {
    const gen = makeGenerator(SEED + 1);
    const r = prng(SEED + 2);
    let replies = 0;
    for (let c = 0; c < TCP_CONNECTIONS; c += 10) {
      await Promise.all(
        Array.from({ length: 10 }, async () => {
          const conn = await tcpConnect(server.tcpPort);
          const frames: Buffer[] = [];
          for (let i = 0; i < FRAMES_PER_CONNECTION; i++) {
            const pkt = gen.next().subarray(0, 65535);
            frames.push(
              pkt.length >= 12 ? frame(pkt) : Buffer.concat([Buffer.from([0, 12]), pkt, Buffer.alloc(12 - pkt.length)]),
            );
          }
          const ending = Math.floor(r() * 4);
          if (ending === 0) frames.push(Buffer.from([0, Math.floor(r() * 12)]));
          else if (ending === 1) frames.push(Buffer.from([0xff, 0xff, 1, 2, 3]));
          else if (ending === 2) frames.push(Buffer.from([0]));
          const stream = Buffer.concat(frames);
          // Split at random points so framing is exercised across segments.
          let off = 0;
          while (off < stream.length) {
            const n = 1 + Math.floor(r() * 200);
            conn.sock.write(stream.subarray(off, off + n));
            off += n;
          }
          await sleep(200);
          conn.sock.destroy();
          await conn.closed;
          for (const reply of conn.replies) assertWellFormed(reply);
          replies += conn.replies.length;
        }),
      );
    }
    expect(replies).toBeGreaterThan(TCP_CONNECTIONS);
    const c = await tcpConnect(server.tcpPort);
    c.sock.write(frame(buildQuery('leader.mesos', { id: 77 })));
    const [ok] = await c.waitFor(1);
    c.sock.destroy();
    expect(ok!.readUInt16BE(0)).toBe(77);
    expect(ok![3]! & 0x0f).toBe(0);
  }, 90_000);
});
