/** Several DNS listen addresses (`listeners`), UDP and TCP on each, in one process and with workers. */
import { afterEach, describe, expect, it } from 'vitest';
import { dig } from '../helpers/dig.js';
import { fixtureState, stateWithLeader } from '../helpers/fixtures.js';
import { startMesosDns, testConfig } from '../helpers/mesos-dns-process.js';
import { hasIpv6Loopback } from '../helpers/ports.js';
import { startStandInMaster, type StandInMaster } from '../helpers/stand-in-master.js';

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

const ipv6 = await hasIpv6Loopback();

async function master(): Promise<StandInMaster> {
  const m = await startStandInMaster();
  m.serve(stateWithLeader(fixtureState('upstream-fake'), m.upid));
  cleanup.push(() => m.close());
  return m;
}

async function expectAnswersOn(port: number, hosts: string[]): Promise<void> {
  for (const host of hosts) {
    for (const transport of ['+notcp', '+tcp']) {
      const d = await dig(port, [transport, 'leader.mesos.', 'A'], host);
      expect({ host, transport, status: d.status }).toEqual({ host, transport, status: 'NOERROR' });
      expect(d.answer.map((rr) => rr[4])).toEqual(['127.0.0.1']);
    }
  }
}

describe.skipIf(!ipv6)('listeners: 127.0.0.1 and ::1 (this machine has IPv6 loopback)', () => {
  it.each([1, 2])('workers %i: UDP and TCP on both addresses, one port', async (workers) => {
    const m = await master();
    const s = await startMesosDns(testConfig({ masters: [m.address], listeners: ['127.0.0.1', '::1'], workers }));
    cleanup.push(() => s.stop());
    await s.waitForRefresh();
    expect(s.logs.find((r) => r.msg === 'DNS listening')).toMatchObject({ addresses: ['127.0.0.1', '::1'], workers });
    await expectAnswersOn(s.udpPort, ['127.0.0.1', '::1']);
  });

  it('0.0.0.0 beside :: (IPv6 sockets take IPv6 only), queried on loopback', async () => {
    const m = await master();
    const s = await startMesosDns(
      testConfig({ masters: [m.address], listener: '0.0.0.0', listeners: ['0.0.0.0', '::'] }),
    );
    cleanup.push(() => s.stop());
    await s.waitForRefresh();
    await expectAnswersOn(s.udpPort, ['127.0.0.1', '::1']);
  });
});

describe('listeners validation', () => {
  it('stops the program at start, naming the key, for a listener outside listeners', async () => {
    const s = await startMesosDns(
      testConfig({ masters: ['127.0.0.1:5050'], listener: '127.0.0.2', listeners: ['127.0.0.1'] }),
      { waitListening: false },
    );
    cleanup.push(() => s.stop());
    expect((await s.exited).code).toBe(1);
    expect(s.stderr()).toContain('mesos-dns: listener "127.0.0.2" is not one of listeners');
    const fatal = s.logs.find((r) => r.msg === 'config not loaded')!;
    expect((fatal.err as { key?: string }).key ?? fatal.key).toBe('listener');
  });
});
