/**
 * DNS binds only after the first successful state load (docs/compatibility.md, Start-up and
 * failures): before it the port is closed, so stub resolvers move on to their next nameserver.
 */
import { createSocket, type Socket } from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { dig } from '../helpers/dig.js';
import { tcpConnectError, udpProbe } from '../helpers/dns-client.js';
import { buildQuery } from '../helpers/dns-msg.js';
import { fixtureState, stateWithLeader } from '../helpers/fixtures.js';
import { startMesosDns, testConfig, type MesosDnsProcess } from '../helpers/mesos-dns-process.js';
import { freeDnsPort } from '../helpers/ports.js';
import { startStandInMaster, type StandInMaster } from '../helpers/stand-in-master.js';

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function standIn(serving: boolean): Promise<StandInMaster> {
  const m = await startStandInMaster();
  m.serve(stateWithLeader(fixtureState('upstream-fake'), m.upid));
  if (!serving) m.fail(500);
  cleanup.push(() => m.close());
  return m;
}

/** A program whose DNS port is known before it binds, started without waiting for DNS. */
async function program(
  m: StandInMaster,
  over: Record<string, unknown> = {},
): Promise<{ s: MesosDnsProcess; port: number }> {
  const port = await freeDnsPort();
  const s = await startMesosDns(
    testConfig({ masters: [m.address], port, refreshSeconds: 1, stateTimeoutSeconds: 1, ...over }),
    { waitDns: false },
  );
  cleanup.push(() => s.stop());
  return { s, port };
}

async function expectClosed(s: MesosDnsProcess, port: number): Promise<void> {
  expect(s.udpPort).toBe(0);
  expect(await udpProbe(port, buildQuery('leader.mesos.'))).toBe('refused');
  expect(await tcpConnectError(port)).toBe('ECONNREFUSED');
  // dig gets no reply at all (UDP, then its TCP attempt is refused).
  const out = await dig(port, ['leader.mesos.', 'A']);
  expect(out.status).toBe('');
}

async function expectAnswers(port: number): Promise<void> {
  const udp = await dig(port, ['leader.mesos.', 'A']);
  expect(udp.status).toBe('NOERROR');
  expect(udp.answer.map((rr) => rr[4])).toEqual(['127.0.0.1']);
  const tcp = await dig(port, ['+tcp', 'leader.mesos.', 'A']);
  expect(tcp.answer.map((rr) => rr[4])).toEqual(['127.0.0.1']);
}

describe('DNS listens only after the first successful state load', () => {
  it.each([1, 2])(
    'workers %i: closed port before it while /health is 200 and /ready 503; answers after it, also once the master fails again',
    async (workers) => {
      const m = await standIn(false);
      const { s, port } = await program(m, { workers });
      await s.waitForLog((r) => r.msg === 'refresh failed; keeping the current table');
      await expectClosed(s, port);
      expect((await fetch(`http://127.0.0.1:${s.httpPort}/health`)).status).toBe(200);
      const ready = await fetch(`http://127.0.0.1:${s.httpPort}/ready`);
      expect(ready.status).toBe(503);
      expect(((await ready.json()) as { reason: string }).reason).toBe('MESOS_DNS_MASTER_UNREACHABLE');

      m.serve(stateWithLeader(fixtureState('upstream-fake'), m.upid));
      await s.waitForDns();
      expect(s.udpPort).toBe(port);
      expect(s.tcpPort).toBe(port);
      await expectAnswers(port);

      m.fail(500);
      const from = s.logs.length;
      await s.waitForLog((r) => r.msg === 'refresh failed; keeping the current table', 15_000, from);
      await s.waitForLog((r) => r.msg === 'refresh failed; keeping the current table', 15_000, s.logs.length);
      await expectAnswers(port);
      expect(s.logs.filter((r) => r.msg === 'DNS listening')).toHaveLength(1);
    },
    60_000,
  );

  it('Node’s resolver skips a server that has never loaded and takes the answer from the next one', async () => {
    const { s: dead, port: deadPort } = await program(await standIn(false));
    await dead.waitForLog((r) => r.msg === 'refresh failed; keeping the current table');
    const live = await startMesosDns(testConfig({ masters: [(await standIn(true)).address] }));
    cleanup.push(() => live.stop());

    const resolver = new Resolver({ timeout: 2000, tries: 1 });
    resolver.setServers([`127.0.0.1:${deadPort}`, `127.0.0.1:${live.udpPort}`]);
    expect(await resolver.resolve4('leader.mesos')).toEqual(['127.0.0.1']);
    expect(await resolver.resolveSrv('_leader._tcp.mesos')).toHaveLength(1);
  });

  it('a DNS port taken when the first state loads ends the program with exit 1 and a log line naming the address', async () => {
    const port = await freeDnsPort();
    const squatter: Socket = createSocket('udp4');
    await new Promise<void>((resolve) => squatter.bind(port, '127.0.0.1', resolve));
    cleanup.push(() => new Promise<void>((resolve) => squatter.close(() => resolve())));
    const m = await standIn(true);
    const s = await startMesosDns(testConfig({ masters: [m.address], port }), { waitDns: false });
    cleanup.push(() => s.stop());

    const { code } = await s.exited;
    expect(code).toBe(1);
    const msgs = s.logs.map((r) => r.msg);
    // Bound at the first state load, not at start-up.
    expect(msgs.indexOf('DNS could not listen after the first state load')).toBeGreaterThan(
      msgs.indexOf('refresh done'),
    );
    const fatal = s.logs.find((r) => r.msg === 'DNS could not listen after the first state load')!;
    expect(fatal).toMatchObject({ addresses: ['127.0.0.1'], port });
    const err = fatal.err as { code: string; message: string };
    expect(err.code).toBe('MESOS_DNS_LISTEN_FAILED');
    expect(err.message).toContain(`udp 127.0.0.1:${port}`);
    expect(s.stderr()).toContain(`mesos-dns: DNS cannot listen on udp 127.0.0.1:${port}: bind EADDRINUSE`);
    expect(s.stderr()).not.toMatch(/\n\s+at /);
  });
});
