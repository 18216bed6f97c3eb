import { createSocket } from 'node:dgram';
import dns2 from 'dns2';
import { afterEach, describe, expect, it } from 'vitest';
import { buildQuery } from '../helpers/dns-msg.js';
import { dig } from '../helpers/dig.js';
import { startMesosDns, testConfig } from '../helpers/mesos-dns-process.js';
import { startStandInMaster, type StandInMaster } from '../helpers/stand-in-master.js';

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

const MiB = 1024 * 1024;

/** A state with `n` tasks `app-<i>` whose container IPs encode `version`, plus one task only this version has. */
function versionedState(leader: string, version: number, n = 100): Record<string, unknown> {
  const slaves = [{ id: 'agent-S0', pid: 'slave(1)@10.0.0.1:5051' }];
  const tasks = Array.from({ length: n }, (_, i) => ({
    id: `app-${i}.v${version}`,
    name: `app-${i}`,
    slave_id: 'agent-S0',
    state: 'TASK_RUNNING',
    resources: { ports: `[${31000 + i}-${31000 + i}]` },
    statuses: [
      {
        state: 'TASK_RUNNING',
        timestamp: 1,
        container_status: { network_infos: [{ ip_address: `10.${version}.${i >> 8}.${i & 255}` }] },
      },
    ],
  }));
  tasks.push({ ...tasks[0]!, id: `only-v${version}.1`, name: `only-v${version}` });
  return { leader, slaves, frameworks: [{ name: 'marathon', pid: 'scheduler(1)@10.0.0.2:8080', tasks }] };
}

async function standIn(): Promise<StandInMaster> {
  const m = await startStandInMaster();
  cleanup.push(() => m.close());
  return m;
}

describe('master faults keep the old table and recover on the next good refresh', () => {
  it.each<[string, (m: StandInMaster) => void]>([
    ['HTTP 500', (m) => m.fail(500)],
    ['a hang past stateTimeoutSeconds', (m) => m.hang()],
    ['malformed JSON', (m) => m.malformed()],
    ['an empty body', (m) => m.empty()],
    ['a state without a leader', (m) => m.leaderless()],
    ['a state larger than maxStateBytes', (m) => m.serve({ ...versionedState(m.upid, 2), padding: 'x'.repeat(MiB) })],
  ])('%s', async (_, breakIt) => {
    const m = await standIn();
    m.serve(versionedState(m.upid, 1));
    const s = await startMesosDns(
      testConfig({ masters: [m.address], refreshSeconds: 1, stateTimeoutSeconds: 1, maxStateBytes: MiB }),
    );
    cleanup.push(() => s.stop());
    await s.waitForRefresh();
    expect((await dig(s.udpPort, ['only-v1.marathon.mesos.', 'A'])).answer).toHaveLength(1);

    breakIt(m);
    const from = s.logs.length;
    await s.waitForLog((r) => r.msg === 'refresh failed; keeping the current table', 15_000, from);
    const during = await dig(s.udpPort, ['only-v1.marathon.mesos.', 'A']);
    expect(during.status).toBe('NOERROR');
    expect(during.answer).toHaveLength(1);

    m.serve(versionedState(m.upid, 2));
    await s.waitForLog((r) => r.msg === 'refresh done', 15_000, s.logs.length);
    expect((await dig(s.udpPort, ['only-v2.marathon.mesos.', 'A'])).answer).toHaveLength(1);
    expect((await dig(s.udpPort, ['only-v1.marathon.mesos.', 'A'])).status).toBe('NXDOMAIN');
  });
});

/** `n` tasks of 1,024 ports each (the most a task may have): about 400,000 SRV records from a 20 KB state. */
function portHeavyState(leader: string, n = 100): Record<string, unknown> {
  const slaves = [{ id: 'agent-S0', pid: 'slave(1)@10.0.0.1:5051' }];
  const tasks = Array.from({ length: n }, (_, i) => ({
    id: `heavy-${i}.1`,
    name: `heavy-${i}`,
    slave_id: 'agent-S0',
    state: 'TASK_RUNNING',
    resources: { ports: '[1-1024]' },
  }));
  return { leader, slaves, frameworks: [{ name: 'marathon', pid: 'scheduler(1)@10.0.0.2:8080', tasks }] };
}

function errCode(line: Record<string, unknown>): unknown {
  return (line.err as { code?: unknown } | undefined)?.code;
}

