import { lookup } from 'node:dns/promises';
import { get as httpGet, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureRecords, fixtureNames, fixtureText, readFixture, withGoPrefix } from '../helpers/fixtures.js';
import { startMesosDns, testConfig, type MesosDnsProcess } from '../helpers/mesos-dns-process.js';
import { startStandInMaster, type StandInMaster } from '../helpers/stand-in-master.js';
import { dig } from '../helpers/dig.js';
import { goJsonIndent, sortUtf8 } from '../../src/json/go-json.js';
import { waitFor } from '../helpers/wait.js';
import { fixtureState } from '../helpers/fixtures.js';
import type { GoEnumeration } from '../helpers/enumeration.js';
import {
  expectGoHosts,
  expectGoServices,
  type GoMaps,
  type HostsBody,
  type ServicesBody,
} from '../helpers/go-lookups.js';

type Axfr = {
  TTL: number;
  RefreshSeconds: number;
  Mname: string;
  Rname: string;
  Domain: string;
  Serial?: number;
  Records: Record<string, Record<string, string[]>>;
};

function sortedRecords(r: Record<string, Record<string, string[]>>): Record<string, Record<string, string[]>> {
  const out: Record<string, Record<string, string[]>> = {};
  for (const [t, m] of Object.entries(r))
    out[t] = Object.fromEntries(Object.entries(m).map(([k, v]) => [k, [...v].sort()]));
  return out;
}

function sortedEnumeration(e: GoEnumeration): unknown {
  return (e.frameworks ?? []).map((f) => ({
    name: f.name,
    tasks: f.tasks.map((t) => ({
      ...t,
      records: t.records && [...t.records].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    })),
  }));
}

/** The fixtures were made on a machine where `localhost` was 127.0.0.1 only; allow what this machine adds. */
async function localhostExtras(): Promise<string[]> {
  return (await lookup('localhost', { all: true })).map((a) => a.address).filter((a) => a !== '127.0.0.1');
}

/**
 * The golden `/v1/axfr` body (Go's prefix included) with `extras` (this machine's other addresses of `localhost`) added to
 * `nopid.mesos.`, the one name made from it, as Go would write them: names and values in UTF-8 order.
 */
function goldenAxfrHere(name: string, extras: readonly string[]): string {
  const text = fixtureText(name, 'axfr.json');
  const doc = JSON.parse(text) as Axfr;
  // The renderer gives the golden text back unchanged: the extras alone can make a difference.
  expect(goJsonIndent(doc)).toBe(withGoPrefix(text));
  if (!('nopid.mesos.' in (doc.Records.As ?? {}))) return withGoPrefix(text);
  for (const ip of extras) {
    const section = (doc.Records[ip.includes(':') ? 'AAAAs' : 'As'] ??= {});
    section['nopid.mesos.'] = sortUtf8([...(section['nopid.mesos.'] ?? []), ip]);
    const names = sortUtf8(Object.keys(section));
    doc.Records[ip.includes(':') ? 'AAAAs' : 'As'] = Object.fromEntries(names.map((n) => [n, section[n]!]));
  }
  return goJsonIndent(doc);
}

