import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import pino from 'pino';
import cluster from 'node:cluster';
import { defaultConfig } from '../../../src/config/defaults.js';
import { runDnsWorkers, type DnsWorkersHandle } from '../../../src/dns/listen/primary.js';
import { ForwardLatency } from '../../../src/dns/stats/latency.js';
import { DnsStats } from '../../../src/dns/stats/counters.js';
import { buildQuery, counts, encodeName, rcodeOf } from '../../helpers/dns-msg.js';
import { tcpQueries, udpQuery } from '../../helpers/dns-client.js';
import { TEST_META, fixtureRecords, fixtureTable, tableOf } from '../../helpers/fixtures.js';
import { waitFor } from '../../helpers/wait.js';
import { LiveTable, MARK_GONE } from '../../../src/table/live.js';
import { NameMarks, buildNameMarks } from '../../../src/table/name-marks.js';

/** Workers run compiled JavaScript: build dist/ first if `npm run build` has not. */
const WORKER = new URL('../../../dist/src/dns/listen/worker-entry.js', import.meta.url).pathname;

const ipOf = (reply: Buffer) => [...reply.subarray(reply.length - 4)].join('.');

describe('multi-core serving (node:cluster)', () => {
  let handle: DnsWorkersHandle;
  /** the last table published, whose base the overlay test goes over */
  let published: LiveTable | null = null;
  const stats = new DnsStats();
  const latency = new ForwardLatency();

  beforeAll(async () => {
    if (!existsSync(WORKER))
      execFileSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: new URL('../../..', import.meta.url).pathname });
    handle = await runDnsWorkers({
      config: { ...defaultConfig(), listener: '127.0.0.1', port: 0, externalOn: false, workers: 2 },
      stats,
      latency,
      log: pino({ level: 'warn' }),
      logOptions: { verbosity: 0, pretty: false, toStderr: true },
      table: new LiveTable(fixtureTable()),
      exec: WORKER,
    });
  }, 60_000);

  afterAll(async () => {
    await handle?.close();
  });

  it('answers over UDP and TCP on one shared port from the table the primary sent', async () => {
    expect(handle.workerCount).toBe(2);
    expect(handle.tcpPort).toBe(handle.udpPort);
    for (let i = 0; i < 40; i++) {
      const r = await udpQuery(handle.udpPort, buildQuery('leader.mesos', { id: i }));
      expect(rcodeOf(r)).toBe(0);
      expect(ipOf(r)).toBe('127.0.0.1');
    }
    const tcp = await tcpQueries(handle.tcpPort, [
      buildQuery('leader.mesos', { id: 1 }),
      buildQuery('nothere.mesos', { id: 2 }),
    ]);
    expect(tcp.map(rcodeOf).sort()).toEqual([0, 3]);
  });

  it('sums the workers counters in the primary', async () => {
    await waitFor('worker stats', () => stats.answered >= 41 && stats.nxdomain >= 1, { timeoutMs: 30_000 });
    expect(stats.byQtype[1]).toBeGreaterThanOrEqual(42);
  });

  it('serves a published table', async () => {
    const recs = fixtureRecords();
    recs.a.set('leader.mesos.', ['10.1.2.3']);
    published = new LiveTable(tableOf(recs, { ...TEST_META, serial: 2 }));
    handle.publish(published);
    // Each worker gets it; ask enough times to reach both.
    await waitFor(
      'the new table',
      async () => {
        const replies = await Promise.all(
          Array.from({ length: 10 }, (_, i) => udpQuery(handle.udpPort, buildQuery('leader.mesos', { id: i }))),
        );
        return replies.every((r) => counts(r).an === 1 && ipOf(r) === '10.1.2.3');
      },
      { timeoutMs: 30_000 },
    );
  });

  it('restarts a worker that dies, keeps serving, and never lowers the counters', async () => {
    const before = stats.answered;
    const victim = Object.values(cluster.workers ?? {})[0]!;
    victim.process.kill('SIGKILL');
    for (let i = 0; i < 10; i++)
      expect(rcodeOf(await udpQuery(handle.udpPort, buildQuery('leader.mesos', { id: i })))).toBe(0);
    await waitFor(
      'the restarted worker',
      () => handle.workerCount === 2 && Object.values(cluster.workers ?? {}).length === 2,
      {
        timeoutMs: 30_000,
      },
    );
    expect(stats.answered).toBeGreaterThanOrEqual(before);
    await waitFor('counts after restart', () => stats.answered >= before + 10, { timeoutMs: 30_000 });
    // The restarted worker got the latest table too.
    await waitFor(
      'the table in the new worker',
      async () => {
        const replies = await Promise.all(
          Array.from({ length: 10 }, (_, i) => udpQuery(handle.udpPort, buildQuery('leader.mesos', { id: i }))),
        );
        return replies.every((r) => ipOf(r) === '10.1.2.3');
      },
      { timeoutMs: 30_000 },
    );
  }, 60_000);

  it('serves an overlay over the base each worker holds, and a name it hides as NXDOMAIN', async () => {
    const base = published!.base;
    const changed = { a: new Map([['leader.mesos.', ['10.4.5.6']]]), aaaa: new Map(), srv: new Map() };
    const hidden = NameMarks.fromBuffer(buildNameMarks([{ wire: encodeName('master.mesos.'), mark: MARK_GONE }]));
    handle.publish(new LiveTable(base, tableOf(changed, { ...TEST_META, serial: 3 }), hidden));
    await waitFor(
      'the overlay in every worker',
      async () => {
        const replies = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            udpQuery(handle.udpPort, buildQuery(i % 2 ? 'leader.mesos' : 'master.mesos', { id: i })),
          ),
        );
        return replies.every((r, i) => (i % 2 ? ipOf(r) === '10.4.5.6' : rcodeOf(r) === 3));
      },
      { timeoutMs: 30_000 },
    );
  });
});
