/**
 * PTR records (`ptrOn`) against the real binary on the demo cluster
 * (examples/state.json): `dig -x` and Node's resolver for every task's
 * address, agents and masters, reverse names we do not hold forwarded to a
 * stand-in upstream, and nothing of ours with `ptrOn` off.
 */
import { readFileSync } from 'node:fs';
import { Resolver } from 'node:dns/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dig } from '../helpers/dig.js';
import { buildReply, encodeName } from '../helpers/dns-msg.js';
import type { GoEnumeration } from '../helpers/enumeration.js';
import { stateWithLeader } from '../helpers/fixtures.js';
import { startMesosDns, testConfig, type MesosDnsProcess } from '../helpers/mesos-dns-process.js';
import { startStandInMaster, type StandInMaster } from '../helpers/stand-in-master.js';
import { startUpstream, type StandInUpstream } from '../helpers/upstream.js';

const demo = (file: string) =>
  JSON.parse(readFileSync(new URL(`../../examples/${file}`, import.meta.url), 'utf8')) as Record<string, unknown>;
const demoState = demo('state.json');
/** What `npm run demo` runs with: its PTR and address settings. */
const { ptrOn, domain, IPSources } = demo('config.json');
/** The demo agents' addresses (`localhost` is 127.0.0.1 on the test machine). */
const AGENT_ADDRESSES = new Set(['10.0.0.1', '2001:db8::2', '127.0.0.1']);
/** `<task>-<hash>-<agent>.<framework>.mesos.` (the framework part may hold dots), not the agent-domain twin. */
const CANONICAL =
  /^[a-z0-9-]+-[ybndrfg8ejkmcpqxot1uwisza345h769]{5}-[a-z0-9]+\.(?!.*\.slave\.mesos\.$)([a-z0-9-]+\.)+mesos\.$/;
const OUTSIDE = 'outside.example.';

/** The stand-in upstream answers every question with one PTR record, owned by the question name. */
function upstreamPtr(query: Buffer): Buffer {
  const reply = buildReply(query);
  const owner = reply.subarray(12, reply.length - 4);
  const rdata = encodeName(OUTSIDE);
  const fixed = Buffer.alloc(10);
  fixed.writeUInt16BE(12, 0);
  fixed.writeUInt16BE(1, 2);
  fixed.writeUInt32BE(30, 4);
  fixed.writeUInt16BE(rdata.length, 8);
  reply.writeUInt16BE(1, 6);
  return Buffer.concat([reply, owner, fixed, rdata]);
}

const ptrsOf = (d: { answer: string[][] }) => d.answer.filter((rr) => rr[3] === 'PTR').map((rr) => rr[4]!);
const sorted = (xs: string[]) => [...xs].sort();

