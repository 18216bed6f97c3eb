import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { parseUpstream } from '../../../src/dns/forward/router.js';
import { udpAttempt } from '../../../src/dns/forward/upstream-udp.js';
import type { VerifiedReply } from '../../../src/dns/forward/verify.js';
import { aRR, buildQuery, buildReply, questionEnd } from '../../helpers/dns-msg.js';
import { startUpstream, type StandInUpstream } from '../../helpers/upstream.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function upstream(...args: Parameters<typeof startUpstream>): Promise<StandInUpstream> {
  const u = await startUpstream(...args);
  cleanups.push(() => u.close());
  return u;
}

interface Outcome {
  reply: VerifiedReply | null;
  failure: string;
  ignored: number;
}

function attempt(query: Buffer, resolver: string, timeoutMs = 5000): Promise<Outcome> {
  return new Promise((resolve) => {
    let ignored = 0;
    udpAttempt(
      query,
      questionEnd(query),
      parseUpstream(resolver),
      timeoutMs,
      () => ignored++,
      (reply, failure) => resolve({ reply, failure, ignored }),
    );
  });
}

const answer = (ip: string) => (q: Buffer) => buildReply(q, { answers: [aRR('x', ip)] });

describe('udpAttempt', () => {
  it('sends each attempt from a socket of its own, on a random source port', async () => {
    const ports: number[] = [];
    const up = await upstream(answer('192.0.2.1'));
    up.udp.prependListener('message', (_m, rinfo) => ports.push(rinfo.port));
    for (let i = 0; i < 20; i++) {
      const out = await attempt(buildQuery(`p${i}.example`, { id: i }), up.resolver);
      expect(out.reply).not.toBeNull();
    }
    // A shared socket would show one port; the kernel's random picks rarely repeat among 20.
    expect(new Set(ports).size).toBeGreaterThanOrEqual(15);
  });

  it('ignores replies with another ID or question and keeps waiting for the real one', async () => {
    const up = await upstream((q) => {
      const wrongId = answer('6.6.6.6')(q);
      wrongId.writeUInt16BE((q.readUInt16BE(0) + 1) & 0xffff, 0);
      const wrongQuestion = answer('6.6.6.6')(buildQuery('other.example', { id: q.readUInt16BE(0) }));
      up.udp.send(wrongId, client.port, client.address);
      up.udp.send(wrongQuestion, client.port, client.address);
      return { delayMs: 100, reply: answer('192.0.2.2')(q) };
    });
    const client = { port: 0, address: '' };
    up.udp.prependListener('message', (_m, rinfo) =>
      Object.assign(client, { port: rinfo.port, address: rinfo.address }),
    );
    const out = await attempt(buildQuery('x.example', { id: 77 }), up.resolver);
    expect(out.reply!.msg.subarray(-4)).toEqual(Buffer.from([192, 0, 2, 2]));
    expect(out.ignored).toBe(2);
  });

  it('never delivers a datagram from another source port, even with the right ID and question', async () => {
    const spoofer = dgram.createSocket('udp4');
    await new Promise<void>((r) => spoofer.bind(0, '127.0.0.1', () => r()));
    cleanups.push(() => new Promise((r) => spoofer.close(() => r())));
    const up = await upstream((q) => {
      spoofer.send(answer('6.6.6.6')(q), client.port, client.address);
      return { delayMs: 150, reply: answer('192.0.2.3')(q) };
    });
    const client = { port: 0, address: '' };
    up.udp.prependListener('message', (_m, rinfo) =>
      Object.assign(client, { port: rinfo.port, address: rinfo.address }),
    );
    const out = await attempt(buildQuery('x.example'), up.resolver);
    expect(out.reply!.msg.subarray(-4)).toEqual(Buffer.from([192, 0, 2, 3]));
  });

  it('fails on the timeout when nothing answers', async () => {
    const silent = await upstream(() => null);
    expect(await attempt(buildQuery('x.example'), silent.resolver, 200)).toMatchObject({
      reply: null,
      failure: 'timeout',
    });
  });

  it('fails at once when the upstream port is closed (ICMP port unreachable)', async () => {
    const closed = await startUpstream(() => null);
    await closed.close();
    const out = await attempt(buildQuery('x.example'), closed.resolver, 20_000);
    expect(out.reply).toBeNull();
    expect(out.failure).toMatch(/ECONNREFUSED/);
  });

  it('calls back never after an abort', async () => {
    const slow = await upstream((q) => ({ delayMs: 100, reply: answer('192.0.2.4')(q) }));
    let called = 0;
    const stop = udpAttempt(
      buildQuery('x.example'),
      questionEnd(buildQuery('x.example')),
      parseUpstream(slow.resolver),
      150,
      () => undefined,
      () => called++,
    );
    stop();
    stop();
    await new Promise((r) => setTimeout(r, 300));
    expect(called).toBe(0);
  });
});
