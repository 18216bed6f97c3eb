import { existsSync } from 'node:fs';
import { getPriority } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { closeFetchAgents, fetchOptionsFromConfig } from '../../src/mesos/fetch/fetch.js';
import { Refresher } from '../../src/refresh/refresher.js';
import { ServingState } from '../../src/serving.js';
import { fixtureConfig } from '../helpers/fixtures.js';
import { memoryLogger } from '../helpers/memory-logger.js';
import { startStandInMaster, type StandInMaster } from '../helpers/stand-in-master.js';
import { threadNices } from '../helpers/threads.js';
import { REFRESH_THREAD_NICENESS } from '../../src/refresh/thread-priority.js';
import { servedOf, withHttpNames } from '../../src/refresh/live-table.js';
import { defaultConfig } from '../../src/config/defaults.js';
import { storeOf } from '../../src/records/store-text.js';
import { httpHosts, httpOnlyNames } from '../../src/table/http-names.js';
import { tableMetaFor } from '../../src/table/meta.js';
import { RecordTable } from '../../src/table/table.js';
import { waitFor } from '../helpers/wait.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const WORKER = new URL('../../dist/src/refresh/worker-entry.js', import.meta.url);
const MiB = 1024 * 1024;
const LOG = { verbosity: 0, pretty: false, toStderr: true };

const open: Array<{ close(): Promise<void> } | { stop(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((o) => ('close' in o ? o.close() : o.stop())));
});
afterAll(async () => {
  await closeFetchAgents();
});

function refresher(
  masters: string[],
  refreshHeapMiB: number,
  workerUrl = WORKER,
  workers = 1,
): { r: Refresher; serving: ServingState } {
  const config = fixtureConfig('upstream-fake');
  config.refreshHeapMiB = refreshHeapMiB;
  config.workers = workers;
  const serving = new ServingState();
  serving.masters = masters;
  const r = new Refresher({
    config,
    fetchOptions: fetchOptionsFromConfig(config),
    serving,
    log: memoryLogger().log,
    logOptions: LOG,
    workerUrl,
  });
  open.push(r);
  return { r, serving };
}

/** A state of `tasks` tasks in which generation `g` moves one task to another agent: every refresh has new records. */
function changingState(leader: string, tasks: number, g: number): Record<string, unknown> {
  const agents = 20;
  const slaves = Array.from({ length: agents }, (_, i) => ({ id: `agent-S${i}`, pid: `slave(1)@10.0.${i}.1:5051` }));
  const list = Array.from({ length: tasks }, (_, i) => ({
    id: `app-${i % 50}.${i}`,
    name: `app-${i % 50}`,
    slave_id: `agent-S${(i + (i === g % tasks ? g : 0)) % agents}`,
    state: 'TASK_RUNNING',
    resources: { ports: `[${31000 + (i % 100)}-${31001 + (i % 100)}]` },
    discovery: { name: `app-${i % 50}`, ports: { ports: [{ number: 80, name: 'http', protocol: 'tcp' }] } },
  }));
  return { leader, slaves, frameworks: [{ name: 'marathon', pid: 'scheduler(1)@10.0.99.1:8080', tasks: list }] };
}

async function refreshOnce(r: Refresher): Promise<void> {
  r.request();
  await r.whenIdle();
}

async function readView(r: Refresher, view: 'axfr' | 'enumerate'): Promise<number> {
  let bytes = 0;
  for await (const chunk of r.view(view)) bytes += chunk.length;
  return bytes;
}

describe('Refresher', () => {
  it('survives a worker that runs out of heap: the refresh fails with its code, the next one starts a new worker', async () => {
    const { r, serving } = refresher(['127.0.0.1:1'], 16, new URL('./oom-worker.mjs', import.meta.url));
    for (let i = 1; i <= 2; i++) {
      await refreshOnce(r);
      expect(serving.lastOutcome?.error?.code).toBe('MESOS_DNS_REFRESH_OUT_OF_MEMORY');
      expect(serving.refreshFailures).toBe(i);
    }
    expect(serving.current).toBeNull();
  }, 60_000);

  it.runIf(existsSync('/proc/thread-self'))(
    'runs its worker thread below the main thread, so a build yields the cores to DNS queries',
    async () => {
      const main = getPriority(process.pid);
      const before = new Set(threadNices().keys());
      const { r, serving } = refresher(['127.0.0.1:1'], 64);
      await refreshOnce(r);
      // The refresh failed (nothing listens there); the worker stays for the next one.
      expect(serving.lastOutcome?.ok).toBe(false);
      const lowered = [...threadNices()].filter(
        ([tid, nice]) => !before.has(tid) && nice === Math.min(19, main + REFRESH_THREAD_NICENESS),
      );
      expect(lowered).toHaveLength(1);
      expect(getPriority(process.pid)).toBe(main);
    },
  );

  it('holds no more memory after 200 refreshes of a changing state than after the first 20', async () => {
    const m: StandInMaster = await startStandInMaster();
    open.push(m);
    const tasks = 1500;
    const { r, serving } = refresher([m.address], 64);
    let tableBytes = 0;
    const run = async (g: number): Promise<void> => {
      m.serve(changingState(m.upid, tasks, g));
      const before = serving.current?.serial;
      await refreshOnce(r);
      expect(serving.lastOutcome?.ok).toBe(true);
      expect(serving.current?.serial).not.toBe(before);
      tableBytes += serving.current!.table.base.buffer.byteLength;
      // The HTTP views render from the worker's records, and small ones are cached per generation.
      if (g % 10 === 0) expect(await readView(r, g % 20 === 0 ? 'axfr' : 'enumerate')).toBeGreaterThan(0);
    };
    for (let g = 0; g < 20; g++) await run(g);
    gc();
    const base = process.memoryUsage();
    tableBytes = 0;
    for (let g = 20; g < 120; g++) await run(g);
    gc();
    const mid = process.memoryUsage();
    for (let g = 120; g < 220; g++) await run(g);
    gc();
    const end = process.memoryUsage();

    // Had the tables (or anything of their size) been kept, memory would have grown by at least this much.
    expect(tableBytes).toBeGreaterThan(100 * MiB);
    expect((end.heapUsed - base.heapUsed) / MiB).toBeLessThan(8);
    // The worker's heap settles within its limit over the first hundred; after that nothing grows.
    expect((end.rss - base.rss) / MiB).toBeLessThan(48);
    expect((end.rss - mid.rss) / MiB).toBeLessThan(16);
  }, 180_000);
});