describe('PTR records with ptrOn (demo cluster)', () => {
  let master: StandInMaster;
  let upstream: StandInUpstream;
  let server: MesosDnsProcess;
  let config: Record<string, unknown>;

  beforeAll(async () => {
    master = await startStandInMaster();
    master.serve(stateWithLeader(demoState, master.upid));
    upstream = await startUpstream(upstreamPtr);
    config = testConfig({
      masters: [master.address],
      domain,
      IPSources,
      ptrOn,
      externalOn: true,
      resolvers: [upstream.resolver],
    });
    server = await startMesosDns(config);
    await server.waitForRefresh();
  });

  afterAll(async () => {
    await server?.stop();
    await upstream?.close();
    await master?.close();
  });

  it('dig -x of every task’s address gives its canonical name, or slave.mesos. for an agent’s address', async () => {
    const body = (await (await fetch(`http://127.0.0.1:${server.httpPort}/v1/enumerate`)).json()) as GoEnumeration;
    const canonical = (body.frameworks ?? []).flatMap((f) =>
      f.tasks.flatMap((t) => (t.records ?? []).filter((r) => r.rtype !== 'SRV' && CANONICAL.test(r.name))),
    );
    // web, Web.App_v2, db, dock, mesosc, startni, v6 (IPv4 and IPv6), badip, portsweird, job
    expect(canonical).toHaveLength(11);
    let own = 0;
    for (const { name, host } of canonical) {
      const d = await dig(server.udpPort, ['-x', host]);
      expect(d.status, host).toBe('NOERROR');
      expect(d.flags).toContain('aa');
      const names = ptrsOf(d);
      if (AGENT_ADDRESSES.has(host)) {
        expect(names, host).toContain('slave.mesos.');
        expect(
          names.some((n) => CANONICAL.test(n)),
          host,
        ).toBe(false);
      } else {
        expect(names, host).toEqual([name]);
        own++;
      }
      // Each name points forward to the address again.
      for (const n of names) {
        const forward = await dig(server.udpPort, [n, host.includes(':') ? 'AAAA' : 'A']);
        expect(
          forward.answer.map((rr) => rr[4]),
          `${n} → ${host}`,
        ).toContain(host);
      }
    }
    // web (netinfo), db (netinfo, DiscoveryInfo), mesosc (Mesos label), v6 (IPv4 and IPv6)
    expect(own).toBe(5);
  });

  it('answers Node’s resolver (dns.reverse) for a task’s IPv4 and IPv6 address', async () => {
    const resolver = new Resolver({ timeout: 3000, tries: 1 });
    resolver.setServers([`127.0.0.1:${server.udpPort}`]);
    expect(await resolver.reverse('10.1.0.2')).toEqual([
      expect.stringMatching(/^web-[a-z0-9]{5}-s1\.marathon\.mesos$/),
    ]);
    expect(await resolver.reverse('fd00::1')).toEqual([expect.stringMatching(/^v6-[a-z0-9]{5}-s2\.marathon\.mesos$/)]);
  });

  it('gives every name of an address shared by the leading master and an agent', async () => {
    const d = await dig(server.udpPort, ['-x', '127.0.0.1']);
    expect(sorted(ptrsOf(d))).toEqual(['leader.mesos.', 'master0.mesos.', 'slave.mesos.']);
    expect(sorted(ptrsOf(await dig(server.udpPort, ['-x', '10.0.0.1', '+tcp'])))).toEqual(['slave.mesos.']);
    expect(ptrsOf(await dig(server.udpPort, ['-x', '2001:db8::2']))).toEqual(['slave.mesos.']);
  });

  it('forwards a reverse name it does not hold to the upstream', async () => {
    const before = upstream.queries.length;
    const d = await dig(server.udpPort, ['-x', '192.0.2.7']);
    expect(d.status).toBe('NOERROR');
    expect(d.flags).not.toContain('aa');
    expect(ptrsOf(d)).toEqual([OUTSIDE]);
    expect(upstream.queries.length).toBe(before + 1);
    expect(ptrsOf(await dig(server.udpPort, ['-x', '10.1.0.9']))).toEqual([OUTSIDE]);
  });

  it('reports the PTR records in /metrics', async () => {
    const text = await (await fetch(`http://127.0.0.1:${server.httpPort}/metrics`)).text();
    expect(text).toMatch(/^mesos_dns_records\{type="PTR"\} ([1-9][0-9]*)$/m);
  });

  it('forwards the task’s reverse name too once SIGHUP turns ptrOn off', async () => {
    server.writeConfig({ ...config, ptrOn: false });
    const from = server.logs.length;
    server.proc.kill('SIGHUP');
    await server.waitForRefresh(from);
    expect(ptrsOf(await dig(server.udpPort, ['-x', '10.1.0.2']))).toEqual([OUTSIDE]);
    const text = await (await fetch(`http://127.0.0.1:${server.httpPort}/metrics`)).text();
    expect(text).toMatch(/^mesos_dns_records\{type="PTR"\} 0$/m);
  });
});

describe('without ptrOn', () => {
  it('refuses reverse names when forwarding is off, as any name outside the domain', async () => {
    const master = await startStandInMaster();
    master.serve(stateWithLeader(demoState, master.upid));
    const server = await startMesosDns(testConfig({ masters: [master.address], domain: 'mesos' }));
    try {
      await server.waitForRefresh();
      const d = await dig(server.udpPort, ['-x', '10.1.0.2']);
      expect(d.status).toBe('REFUSED');
      expect(d.answer).toEqual([]);
      expect((await dig(server.udpPort, ['web.marathon.mesos.', 'A'])).answer.map((rr) => rr[4])).toEqual(['10.1.0.2']);
    } finally {
      await server.stop();
      await master.close();
    }
  });
});
