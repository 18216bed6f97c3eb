import { Resolver } from 'node:dns/promises';
import dns2 from 'dns2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildQuery } from '../helpers/dns-msg.js';
import { tcpQueries, udpQuery } from '../helpers/dns-client.js';
import { dig } from '../helpers/dig.js';
import { fixtureRecords } from '../helpers/fixtures.js';
import { startMesosDns, testConfig, type MesosDnsProcess } from '../helpers/mesos-dns-process.js';
import { startStandInMaster, type StandInMaster } from '../helpers/stand-in-master.js';
import { fixtureState, stateWithLeader } from '../helpers/fixtures.js';

const LEGAL = /^([a-z0-9_-]{1,63}\.)+$/;
const golden = fixtureRecords('upstream-fake');
const sorted = (xs: Iterable<string>) => [...xs].sort();

function pick(map: Map<string, string[]>, minValues: number): [string, string[]] {
  const hit = [...map].find(([n, v]) => LEGAL.test(n) && n.endsWith('.mesos.') && v.length >= minValues);
  if (!hit) throw new Error('fixture has no such name');
  return hit;
}

function bigState(leader: string, n: number): Record<string, unknown> {
  const slaves = Array.from({ length: n }, (_, i) => ({
    id: `agent-S${i}`,
    pid: `slave(1)@10.9.${i >> 8}.${i & 255}:5051`,
  }));
  const tasks = slaves.map((s, i) => ({
    id: `big.${i}`,
    name: 'big',
    slave_id: s.id,
    state: 'TASK_RUNNING',
    resources: { ports: '[31000-31000]' },
  }));
  // Seven instances of `web-80`, each on its own agent: seven SRV records fit in 512 bytes, their glue does not.
  for (const s of slaves.slice(0, 7)) {
    tasks.push({ ...tasks[0]!, id: `web-80.${s.id}`, name: 'web-80', slave_id: s.id });
  }
  return { leader, slaves, frameworks: [{ name: 'marathon', pid: 'scheduler(1)@10.8.0.1:8080', tasks }] };
}