describe('a refresh that needs more heap than refreshHeapMiB fails alone', () => {
  it.each<[string, Record<string, string>, (m: StandInMaster) => void, { msg: string; code: string }]>([
    [
      // 409,600 SRV values: their arrays live outside the heap, so the refresh's memory budget stops them.
      'a state whose records outgrow refreshHeapMiB: the refresh fails before allocating them',
      {},
      (m) => m.serve(portHeavyState(m.upid)),
      { msg: 'refresh failed; keeping the current table', code: 'MESOS_DNS_REFRESH_OUT_OF_MEMORY' },
    ],
    [
      // One allocation past the heap limit aborts the process, worker or not: the state is refused before it is parsed.
      'a state too large to parse in that heap, with the process heap limited too',
      { NODE_OPTIONS: '--max-old-space-size=32' },
      (m) => m.serve(JSON.stringify({ ...versionedState(m.upid, 3), padding: 'x'.repeat(64 * MiB) })),
      { msg: 'master state fetch failed', code: 'MESOS_DNS_FETCH_TOO_LARGE' },
    ],
  ])('%s', async (_, env, breakIt, why) => {
    const m = await standIn();
    m.serve(versionedState(m.upid, 1));
    const s = await startMesosDns(testConfig({ masters: [m.address], refreshSeconds: 1, refreshHeapMiB: 32 }), {
      env,
    });
    cleanup.push(() => s.stop());
    await s.waitForRefresh();
    expect((await dig(s.udpPort, ['only-v1.marathon.mesos.', 'A'])).answer).toHaveLength(1);

    breakIt(m);
    const from = s.logs.length;
    await s.waitForLog((r) => r.msg === 'refresh failed; keeping the current table', 30_000, from);
    expect(errCode(await s.waitForLog((r) => r.msg === why.msg, 1000, from))).toBe(why.code);
    expect(s.proc.exitCode).toBeNull();
    expect(s.proc.signalCode).toBeNull();
    const during = await dig(s.udpPort, ['only-v1.marathon.mesos.', 'A']);
    expect(during.status).toBe('NOERROR');
    expect(during.answer).toHaveLength(1);

    m.serve(versionedState(m.upid, 2));
    await s.waitForLog((r) => r.msg === 'refresh done', 30_000, s.logs.length);
    expect((await dig(s.udpPort, ['only-v2.marathon.mesos.', 'A'])).answer).toHaveLength(1);
  });

  it('a new refreshHeapMiB on SIGHUP replaces the running worker before the next refresh', async () => {
    const m = await standIn();
    m.serve(versionedState(m.upid, 1));
    const config = testConfig({ masters: [m.address], refreshHeapMiB: 16 });
    const s = await startMesosDns(config);
    cleanup.push(() => s.stop());
    await s.waitForRefresh();

    // Too heavy for 16 MiB: only a new worker with the new limit loads it.
    m.serve(portHeavyState(m.upid, 20));
    s.writeConfig({ ...config, refreshHeapMiB: 256 });
    const from = s.logs.length;
    s.proc.kill('SIGHUP');
    const done = await s.waitForRefresh(from, 30_000);
    expect(done.tasks).toBe(20);
  });
});

describe('no torn reads', () => {
  it('names present in both of two alternating state versions always resolve while tables swap', async () => {
    const m = await standIn();
    m.serve(versionedState(m.upid, 1));
    const s = await startMesosDns(testConfig({ masters: [m.address], refreshSeconds: 1 }));
    cleanup.push(() => s.stop());
    await s.waitForRefresh();

    let version = 1;
    const flip = setInterval(() => {
      version = version === 1 ? 2 : 1;
      m.serve(versionedState(m.upid, version));
      // SIGHUP forces an immediate refresh, so tables swap about every 100 ms rather than every second.
      s.proc.kill('SIGHUP');
    }, 100);

    const sock = createSocket('udp4');
    const pending = new Map<number, { name: string; i: number; resolve: (ok: boolean) => void }>();
    sock.on('message', (msg) => {
      const id = msg.readUInt16BE(0);
      const p = pending.get(id);
      if (!p) return;
      pending.delete(id);
      const parsed = dns2.Packet.parse(msg);
      const ips = parsed.answers.map((a) => String(a.address));
      const ok =
        (msg[3]! & 0x0f) === 0 && ips.length === 1 && (ips[0] === `10.1.0.${p.i}` || ips[0] === `10.2.0.${p.i}`);
      p.resolve(ok);
    });
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));

    let sent = 0;
    let failures = 0;
    let nextId = 1;
    const started = Date.now();
    const refreshesBefore = s.logs.filter((r) => r.msg === 'refresh done').length;
    try {
      while (Date.now() - started < 10_500) {
        const batch = Array.from({ length: 100 }, (_, i) => {
          const id = nextId++ & 0xffff;
          const name = `app-${i}.marathon.mesos.`;
          return new Promise<boolean>((resolve) => {
            const t = setTimeout(() => {
              pending.delete(id);
              resolve(false);
            }, 3000);
            pending.set(id, {
              name,
              i,
              resolve: (ok) => {
                clearTimeout(t);
                resolve(ok);
              },
            });
            sock.send(buildQuery(name, { id }), s.udpPort, '127.0.0.1');
          });
        });
        const results = await Promise.all(batch);
        sent += results.length;
        failures += results.filter((ok) => !ok).length;
      }
    } finally {
      clearInterval(flip);
      sock.close();
    }
    const swaps = s.logs.filter((r) => r.msg === 'refresh done').length - refreshesBefore;
    expect(sent).toBeGreaterThan(1000);
    expect(swaps).toBeGreaterThanOrEqual(10);
    expect(failures).toBe(0);
  }, 60_000);
});
