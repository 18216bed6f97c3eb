/**
 * Clients that try to take the server down or hog it, against the real binary
 * (docs/security.md): deep pipelines over TCP, peers that never read, malformed
 * queries. Every case here once crashed the process or grew it without bound.
 */
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frame } from '../../src/wire/framing.js';
import { tcpConnect, tcpQueries, udpQuery } from '../helpers/dns-client.js';
import { buildQuery, counts, rcodeOf } from '../helpers/dns-msg.js';
import { startMesosDns, testConfig, type MesosDnsProcess } from '../helpers/mesos-dns-process.js';
import { startStandInMaster, type StandInMaster } from '../helpers/stand-in-master.js';
import { startUpstream, type StandInUpstream } from '../helpers/upstream.js';
import { sleep, waitFor } from '../helpers/wait.js';

const NS = 2;
const SRV = 33;
/** Upstream answers to names starting with `slow-` come after this long. */
const SLOW_MS = 400;

/** A state whose `_big._tcp.marathon.mesos.` SRV answer is about 20 KB (300 SRV RRs plus glue). */
function bigSrvState(leader: string): Record<string, unknown> {
  const slaves = [{ id: 'agent-S1', pid: 'slave(1)@10.9.0.1:5051' }];
  const tasks = Array.from({ length: 100 }, (_, i) => ({
    id: `big.${i}`,
    name: 'big',
    slave_id: 'agent-S1',
    state: 'TASK_RUNNING',
    resources: { ports: '[31000-31002]' },
  }));
  return { leader, slaves, frameworks: [{ name: 'marathon', pid: 'scheduler(1)@10.8.0.1:8080', tasks }] };
}

function rssKiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? NaN);
}

function qnameOf(query: Buffer): string {
  const labels: string[] = [];
  for (let off = 12; query[off] !== 0; off += query[off]! + 1) {
    labels.push(query.subarray(off + 1, off + 1 + query[off]!).toString('latin1'));
  }
  return labels.join('.');
}

/** An NS reply for the root, or an A reply for any other name; `slow-*` names after SLOW_MS. */
function rootAndSlowNames(upstreamInFlight: { now: number; max: number }) {
  return (query: Buffer) => {
    const name = qnameOf(query);
    const reply = Buffer.from(query);
    reply[2] = 0x81;
    reply[3] = 0x80;
    // The query's OPT is not echoed: ADDITIONAL stays empty.
    reply.writeUInt16BE(0, 10);
    if (name === '') {
      // `. NS` → one NS RR (a.root-servers.example.) with TTL 3600.
      const target = Buffer.from([1, 0x61, 4, ...Buffer.from('root'), 7, ...Buffer.from('example'), 0]);
      const rr = Buffer.concat([Buffer.from([0xc0, 12, 0, NS, 0, 1, 0, 0, 0x0e, 0x10, 0, target.length]), target]);
      reply.writeUInt16BE(1, 6);
      return Buffer.concat([reply.subarray(0, questionEnd(query)), rr]);
    }
    const rr = Buffer.from([0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 1]);
    reply.writeUInt16BE(1, 6);
    const out = Buffer.concat([reply.subarray(0, questionEnd(query)), rr]);
    if (!name.startsWith('slow-')) return out;
    upstreamInFlight.now++;
    upstreamInFlight.max = Math.max(upstreamInFlight.max, upstreamInFlight.now);
    return {
      delayMs: SLOW_MS,
      get reply() {
        upstreamInFlight.now--;
        return out;
      },
    };
  };
}

/** A UDP socket bound to a loopback address of its own (127.0.0.0/8), counting the replies it gets. */
async function clientAt(address: string): Promise<{ sock: dgram.Socket; replies: Buffer[] }> {
  const sock = dgram.createSocket('udp4');
  const replies: Buffer[] = [];
  sock.on('message', (m) => replies.push(m));
  await new Promise<void>((resolve) => sock.bind(0, address, () => resolve()));
  return { sock, replies };
}

function questionEnd(msg: Buffer): number {
  let off = 12;
  while (msg[off] !== 0) off += msg[off]! + 1;
  return off + 5;
}