describe('mesos-dns over real UDP and TCP (upstream-fake fixture)', () => {
  let master: StandInMaster;
  let server: MesosDnsProcess;
  let resolver: Resolver;

  beforeAll(async () => {
    master = await startStandInMaster();
    master.serve(stateWithLeader(fixtureState('upstream-fake'), master.upid));
    server = await startMesosDns(testConfig({ masters: [master.address], domain: 'mesos' }));
    await server.waitForRefresh();
    resolver = new Resolver({ timeout: 3000, tries: 1 });
    resolver.setServers([`127.0.0.1:${server.udpPort}`]);
  });

  afterAll(async () => {
    await server?.stop();
    await master?.close();
  });

  it('answers A queries with the Go record set, via dig and via dns.Resolver', async () => {
    const [name, values] = pick(golden.a, 2);
    const d = await dig(server.udpPort, [name, 'A']);
    expect(d.status).toBe('NOERROR');
    expect(d.flags).toEqual(expect.arrayContaining(['qr', 'aa']));
    expect(sorted(d.answer.map((rr) => rr[4]!))).toEqual(sorted(values));
    expect(d.answer.every((rr) => rr[0] === name && rr[1] === '60' && rr[3] === 'A')).toBe(true);
    expect(sorted(await resolver.resolve4(name.slice(0, -1)))).toEqual(sorted(values));
  });

  it('answers AAAA queries', async () => {
    const [name, values] = pick(golden.aaaa, 1);
    expect(sorted(await resolver.resolve6(name))).toEqual(sorted(values));
  });

  it('answers SRV queries with weight, port, target and the targets’ addresses as glue', async () => {
    const [name, values] = pick(golden.srv, 2);
    const d = await dig(server.udpPort, [name, 'SRV']);
    expect(d.status).toBe('NOERROR');
    expect(sorted(d.answer.map((rr) => `${rr[7]}:${rr[6]}`))).toEqual(sorted(values));
    expect(d.answer.every((rr) => rr[4] === '0' && rr[5] === '1')).toBe(true);
    const targets = new Set(d.answer.map((rr) => rr[7]!));
    const glueOwners = new Set(d.additional.filter((rr) => rr[3] === 'A' || rr[3] === 'AAAA').map((rr) => rr[0]!));
    for (const t of targets) if (golden.a.has(t) || golden.aaaa.has(t)) expect(glueOwners).toContain(t);
    const srv = await resolver.resolveSrv(name);
    expect(sorted(srv.map((s) => `${s.name}.:${s.port}`))).toEqual(sorted(values));
  });

  it('matches names case-insensitively and echoes the question case', async () => {
    const [name] = pick(golden.a, 1);
    const mixed = name.toUpperCase();
    const d = await dig(server.udpPort, [mixed, 'A']);
    expect(d.status).toBe('NOERROR');
    expect(d.answer[0]![0]).toBe(mixed);
  });

  it('gives NXDOMAIN with the apex SOA for a missing name, for A and for SRV', async () => {
    for (const [qname, qtype] of [
      ['nothere.marathon.mesos.', 'A'],
      ['_nothere._tcp.marathon.mesos.', 'SRV'],
    ]) {
      const d = await dig(server.udpPort, [qname!, qtype!]);
      expect(d.status).toBe('NXDOMAIN');
      expect(d.answer).toEqual([]);
      expect(d.authority.map((rr) => [rr[0], rr[3]])).toEqual([['mesos.', 'SOA']]);
    }
    await expect(resolver.resolve4('nothere.marathon.mesos')).rejects.toMatchObject({ code: 'ENOTFOUND' });
  });

  it('gives NODATA for empty non-terminals and for types a name does not have', async () => {
    for (const [qname, qtype] of [
      ['marathon.slave.mesos.', 'A'],
      ['_tcp.marathon.mesos.', 'SRV'],
      [pick(golden.a, 1)[0], 'TXT'],
    ]) {
      const d = await dig(server.udpPort, [qname!, qtype!]);
      expect(d.status).toBe('NOERROR');
      expect(d.answer).toEqual([]);
      expect(d.authority.map((rr) => rr[3])).toEqual(['SOA']);
    }
    await expect(resolver.resolve4('marathon.slave.mesos')).rejects.toMatchObject({ code: 'ENODATA' });
  });

  it('answers SOA and NS at the apex in the ANSWER section', async () => {
    const soa = await dig(server.udpPort, ['mesos.', 'SOA']);
    expect(soa.status).toBe('NOERROR');
    expect(soa.answer.map((rr) => rr.slice(0, 6))).toEqual([
      ['mesos.', '60', 'IN', 'SOA', 'ns1.mesos.', 'root.ns1.mesos.'],
    ]);
    const s = await resolver.resolveSoa('mesos');
    expect(s).toMatchObject({
      nsname: 'ns1.mesos',
      hostmaster: 'root.ns1.mesos',
      refresh: 60,
      retry: 600,
      expire: 86400,
      minttl: 60,
    });
    const ns = await dig(server.udpPort, ['mesos.', 'NS']);
    expect(ns.answer.map((rr) => rr[4])).toEqual(['ns1.mesos.']);
    expect(ns.additional.filter((rr) => rr[3] === 'A').map((rr) => [rr[0], rr[4]])).toEqual([
      ['ns1.mesos.', '127.0.0.1'],
    ]);
    const apexA = await dig(server.udpPort, ['mesos.', 'A']);
    expect(apexA.status).toBe('NOERROR');
  });

  it('answers ANY with the RRsets at the name, and SOA plus NS at the apex', async () => {
    const [name, values] = pick(golden.a, 1);
    const any = await dig(server.tcpPort, ['+tcp', name, 'ANY']);
    expect(any.status).toBe('NOERROR');
    expect(sorted(any.answer.filter((rr) => rr[3] === 'A').map((rr) => rr[4]!))).toEqual(sorted(values));
    const apex = await dig(server.tcpPort, ['+tcp', 'mesos.', 'ANY']);
    expect(sorted(apex.answer.map((rr) => rr[3]!))).toEqual(['NS', 'SOA']);
    expect((await dig(server.udpPort, ['nothere.mesos.', 'ANY'])).status).toBe('NXDOMAIN');
  });

  it('refuses zone transfers and names outside the domain when forwarding is off', async () => {
    expect((await dig(server.tcpPort, ['+tcp', 'mesos.', 'AXFR'])).raw).toMatch(/REFUSED|Transfer failed/);
    const out = await dig(server.udpPort, ['example.com.', 'A']);
    expect(out.status).toBe('REFUSED');
    expect(out.flags).not.toContain('ra');
  });

  it('answers several queries pipelined on one TCP connection', async () => {
    const names = [...golden.a.keys()].filter((n) => LEGAL.test(n)).slice(0, 5);
    const queries = names.map((n, i) => buildQuery(n, { id: 100 + i }));
    const replies = await tcpQueries(server.tcpPort, queries);
    const byId = new Map(replies.map((r) => [r.readUInt16BE(0), dns2.Packet.parse(r)]));
    names.forEach((n, i) => {
      const p = byId.get(100 + i)!;
      expect(sorted(p.answers.map((a) => String(a.address)))).toEqual(sorted(golden.a.get(n)!));
    });
  });
});

