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

/**
 * The second loopback address and the wildcards to listen on: IPv6 beside IPv4
 * where the machine has `::1`, else a second IPv4 loopback address, so the
 * tests run, and can fail, on every machine rather than being skipped.
 */
const ipv6 = await hasIpv6Loopback();
const second = ipv6 ? '::1' : '127.0.0.2';
const wildcards = ipv6 ? ['0.0.0.0', '::'] : ['0.0.0.0'];
/**
 * One loopback address per wildcard: a UDP socket bound to 0.0.0.0 replies to
 * a query for 127.0.0.2 from the source the kernel picks, 127.0.0.1, and dig
 * drops such a reply.
 */
const wildcardHosts = ipv6 ? ['127.0.0.1', '::1'] : ['127.0.0.1'];

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

describe(`listeners: 127.0.0.1 and ${second}`, () => {
  it.each([1, 2])('workers %i: UDP and TCP on both addresses, one port', async (workers) => {
    const m = await master();
    const s = await startMesosDns(testConfig({ masters: [m.address], listeners: ['127.0.0.1', second], workers }));
    cleanup.push(() => s.stop());
    await s.waitForRefresh();
    expect(s.logs.find((r) => r.msg === 'DNS listening')).toMatchObject({ addresses: ['127.0.0.1', second], workers });
    await expectAnswersOn(s.udpPort, ['127.0.0.1', second]);
  });

  const wildcardTitle = ipv6 ? '0.0.0.0 beside :: (IPv6 sockets take IPv6 only)' : '0.0.0.0';
  it(`${wildcardTitle}, queried on loopback`, async () => {
    const m = await master();
    const s = await startMesosDns(testConfig({ masters: [m.address], listener: '0.0.0.0', listeners: wildcards }));
    cleanup.push(() => s.stop());
    await s.waitForRefresh();
    await expectAnswersOn(s.udpPort, wildcardHosts);
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