describe.each(fixtureNames())('HTTP API against the running program: fixture %s', (name) => {
  let master: StandInMaster;
  let server: MesosDnsProcess;
  let base: string;
  const golden = readFixture(name, 'axfr.json') as Axfr;
  const goldenSet = fixtureRecords(name);

  beforeAll(async () => {
    master = await startStandInMaster();
    // The fixture's own leader (127.0.0.1:5050) is kept so leader/master records match the Go output.
    master.serve(fixtureState(name));
    const config = readFixture(name, 'config.json') as Record<string, unknown>;
    server = await startMesosDns(
      testConfig({ ...config, masters: [master.address], port: 0, httpport: 0, listener: '127.0.0.1' }),
    );
    await server.waitForRefresh();
    // The names only HTTP answers follow the table.
    await server.waitForLog((r) => r.msg === 'HTTP-only names served');
    base = `http://127.0.0.1:${server.httpPort}`;
  });

  afterAll(async () => {
    await server?.stop();
    await master?.close();
  });

  it('/v1/axfr equals the Go axfr.json (value order aside)', async () => {
    const res = await fetch(`${base}/v1/axfr`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const body = (await res.json()) as Axfr;
    const { Serial, Records, ...meta } = body;
    const { Records: goldenRecords, ...goldenMeta } = golden;
    expect(meta).toEqual(goldenMeta);
    expect(Serial).toBeGreaterThan(1_700_000_000);
    const extras = await localhostExtras();
    const want = sortedRecords(goldenRecords);
    for (const ip of extras) {
      for (const n of Object.keys(want.As!).filter((k) => k === 'nopid.mesos.')) {
        const type = ip.includes(':') ? 'AAAAs' : 'As';
        want[type]![n] = [...(want[type]![n] ?? []), ip].sort();
      }
    }
    expect(sortedRecords(Records)).toEqual(want);
  });

  it("/v1/axfr and /v1/enumerate are byte for byte the Go program's, with what this machine's localhost adds", async () => {
    const axfr = await (await fetch(`${base}/v1/axfr`)).text();
    const withoutSerial = (body: string): string => body.replace(/\n {2}"Serial": \d+,/, '');
    expect(withoutSerial(axfr)).toBe(withoutSerial(goldenAxfrHere(name, await localhostExtras())));
    const enumerate = await (await fetch(`${base}/v1/enumerate`)).text();
    expect(enumerate).toBe(withGoPrefix(fixtureText(name, 'enumerate.json')));
  });

  it('/v1/enumerate equals the Go enumerate.json (order of list items aside)', async () => {
    const body = (await (await fetch(`${base}/v1/enumerate`)).json()) as GoEnumeration;
    expect(sortedEnumeration(body)).toEqual(sortedEnumeration(readFixture(name, 'enumerate.json') as GoEnumeration));
  });

  /** The Go program's maps, with what this machine's `localhost` adds (as in the /v1/axfr test). */
  async function goMaps(): Promise<GoMaps> {
    const a = new Map(goldenSet.a);
    const aaaa = new Map(goldenSet.aaaa);
    for (const ip of await localhostExtras()) {
      const map = ip.includes(':') ? aaaa : a;
      if (goldenSet.a.has('nopid.mesos.')) map.set('nopid.mesos.', [...(map.get('nopid.mesos.') ?? []), ip]);
    }
    return { a, aaaa, srv: goldenSet.srv };
  }

  it('/v1/hosts answers every name of the A and AAAA maps as Go does, wire-legal or not', async () => {
    const maps = await goMaps();
    const names = [...new Set([...maps.a.keys(), ...maps.aaaa.keys()])].filter((n) => !n.includes('/'));
    expect(names.length).toBeGreaterThan(5);
    for (const n of [...names, `nothere.${golden.Domain}`]) {
      const res = await fetch(`${base}/v1/hosts/${encodeURIComponent(n)}`);
      expectGoHosts((await res.json()) as HostsBody, maps, n);
    }
  });

  it('/v1/services answers every name of the SRV map as Go does, wire-legal or not', async () => {
    const maps = await goMaps();
    const names = [...maps.srv.keys()].filter((n) => !n.includes('/'));
    expect(names.length).toBeGreaterThan(3);
    for (const n of [...names, `_nothere._tcp.${golden.Domain}`]) {
      const res = await fetch(`${base}/v1/services/${encodeURIComponent(n)}`);
      expectGoServices((await res.json()) as ServicesBody, maps, n);
    }
  });

  // Only this fixture has such names: the test is defined for it alone rather than skipped for the others.
  if (name === 'docker-mesos-120')
    it('answers over HTTP a name DNS does not have, and SOAMname outside the domain', async () => {
      const spaced = 'disc name.ipv6-framework.cluster.example.';
      expect(goldenSet.a.get(spaced)).toEqual(['10.0.0.8']);
      expect(await (await fetch(`${base}/v1/hosts/disc%20name.ipv6-framework.cluster.example`)).json()).toEqual([
        { host: spaced, ip: '10.0.0.8' },
      ]);
      expect((await dig(server.udpPort, ['disc\\032name.ipv6-framework.cluster.example.', 'A'])).status).toBe(
        'NXDOMAIN',
      );

      // SOAMname is ns1.mesos, outside cluster.example: not ours in DNS (forwarding is off), still in HTTP.
      expect(await (await fetch(`${base}/v1/hosts/NS1.mesos`)).json()).toEqual([
        { host: 'ns1.mesos.', ip: '127.0.0.1' },
      ]);
      expect((await dig(server.udpPort, ['ns1.mesos.', 'A'])).status).toBe('REFUSED');
    });

  it('answers the error routes like the Go program', async () => {
    expect((await fetch(`${base}/v1/nothing`)).status).toBe(404);
    expect((await fetch(`${base}/v1/version`, { method: 'POST' })).status).toBe(405);
    expect((await fetch(`${base}/v1/hosts/x/ports`)).status).toBe(501);
    const version = (await (await fetch(`${base}/v1/version`)).json()) as Record<string, string>;
    expect(Object.keys(version)).toEqual(['Service', 'URL', 'Version']);
  });
});

/** `tasks` running tasks of one app on ten agents, plus one named `extra` when given. */
function bigState(leader: string, tasks: number, extra?: string): Record<string, unknown> {
  const slaves = Array.from({ length: 10 }, (_, i) => ({ id: `agent-S${i}`, pid: `slave(1)@10.0.0.${i + 1}:5051` }));
  const names = Array.from({ length: tasks }, (_, i) => `app-${i % 100}`);
  if (extra !== undefined) names.push(extra);
  const list = names.map((name, i) => ({
    id: `${name}.${i}`,
    name,
    slave_id: `agent-S${i % 10}`,
    state: 'TASK_RUNNING',
    resources: { ports: `[${31000 + (i % 500)}-${31000 + (i % 500)}]` },
  }));
  return { leader, slaves, frameworks: [{ name: 'marathon', pid: 'scheduler(1)@10.0.0.99:8080', tasks: list }] };
}

describe('HTTP bodies never hold up DNS', () => {
  it('answers from a new table while a body of the old records is still being read, and renders new ones on request', async () => {
    const master = await startStandInMaster();
    master.serve(bigState(master.upid, 3000));
    const server = await startMesosDns(testConfig({ masters: [master.address], refreshSeconds: 1 }));
    try {
      await server.waitForRefresh();
      // A reader that takes the first chunk of /v1/enumerate (about 4 MB in all) and then stops reading.
      const reply = await new Promise<IncomingMessage>((resolve, reject) =>
        httpGet(`http://127.0.0.1:${server.httpPort}/v1/enumerate`, resolve).on('error', reject),
      );
      const chunks: Buffer[] = [];
      await new Promise<void>((resolve) => reply.once('data', (c: Buffer) => (chunks.push(c), resolve())));
      reply.pause();

      master.serve(bigState(master.upid, 3000, 'fresh-task'));
      await waitFor(
        'fresh-task in DNS',
        async () => (await dig(server.udpPort, ['fresh-task.marathon.mesos.', 'A'])).answer.length,
        { until: (n) => n === 1, timeoutMs: 15_000 },
      );
      // The swap did not wait for the body: it is still being sent, from the records it started with.
      expect(reply.complete).toBe(false);
      reply.on('data', (c: Buffer) => chunks.push(c));
      reply.resume();
      await new Promise((resolve) => reply.once('end', resolve));
      const old = Buffer.concat(chunks).toString('utf8');
      expect(JSON.parse(old)).toHaveProperty('frameworks');
      expect(old).not.toContain('fresh-task');

      // No body of the new records existed until asked for: one render so far, the one just read.
      const renders = async (): Promise<string> => {
        const text = await (await fetch(`http://127.0.0.1:${server.httpPort}/metrics`)).text();
        return /^mesos_dns_view_renders_total\{view="enumerate"\} (\d+)$/m.exec(text)?.[1] ?? '';
      };
      expect(await renders()).toBe('1');
      const now = await (await fetch(`http://127.0.0.1:${server.httpPort}/v1/enumerate`)).text();
      expect(now).toContain('"fresh-task"');
      expect(await renders()).toBe('2');
    } finally {
      await server.stop();
      await master.close();
    }
  }, 60_000);
});