describe('truncation and EDNS0', () => {
  let master: StandInMaster;
  let server: MesosDnsProcess;

  beforeAll(async () => {
    master = await startStandInMaster();
    master.serve(bigState(master.upid, 60));
    server = await startMesosDns(testConfig({ masters: [master.address], IPSources: ['host'] }));
    await server.waitForRefresh();
  });

  afterAll(async () => {
    await server?.stop();
    await master?.close();
  });

  it('truncates a 60-address answer to whole RRs within 512 bytes without EDNS0, with TC', async () => {
    const reply = await udpQuery(server.udpPort, buildQuery('big.marathon.mesos.', { id: 7 }));
    expect(reply.length).toBeLessThanOrEqual(512);
    expect(reply[2]! & 0x02).toBe(0x02);
    const p = dns2.Packet.parse(reply);
    expect(p.answers.length).toBeGreaterThan(20);
    expect(p.answers.length).toBeLessThan(60);
  });

  it('uses the client’s EDNS0 size (capped at 1232) and returns an OPT', async () => {
    const d = await dig(server.udpPort, ['+bufsize=4096', 'big.marathon.mesos.', 'A']);
    expect(d.flags).not.toContain('tc');
    expect(d.answer).toHaveLength(60);
    expect(d.raw).toMatch(/OPT PSEUDOSECTION:\n; EDNS: version: 0, flags:; udp: 1232/);
  });

  it('sets no TC when only glue is left out: dig without EDNS, not retrying over TCP', async () => {
    const d = await dig(server.udpPort, ['+notcp', '+ignore', '+noedns', '_web-80._tcp.marathon.mesos.', 'SRV']);
    expect(d.status).toBe('NOERROR');
    expect(d.flags).not.toContain('tc');
    expect(d.answer).toHaveLength(7);
    const glue = d.additional.filter((rr) => rr[3] === 'A');
    expect(glue.length).toBeGreaterThan(0);
    expect(glue.length).toBeLessThan(7);
    const targets = new Set(d.answer.map((rr) => rr[7]));
    for (const rr of glue) expect(targets).toContain(rr[0]);
  });

  it('sends all the glue when the client’s EDNS size allows it', async () => {
    const d = await dig(server.udpPort, ['+notcp', '+ignore', '+bufsize=1232', '_web-80._tcp.marathon.mesos.', 'SRV']);
    expect(d.flags).not.toContain('tc');
    expect(d.answer).toHaveLength(7);
    expect(d.additional.filter((rr) => rr[3] === 'A')).toHaveLength(7);
  });

  it('sets TC when answers do not fit: 512 bytes without EDNS, the client’s size with it', async () => {
    const plain = await dig(server.udpPort, ['+notcp', '+ignore', '+noedns', 'big.marathon.mesos.', 'A']);
    expect(plain.flags).toContain('tc');
    expect(plain.answer).toHaveLength(29);
    const small = await dig(server.udpPort, ['+notcp', '+ignore', '+bufsize=600', 'big.marathon.mesos.', 'A']);
    expect(small.flags).toContain('tc');
    // (600 - 12 header - 24 question - 11 OPT) / 16 per A record
    expect(small.answer).toHaveLength(34);
    const roomy = await dig(server.udpPort, ['+notcp', '+ignore', '+bufsize=1232', 'big.marathon.mesos.', 'A']);
    expect(roomy.flags).not.toContain('tc');
    expect(roomy.answer).toHaveLength(60);
  });

  it('answers everything over TCP', async () => {
    const d = await dig(server.tcpPort, ['+tcp', 'big.marathon.mesos.', 'A']);
    expect(d.answer).toHaveLength(60);
    expect(d.flags).not.toContain('tc');
  });
});
