import { waitFor } from '../helpers/wait.js';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { dig } from '../helpers/dig.js';
import { BIN, startMesosDns, testConfig, type MesosDnsProcess } from '../helpers/mesos-dns-process.js';
import { startStandInMaster, type StandInMaster } from '../helpers/stand-in-master.js';
import { fixtureState, stateWithLeader } from '../helpers/fixtures.js';

const run = promisify(execFile);
const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function master(): Promise<StandInMaster> {
  const m = await startStandInMaster();
  m.serve(stateWithLeader(fixtureState('upstream-fake'), m.upid));
  cleanup.push(() => m.close());
  return m;
}

/** With `waitDns: false` for a program whose master fails at first (DNS listens after the first load). */
async function server(config: Record<string, unknown>, opts: { waitDns?: boolean } = {}): Promise<MesosDnsProcess> {
  const s = await startMesosDns(testConfig(config), opts);
  cleanup.push(() => s.stop());
  return s;
}

function metric(text: string, name: string, labels = ''): number {
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`${name}${labels} `) || (labels === '' && l.startsWith(`${name} `)));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

describe('command line', () => {
  it('prints the version', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    const { stdout } = await run(BIN, ['-version']);
    expect(stdout).toBe(`${pkg.version}\n`);
  });

  it('exits 1 with a clear message and no stack trace for a missing or invalid config', async () => {
    for (const args of [['-config=/nonexistent/config.json']]) {
      const err = await run(BIN, [...args]).catch((e: { code: number; stderr: string }) => e);
      expect((err as { code: number }).code).toBe(1);
      expect((err as { stderr: string }).stderr).toContain('missing configuration file: "/nonexistent/config.json"');
      expect((err as { stderr: string }).stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('rejects an invalid value naming the key', async () => {
    const s = await startMesosDns(testConfig({ masters: ['127.0.0.1:5050'], refreshSeconds: 0 }), {
      waitListening: false,
    });
    const { code } = await s.exited;
    expect(code).toBe(1);
    expect(s.stderr()).toMatch(/refreshSeconds/i);
    expect(s.stderr()).not.toMatch(/\n\s+at /);
  });

  it('exits 2 on an unknown flag', async () => {
    const err = (await run(BIN, ['-bogus']).catch((e: unknown) => e)) as {
      code: number;
      stderr: string;
    };
    expect(err.code).toBe(2);
    expect(err.stderr).toContain('flag provided but not defined: -bogus');
  });

  it('stops cleanly on SIGTERM within 5 s', async () => {
    const m = await master();
    const s = await startMesosDns(testConfig({ masters: [m.address] }));
    await s.waitForRefresh();
    const t0 = Date.now();
    s.proc.kill('SIGTERM');
    const { code } = await s.exited;
    expect(code).toBe(0);
    expect(Date.now() - t0).toBeLessThan(5000);
  });
});

describe('launcher (bin/mesos-dns)', () => {
  /** The environment and command line of a running process, from /proc. */
  function proc(pid: number): { env: string[]; argv: string[] } {
    const read = (f: string) => readFileSync(`/proc/${pid}/${f}`, 'utf8').split('\0').filter(Boolean);
    return { env: read('environ'), argv: read('cmdline') };
  }

  it("becomes node itself, with malloc's mmap and trim thresholds fixed and MESOS_DNS_NODE_FLAGS on its command line", async () => {
    const m = await master();
    const flags = ['--max-semi-space-size=4', '--stack-trace-limit=20', '--test-udp-no-try-send'];
    const s = await startMesosDns(testConfig({ masters: [m.address] }), {
      env: { MESOS_DNS_NODE_FLAGS: flags.join(' ') },
    });
    cleanup.push(() => s.stop());
    const { env, argv } = proc(s.proc.pid!);
    expect(env).toContain('MALLOC_MMAP_THRESHOLD_=131072');
    expect(env).toContain('MALLOC_TRIM_THRESHOLD_=1048576');
    const nodeFlags = ['--expose-gc', ...flags];
    expect(argv.slice(1, 1 + nodeFlags.length)).toEqual(nodeFlags);
    expect(argv[1 + nodeFlags.length]).toMatch(/\/dist\/src\/main\.js$/);
    expect(argv.slice(2 + nodeFlags.length)).toEqual([`-config=${s.configFile}`, '-v=1']);
    // The UDP send batching asked for through MESOS_DNS_NODE_FLAGS is reported when DNS opens.
    const listening = await s.waitForLog((r) => r.msg === 'DNS listening');
    expect(listening.udpSendBatching).toBe(true);
  });

  it('lets the refresh worker collect its garbage once builds pause', async () => {
    const m = await master();
    const s = await startMesosDns(testConfig({ masters: [m.address] }));
    cleanup.push(() => s.stop());
    const from = s.logs.length;
    s.proc.kill('SIGHUP');
    await s.waitForRefresh(from);
    const collected = await s.waitForLog((r) => r.msg === 'refresh worker idle: garbage collected', 5000, from);
    const [usedBefore, usedAfter] = collected.heapUsedMiB as [number, number];
    expect(usedAfter).toBeLessThanOrEqual(usedBefore);
  });

  it("keeps an operator's own thresholds", async () => {
    const m = await master();
    const s = await startMesosDns(testConfig({ masters: [m.address] }), {
      env: { MALLOC_MMAP_THRESHOLD_: '65536', MALLOC_TRIM_THRESHOLD_: '262144' },
    });
    cleanup.push(() => s.stop());
    const { env } = proc(s.proc.pid!);
    expect(env).toContain('MALLOC_MMAP_THRESHOLD_=65536');
    expect(env).toContain('MALLOC_TRIM_THRESHOLD_=262144');
  });

  it("asks glibc for huge pages, keeping an operator's own setting and other tunables", async () => {
    // glibc rewrites GLIBC_TUNABLES in the process's original environment as it parses it, so /proc shows
    // something else than what was passed: a stand-in `node` first on the PATH prints what the launcher exports.
    const dir = mkdtempSync(join(tmpdir(), 'mesos-dns-node-'));
    cleanup.push(async () => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'node'), '#!/bin/sh\nprintf %s "$GLIBC_TUNABLES"\n', { mode: 0o755 });
    const tunables = async (value: string | undefined): Promise<string> => {
      const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${dir}:${process.env.PATH}` };
      if (value === undefined) delete env.GLIBC_TUNABLES;
      else env.GLIBC_TUNABLES = value;
      return (await run(BIN, ['-version'], { env })).stdout;
    };
    expect(await tunables(undefined)).toBe('glibc.malloc.hugetlb=1');
    expect(await tunables('')).toBe('glibc.malloc.hugetlb=1');
    expect(await tunables('glibc.malloc.arena_max=4')).toBe('glibc.malloc.arena_max=4:glibc.malloc.hugetlb=1');
    expect(await tunables('glibc.malloc.hugetlb=0')).toBe('glibc.malloc.hugetlb=0');
    expect(await tunables('glibc.malloc.arena_max=2:glibc.malloc.hugetlb=2')).toBe(
      'glibc.malloc.arena_max=2:glibc.malloc.hugetlb=2',
    );
  });

  it('runs through a symbolic link in another directory, as npm links it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mesos-dns-bin-'));
    cleanup.push(async () => rmSync(dir, { recursive: true, force: true }));
    symlinkSync(BIN, join(dir, 'mesos-dns'));
    const { stdout } = await run(join(dir, 'mesos-dns'), ['-version'], { cwd: dir });
    expect(stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});

describe('SIGHUP', () => {
  it('re-reads config.json: a new ttl shows in answers', async () => {
    const m = await master();
    const config = testConfig({ masters: [m.address], ttl: 60 });
    const s = await server(config);
    await s.waitForRefresh();
    expect((await dig(s.udpPort, ['leader.mesos.', 'A'])).answer[0]![1]).toBe('60');
    s.writeConfig({ ...config, ttl: 17 });
    const from = s.logs.length;
    s.proc.kill('SIGHUP');
    await s.waitForRefresh(from);
    expect((await dig(s.udpPort, ['leader.mesos.', 'A'])).answer[0]![1]).toBe('17');
  });

  it('reports settings that need a restart and keeps serving', async () => {
    const m = await master();
    const config = testConfig({ masters: [m.address] });
    const s = await server(config);
    await s.waitForRefresh();
    s.writeConfig({ ...config, port: 1, externalOn: true, resolvers: ['127.0.0.1:1'] });
    const from = s.logs.length;
    s.proc.kill('SIGHUP');
    const warn = await s.waitForLog(
      (r) => Array.isArray(r.keys) && (r.keys as string[]).includes('port'),
      10_000,
      from,
    );
    expect(warn.msg).toMatch(/restart/);
    expect(warn.keys).toEqual(['port', 'externalOn', 'resolvers']);
    // Forwarding stays off, as it was at start-up.
    expect((await dig(s.udpPort, ['example.com.', 'A'])).status).toBe('REFUSED');
    expect((await dig(s.udpPort, ['leader.mesos.', 'A'])).status).toBe('NOERROR');
  });

  it('applies a new maxStateBytes to the next fetch, keeping the current table', async () => {
    const m = await master();
    const config = testConfig({ masters: [m.address] });
    const s = await server(config);
    await s.waitForRefresh();
    // The upstream-fake state is about 16 KB.
    s.writeConfig({ ...config, maxStateBytes: 4096 });
    const from = s.logs.length;
    s.proc.kill('SIGHUP');
    const failed = await s.waitForLog((r) => r.msg === 'master state fetch failed', 20_000, from);
    expect((failed.err as { code?: string }).code).toBe('MESOS_DNS_FETCH_TOO_LARGE');
    await s.waitForLog((r) => r.msg === 'refresh failed; keeping the current table', 20_000, from);
    expect((await dig(s.udpPort, ['leader.mesos.', 'A'])).status).toBe('NOERROR');
  });
});

describe('/ready and /metrics', () => {
  it('/ready names a failure by code and master, never quoting what the master sent', async () => {
    const m = await master();
    m.serve('s3cr3t-token=hunter2, and not JSON');
    const s = await server({ masters: [m.address] }, { waitDns: false });
    await s.waitForLog((r) => r.msg === 'refresh failed; keeping the current table');
    const r = await fetch(`http://127.0.0.1:${s.httpPort}/ready`);
    const text = await r.text();
    expect(r.status).toBe(503);
    expect(text).not.toContain('s3cr3t');
    expect(JSON.parse(text)).toEqual({
      ready: false,
      reason: 'MESOS_DNS_MASTER_UNREACHABLE',
      cause: 'MESOS_DNS_FETCH_BAD_JSON',
      master: m.address,
      detail: 'no state loaded yet',
      // This master has no event stream (404): polls serve.
      source: 'poll',
      stream: expect.stringMatching(/^(connecting|unsupported)$/),
    });
  });

  it('/ready goes 503 → 200 → 503 as the master appears and then disappears for more than 3 refresh periods', async () => {
    const m = await master();
    m.fail(500);
    const s = await server({ masters: [m.address], refreshSeconds: 1, stateTimeoutSeconds: 1 }, { waitDns: false });
    const ready = async () => (await fetch(`http://127.0.0.1:${s.httpPort}/ready`)).status;
    expect(await ready()).toBe(503);
    m.serve(stateWithLeader(fixtureState('upstream-fake'), m.upid));
    await s.waitForRefresh(0, 10_000);
    await s.waitForDns();
    expect(await ready()).toBe(200);
    m.fail(500);
    await waitFor('/ready to turn 503', ready, {
      until: (status) => status === 503,
      timeoutMs: 15_000,
      intervalMs: 250,
    });
    const body = (await (await fetch(`http://127.0.0.1:${s.httpPort}/ready`)).json()) as { reason: string };
    expect(body.reason).toBeTruthy();
    // Stale data beats no data: the old table still answers.
    expect((await dig(s.udpPort, ['leader.mesos.', 'A'])).status).toBe('NOERROR');
  });

  it('/metrics counters move by exactly the queries sent', async () => {
    const m = await master();
    const s = await server({ masters: [m.address] });
    await s.waitForRefresh();
    const scrape = async () => (await fetch(`http://127.0.0.1:${s.httpPort}/metrics`)).text();
    const before = await scrape();
    for (let i = 0; i < 5; i++) await dig(s.udpPort, ['leader.mesos.', 'A']);
    for (let i = 0; i < 3; i++) await dig(s.udpPort, [`nothere${i}.mesos.`, 'A']);
    for (let i = 0; i < 2; i++) await dig(s.udpPort, ['marathon.slave.mesos.', 'A']);
    for (let i = 0; i < 4; i++) await dig(s.udpPort, ['example.com.', 'A']);
    await dig(s.udpPort, ['leader.mesos.', 'SRV']);
    const after = await scrape();
    const delta = (name: string, labels = '') => metric(after, name, labels) - metric(before, name, labels);
    expect(delta('mesos_dns_queries_total', '{result="answered"}')).toBe(5);
    expect(delta('mesos_dns_queries_total', '{result="nxdomain"}')).toBe(3);
    expect(delta('mesos_dns_queries_total', '{result="nodata"}')).toBe(3);
    expect(delta('mesos_dns_queries_total', '{result="refused"}')).toBe(4);
    expect(delta('mesos_dns_queries_by_type_total', '{qtype="A"}')).toBe(14);
    expect(delta('mesos_dns_queries_by_type_total', '{qtype="SRV"}')).toBe(1);
    expect(metric(after, 'mesos_dns_refresh_total', '{result="success"}')).toBeGreaterThanOrEqual(1);
    expect(metric(after, 'mesos_dns_records', '{type="A"}')).toBeGreaterThan(10);
  });
});