describe('hostile DNS clients, against the real binary', () => {
  let master: StandInMaster;
  let upstream: StandInUpstream;
  let blackhole: StandInUpstream;
  let s: MesosDnsProcess;
  const upstreamInFlight = { now: 0, max: 0 };

  beforeAll(async () => {
    master = await startStandInMaster();
    master.serve(bigSrvState(master.upid));
    upstream = await startUpstream(rootAndSlowNames(upstreamInFlight));
    blackhole = await startUpstream(() => null);
    s = await startMesosDns(
      testConfig({
        masters: [master.address],
        externalOn: true,
        resolvers: [upstream.resolver],
        zoneResolvers: { 'blackhole.example': [blackhole.resolver] },
        tcpIdleTimeoutSeconds: 2,
      }),
    );
    await s.waitForRefresh();
  }, 60_000);

  afterAll(async () => {
    await s?.stop();
    await upstream?.close();
    await blackhole?.close();
    await master?.close();
  });

  it('survives a pipeline of thousands of cached answers queued behind slow forwards (no re-entrant drain)', async () => {
    const c = await tcpConnect(s.tcpPort);
    c.sock.write(frame(buildQuery('.', { id: 1, qtype: NS })));
    await c.waitFor(1);
    const queries: Buffer[] = [];
    for (let i = 0; i < 64; i++) queries.push(buildQuery(`slow-crash-${i}.example.`, { id: 100 + i }));
    for (let i = 0; i < 3400; i++) queries.push(buildQuery('.', { id: 1000 + i, qtype: NS }));
    c.sock.write(Buffer.concat(queries.map(frame)));
    const replies = await c.waitFor(1 + queries.length, 30_000);
    c.sock.destroy();
    expect(replies.slice(1).every((r) => rcodeOf(r) === 0)).toBe(true);
    expect(s.proc.exitCode).toBeNull();
    expect(rcodeOf(await udpQuery(s.udpPort, buildQuery('leader.mesos', { id: 7 })))).toBe(0);
  }, 60_000);

  it('answers every query of a mixed pipeline and keeps at most 64 forwards of one connection in flight', async () => {
    const c = await tcpConnect(s.tcpPort);
    const queries: Buffer[] = [];
    let id = 0;
    for (let i = 0; i < 64; i++) queries.push(buildQuery(`slow-mix-${i}.example.`, { id: id++ }));
    for (let i = 0; i < 100; i++) {
      queries.push(buildQuery('.', { id: id++, qtype: NS }));
      queries.push(buildQuery('leader.mesos.', { id: id++ }));
    }
    for (let i = 0; i < 200; i++) {
      queries.push(buildQuery(`slow-more-${i}.example.`, { id: id++ }));
      queries.push(buildQuery('leader.mesos.', { id: id++ }));
    }
    upstreamInFlight.max = 0;
    c.sock.write(Buffer.concat(queries.map(frame)));
    const replies = await c.waitFor(queries.length, 30_000);
    c.sock.destroy();
    expect(new Set(replies.map((r) => r.readUInt16BE(0))).size).toBe(queries.length);
    expect(replies.every((r) => rcodeOf(r) === 0)).toBe(true);
    expect(upstreamInFlight.max).toBeGreaterThan(0);
    expect(upstreamInFlight.max).toBeLessThanOrEqual(64);
  }, 60_000);

  it('stops answering a connection whose peer does not read, so its memory stays bounded', async () => {
    const q = frame(buildQuery('_big._tcp.marathon.mesos.', { qtype: SRV }));
    // Warm up the path (code, heap) so the measure shows what the peers hold.
    const warm = await tcpConnect(s.tcpPort);
    warm.sock.write(Buffer.concat(Array.from({ length: 50 }, () => q)));
    await warm.waitFor(50);
    warm.sock.destroy();
    await sleep(500);
    const before = rssKiB(s.proc.pid!);
    const oneRead = Buffer.concat(Array.from({ length: Math.floor(65536 / q.length) }, () => q));
    const conns = await Promise.all([0, 1, 2].map(() => tcpConnect(s.tcpPort)));
    for (const c of conns) {
      c.sock.pause();
      c.sock.write(oneRead);
    }
    await sleep(3000);
    const grownMiB = (rssKiB(s.proc.pid!) - before) / 1024;
    for (const c of conns) c.sock.destroy();
    // Unbounded, three such peers hold ~90 MB each of replies nobody reads.
    expect(grownMiB).toBeLessThan(40);
    expect(rcodeOf(await udpQuery(s.udpPort, buildQuery('leader.mesos', { id: 8 })))).toBe(0);
  }, 60_000);

  it('closes a peer that stops reading after the idle timeout, even with queries queued', async () => {
    const c = await tcpConnect(s.tcpPort);
    c.sock.pause();
    const q = frame(buildQuery('_big._tcp.marathon.mesos.', { qtype: SRV }));
    c.sock.write(Buffer.concat(Array.from({ length: 500 }, () => q)));
    // Idle timeout 2 s: by now the server has given up on a peer that does not read.
    await sleep(5000);
    c.sock.resume();
    await Promise.race([c.closed, sleep(1000)]);
    expect(c.sock.destroyed).toBe(true);
  }, 60_000);

  it('keeps forwarding for others while one client floods names whose upstream never answers', async () => {
    const hog = await clientAt('127.0.0.1');
    const other = await clientAt('127.0.0.2');
    try {
      // More than maxForwardsInFlight (1024) of one client, for names nobody will answer within `timeout` (5 s).
      // SERVFAIL comes at once for what is over the client's quota (maxForwardsPerClient, 100). Sent 50 at a
      // time, each batch waiting for the SERVFAILs of the one before, so no query is lost in a full socket
      // buffer when the machine is busy.
      const FLOOD = 1030;
      for (let sent = 0; sent < FLOOD;) {
        const batch = Math.min(50, FLOOD - sent);
        for (let i = sent; i < sent + batch; i++) {
          hog.sock.send(buildQuery(`hog-${i}.blackhole.example.`, { id: i }), s.udpPort);
        }
        sent += batch;
        const over = Math.max(0, sent - 100);
        await waitFor('SERVFAIL for the queries over the quota', () => hog.replies.length, { until: (n) => n >= over });
      }
      other.sock.send(buildQuery('leader.example.', { id: 4242 }), s.udpPort);
      const { value } = await waitFor('the other client answer', () => other.replies[0]);
      expect([value!.readUInt16BE(0), rcodeOf(value!), counts(value!).an]).toEqual([4242, 0, 1]);
      expect(hog.replies.length).toBeGreaterThanOrEqual(FLOOD - 100);
      expect(hog.replies.every((r) => rcodeOf(r) === 2)).toBe(true);
    } finally {
      hog.sock.close();
      other.sock.close();
    }
  });

  it('answers FORMERR to bytes after the question, whether the name is local or forwarded', async () => {
    for (const name of ['leader.mesos.', 'garbage.example.']) {
      const query = Buffer.concat([buildQuery(name, { id: 9 }), Buffer.from([1, 2, 3])]);
      const [tcpReply] = await tcpQueries(s.tcpPort, [query]);
      for (const reply of [await udpQuery(s.udpPort, query), tcpReply!]) {
        expect(rcodeOf(reply)).toBe(1);
        expect(counts(reply).an).toBe(0);
      }
    }
  });
});