describe('Refresher hands replaced tables back to the worker', () => {
  it('detaches the buffer of a table no longer served, and the views still render', async () => {
    const m: StandInMaster = await startStandInMaster();
    open.push(m);
    const { r, serving } = refresher([m.address], 64);
    m.serve(changingState(m.upid, 100, 0));
    await refreshOnce(r);
    const first = serving.current!.table.base.buffer;
    m.serve(changingState(m.upid, 100, 1));
    await refreshOnce(r);
    expect(first.byteLength).toBe(0);
    expect(serving.current!.table.base.buffer.byteLength).toBeGreaterThan(0);
    expect(await readView(r, 'axfr')).toBeGreaterThan(0);
  });

  it('keeps them with DNS worker processes, whose IPC may still hold one unserialised', async () => {
    const m: StandInMaster = await startStandInMaster();
    open.push(m);
    const { r, serving } = refresher([m.address], 64, WORKER, 2);
    m.serve(changingState(m.upid, 100, 0));
    await refreshOnce(r);
    const first = serving.current!.table.base.buffer;
    const bytes = first.byteLength;
    m.serve(changingState(m.upid, 100, 1));
    await refreshOnce(r);
    expect(serving.current!.table.base.buffer).not.toBe(first);
    expect(first.byteLength).toBe(bytes);
  });
});

describe('Refresher serves the HTTP-only names after the table', () => {
  /** as late-names-worker.mjs names it: a label over 63 octets, which only HTTP answers */
  const longName = (n: number) => `${'x'.repeat(70)}-${n}.marathon.mesos.`;

  it('swaps a table in for DNS before its HTTP-only names exist, serving the last ones until they come', async () => {
    const { r, serving } = refresher(['127.0.0.1:5050'], 64, new URL('./late-names-worker.mjs', import.meta.url));
    const kept = (name: string) => httpHosts(serving.current!.httpNames, name)?.a ?? null;
    await refreshOnce(r);
    expect(serving.current?.serial).toBe(1);
    expect(serving.current?.table.lookup('web.marathon.mesos.')?.a).toEqual(['10.0.1.1']);
    expect(kept(longName(1))).toBeNull();
    await waitFor('the HTTP-only names of serial 1', () => kept(longName(1)));
    expect(kept(longName(1))).toEqual(['10.0.0.1']);

    await refreshOnce(r);
    expect(serving.current?.serial).toBe(2);
    expect(serving.current?.table.lookup('web.marathon.mesos.')?.a).toEqual(['10.0.1.2']);
    // Stale for a moment rather than none.
    expect(kept(longName(1))).toEqual(['10.0.0.1']);
    expect(kept(longName(2))).toBeNull();
    await waitFor('the HTTP-only names of serial 2', () => kept(longName(2)));
    expect(kept(longName(1))).toBeNull();
  });

  it('drops the HTTP-only names of a table no longer served', () => {
    const store = storeOf({ a: new Map([[longName(1), '10.0.0.1']]), aaaa: new Map(), srv: new Map() });
    const { table, plan } = RecordTable.buildWithPlan(store, tableMetaFor(defaultConfig(), 3));
    const served = servedOf({ kind: 'table', tableBuffer: table.buffer } as Parameters<typeof servedOf>[0], null);
    expect(served.httpNames.size).toBe(0);
    expect(withHttpNames(served, 2, httpOnlyNames(store, plan))).toBeNull();
    const named = withHttpNames(served, 3, httpOnlyNames(store, plan));
    expect(named?.table).toBe(served.table);
    expect(httpHosts(named!.httpNames, longName(1))?.a).toEqual(['10.0.0.1']);
  });
});

describe('Refresher orders results by build number', () => {
  it('never swaps in a result numbered below the table served, even when it arrives last', async () => {
    const { r, serving } = refresher(['127.0.0.1:5050'], 64, new URL('./reordering-worker.mjs', import.meta.url));
    r.request();
    await r.whenIdle();
    expect(serving.current?.serial).toBe(2);
    // The older one is not an outcome either: it confirmed nothing newer than what was served.
    expect(serving.refreshSuccesses).toBe(1);
  });
});
