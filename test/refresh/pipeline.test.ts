import { readdirSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { syntheticState } from '../../bench/synthetic-state.js';
import { hasCode } from '../../src/errors.js';
import { closeFetchAgents, fetchOptionsFromConfig } from '../../src/mesos/fetch/fetch.js';
import type { Change } from '../../src/mesos/stream/model.js';
import { recordTexts } from '../../src/records/store-text.js';
import { RefreshPipeline } from '../../src/refresh/pipeline.js';
import { TaskPreparer } from '../../src/refresh/task-preparer.js';
import type { PipelineResult } from '../../src/refresh/results.js';
import { scannedView } from '../helpers/cluster-view.js';
import { validateState } from '../../src/state/state.js';
import { RecordTable } from '../../src/table/table.js';
import { httpHosts, openHttpNames } from '../../src/table/http-names.js';
import { fixtureConfig, fixtureState, stateWithLeader } from '../helpers/fixtures.js';
import { memoryLogger } from '../helpers/memory-logger.js';
import { startStandInMaster, type StandInMaster } from '../helpers/stand-in-master.js';

const PREPARER = new URL('../../dist/src/refresh/task-preparer-entry.js', import.meta.url);
const open: StandInMaster[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((m) => m.close()));
});
afterAll(async () => {
  await closeFetchAgents();
});

async function master(): Promise<StandInMaster> {
  const m = await startStandInMaster();
  m.serve(stateWithLeader(fixtureState('upstream-fake'), m.upid));
  open.push(m);
  return m;
}

/** A state whose every host is an IP address: a host name would have to be looked up again each refresh. */
function ipOnlyState(leader: string, extra: Record<string, unknown> = {}, agents = 2): Record<string, unknown> {
  const slaves = Array.from({ length: agents }, (_, i) => ({
    id: `agent-S${i}`,
    pid: `slave(1)@10.0.0.${i + 1}:5051`,
  }));
  const tasks = Array.from({ length: 4 }, (_, i) => ({
    id: `web.${i}`,
    name: 'web',
    slave_id: `agent-S${i % agents}`,
    state: 'TASK_RUNNING',
    resources: { ports: '[31000-31001]' },
  }));
  return { leader, slaves, frameworks: [{ name: 'marathon', pid: 'scheduler(1)@10.0.0.9:8080', tasks }], ...extra };
}

function pipeline(refreshHeapMiB?: number): RefreshPipeline {
  const config = fixtureConfig('upstream-fake');
  if (refreshHeapMiB !== undefined) config.refreshHeapMiB = refreshHeapMiB;
  return new RefreshPipeline(config, fetchOptionsFromConfig(config), memoryLogger().log);
}

describe('RefreshPipeline skips work that changes nothing', () => {
  it('ends at the fetch when the body is byte for byte the last one', async () => {
    const m = await master();
    m.serve(ipOnlyState(m.upid));
    const p = pipeline();
    const first = await p.run([m.address]);
    expect(first.kind).toBe('table');

    const again = await p.run([m.address]);
    expect(again).toMatchObject({ kind: 'unchanged', reason: 'same state', serial: first.serial });
    expect(again.timings.generateMs).toBe(0);
    expect(again.timings.buildMs).toBe(0);
    // The records the HTTP views render stay those of the last generation.
    expect(again.generation).toBe(first.generation);
  });

  it('builds no table when other bytes make the same records, and a new one when a record changes', async () => {
    const m = await master();
    m.serve(ipOnlyState(m.upid));
    const p = pipeline();
    const first = await p.run([m.address]);

    // A field the generator never reads: new bytes, same records.
    m.serve(ipOnlyState(m.upid, { build_time: 12345 }));
    const same = await p.run([m.address]);
    expect(same).toMatchObject({ kind: 'unchanged', reason: 'same records', serial: first.serial });
    expect(same.timings.generateMs).toBeGreaterThan(0);
    expect(same.timings.buildMs).toBe(0);

    m.serve(ipOnlyState(m.upid, {}, 3));
    const changed = await p.run([m.address]);
    expect(changed.kind).toBe('table');
    expect(changed.serial).toBeGreaterThan(first.serial);
  });

  it('parses the same bytes again after a reconfigure, and for another masters list', async () => {
    const m = await master();
    m.serve(ipOnlyState(m.upid));
    const p = pipeline();
    await p.run([m.address]);
    const config = fixtureConfig('upstream-fake');
    config.ttl = 7;
    p.reconfigure(config, fetchOptionsFromConfig(config));
    const afterReload = await p.run([m.address]);
    expect(afterReload.kind).toBe('table');
    // Parsed again (generateMs > 0), though the records come out the same.
    expect(await p.run(['', m.address])).toMatchObject({ kind: 'unchanged', reason: 'same records' });
  });
});

describe('RefreshPipeline memory budget', () => {
  it('parses the same bytes again when the state names hosts, whose addresses may have moved', async () => {
    const m = await master();
    const p = pipeline();
    await p.run([m.address]);
    expect(await p.run([m.address])).toMatchObject({ kind: 'unchanged', reason: 'same records' });
  });

  it('fails a refresh whose records would pass refreshHeapMiB, before allocating them', async () => {
    const m = await master();
    const tasks = Array.from({ length: 40 }, (_, i) => ({
      id: `heavy-${i}.1`,
      name: `heavy-${i}`,
      slave_id: 'agent-S0',
      state: 'TASK_RUNNING',
      resources: { ports: '[1-1024]' },
    }));
    m.serve({
      leader: m.upid,
      slaves: [{ id: 'agent-S0', pid: 'slave(1)@10.0.0.1:5051' }],
      frameworks: [{ name: 'marathon', pid: 'scheduler(1)@10.0.0.2:8080', tasks }],
    });
    const err = await pipeline(4)
      .run([m.address])
      .catch((e: unknown) => e);
    expect(hasCode(err, 'MESOS_DNS_REFRESH_OUT_OF_MEMORY')).toBe(true);
    // The same state fits a larger budget.
    expect((await pipeline(256).run([m.address])).kind).toBe('table');
  });
});

describe('RefreshPipeline', () => {
  it.each([
    ['alone', () => pipeline()],
    [
      'with the task preparer',
      () => {
        const config = fixtureConfig('upstream-fake');
        const log = memoryLogger().log;
        const preparer = new TaskPreparer(log, config.refreshHeapMiB, PREPARER, 0);
        return new RefreshPipeline(config, fetchOptionsFromConfig(config), log, null, preparer);
      },
    ],
  ])("lets a poll's state body go once generation has read it, before the table build (%s)", async (_, make) => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const m = await master();
    const doc = stateWithLeader(syntheticState(300), m.upid);
    const length = Buffer.byteLength(JSON.stringify(doc));
    m.serve(doc);
    // The body is read into one shared buffer of its Content-Length (fetch/body.ts). Patched by hand: a spy would
    // keep every buffer it made.
    let body: WeakRef<SharedArrayBuffer> | null = null;
    const Shared = globalThis.SharedArrayBuffer;
    globalThis.SharedArrayBuffer = class extends Shared {
      constructor(size?: number) {
        super(size);
        if (size === length) body = new WeakRef(this);
      }
    };
    const build = RecordTable.buildWithPlan.bind(RecordTable);
    let heldAtBuild: boolean | null = null;
    // The task preparer's thread shares the body's memory: it must have ended too (Linux lists a process's threads).
    const threads = () => readdirSync('/proc/self/task').length;
    const threadsBefore = threads();
    let threadsAtBuild = 0;
    const spy = vi.spyOn(RecordTable, 'buildWithPlan').mockImplementation((...args) => {
      gc();
      heldAtBuild = body?.deref() !== undefined;
      threadsAtBuild = threads();
      return build(...args);
    });
    try {
      expect((await make().run([m.address])).kind).toBe('table');
    } finally {
      globalThis.SharedArrayBuffer = Shared;
      spy.mockRestore();
    }
    expect(body).not.toBeNull();
    expect(heldAtBuild).toBe(false);
    expect(threadsAtBuild).toBe(threadsBefore);
  });

  it("makes the same records with the first load's task preparer as without, and uses it for that build only", async () => {
    const m = await master();
    m.serve(stateWithLeader(syntheticState(3000), m.upid));
    const config = fixtureConfig('upstream-fake');
    const logs = memoryLogger();
    const prepared = new RefreshPipeline(
      config,
      fetchOptionsFromConfig(config),
      logs.log,
      null,
      new TaskPreparer(logs.log, config.refreshHeapMiB, PREPARER, 0),
    );
    const result = await prepared.run([m.address]);
    const alone = pipeline();
    const expected = await alone.run([m.address]);
    expect(result).toMatchObject({ kind: 'table', counts: (expected as { counts: unknown }).counts });
    expect([...recordTexts(prepared.generation!.store)]).toEqual([...recordTexts(alone.generation!.store)]);
    expect(prepared.generation!.enumeration).toEqual(alone.generation!.enumeration);
    // The preparer served this first build, and only it.
    expect(logs.lines.filter((l) => l.msg === 'task preparer closed')).toHaveLength(1);
    m.serve(stateWithLeader(syntheticState(3001), m.upid));
    expect((await prepared.run([m.address])).kind).toBe('table');
    expect(logs.lines.filter((l) => l.msg === 'task preparer closed')).toHaveLength(1);
  });

  it("makes a table's HTTP-only names only when asked, once, after its result", async () => {
    const m = await startStandInMaster();
    open.push(m);
    const state = ipOnlyState(m.upid);
    const [fw] = state.frameworks as Array<{ tasks: Array<Record<string, unknown>> }>;
    // A DiscoveryInfo name with a space cannot go on the wire: only HTTP answers it.
    fw!.tasks[0]!.discovery = { visibility: 'FRAMEWORK', name: 'odd name' };
    m.serve(state);
    const p = pipeline();
    const result = await p.run([m.address]);
    expect(result.kind).toBe('table');
    expect(result).not.toHaveProperty('httpNames');
    // Those of another table (an older one whose result is posted after this build) are not these.
    expect(p.takeHttpNames(result.serial - 1)).toBeNull();
    const names = p.takeHttpNames(result.serial);
    expect(names?.serial).toBe(result.serial);
    expect(httpHosts(openHttpNames(names!.httpNames), 'odd name.marathon.mesos.')?.a).toEqual(['10.0.0.1']);
    expect(p.takeHttpNames(result.serial)).toBeNull();
    // Records as before make no table, and so no names.
    expect((await p.run([m.address])).kind).toBe('unchanged');
    expect(p.takeHttpNames(result.serial)).toBeNull();
  });

  it('counts and logs once every bad item of a poll, those of its tasks found as generation reads them', async () => {
    const m = await master();
    const state = ipOnlyState(m.upid);
    const [fw] = state.frameworks as Array<{ tasks: unknown[] }>;
    fw!.tasks.push({ id: 'bad.1', name: 7, slave_id: 'agent-S0', state: 'TASK_RUNNING' }, 'not a task');
    (state.slaves as unknown[]).push({ id: 'no-pid' });
    m.serve(state);
    const config = fixtureConfig('upstream-fake');
    const logs = memoryLogger();
    const result = await new RefreshPipeline(config, fetchOptionsFromConfig(config), logs.log).run([m.address]);
    expect(result).toMatchObject({ kind: 'table', skippedItems: 3, counts: { tasks: 4 } });
    const skipped = logs.lines.filter((l) => l.msg === 'skipped a bad state item');
    expect(skipped.map((l) => [l.item, l.index, l.id])).toEqual([
      ['slave', 2, 'no-pid'],
      ['task', 4, 'bad.1'],
      ['task', 5, undefined],
    ]);
  });

  it('a pipeline replacing a dead worker serves a serial above the one being served, never below', async () => {
    const m = await master();
    const config = fixtureConfig('upstream-fake');
    const served = Math.floor(Date.now() / 1000) + 1000;

    const fresh = new RefreshPipeline(config, fetchOptionsFromConfig(config), memoryLogger().log);
    const replacement = new RefreshPipeline(config, fetchOptionsFromConfig(config), memoryLogger().log, served);

    expect((await fresh.run([m.address])).serial).toBeLessThan(served);
    const first = await replacement.run([m.address]);
    expect(first.serial).toBe(served + 1);
    // Unchanged records keep their serial from then on.
    expect((await replacement.run([m.address])).serial).toBe(served + 1);
  });
});

describe('RefreshPipeline with the event stream', () => {
  const stateOf = (doc: Record<string, unknown>) => validateState(doc, 'test').state;
  const AGENT_ADDED: Change = { type: 'AGENT_ADDED', tasks: [], agents: ['agent-S2'], frameworks: [] };
  const HEARTBEAT: Change = { type: 'HEARTBEAT', tasks: [], agents: [], frameworks: [] };

  it("gives a table's HTTP-only names only to its own post, even when a newer table was built before that post", async () => {
    const m = await master();
    m.serve(ipOnlyState(m.upid));
    const p = pipeline();
    const posted: string[] = [];
    // As the refresh worker posts a result: the result, then the HTTP-only names of that very table.
    const post = (r: PipelineResult) => {
      posted.push(`${r.kind} ${r.serial}`);
      const names = r.kind === 'table' ? p.takeHttpNames(r.serial) : null;
      if (names !== null) posted.push(`names ${names.serial}`);
    };
    let batch: Promise<void> | undefined;
    // The stream's resync declines to reconcile, so the poll builds a table; a batch of events arrives meanwhile,
    // and its build (a whole table, the first after a poll) ends before the poll's result is posted.
    await p
      .resync([m.address], () => {
        batch = p.applyChanges(() => scannedView(stateOf(ipOnlyState(m.upid, {}, 3))), [AGENT_ADDED]).then(post);
        return null;
      })
      .finally(() => {})
      .then(post);
    await batch;
    const [first, second] = posted.filter((x) => x.startsWith('table')).map((x) => x.split(' ')[1]);
    expect(Number(second)).toBeGreaterThan(Number(first));
    // The older table goes without names of its own (the newer replaces it); the newer gets its own.
    expect(posted.filter((x) => x.startsWith('names'))).toEqual([`names ${second}`]);
    expect(posted.indexOf(`names ${second}`)).toBeGreaterThan(posted.indexOf(`table ${second}`));
  });

  it('runs builds one at a time in the order asked, numbered so: a stream build reads its model after the poll before it', async () => {
    const m = await master();
    m.serve(ipOnlyState(m.upid));
    const p = pipeline();
    const order: string[] = [];
    const poll = p.run([m.address]).then((r) => {
      order.push('poll built');
      return r;
    });
    const stream = p.applyChanges(() => {
      order.push('stream model read');
      return scannedView(stateOf(ipOnlyState(m.upid, {}, 3)));
    }, [AGENT_ADDED]);
    const [polled, streamed] = await Promise.all([poll, stream]);
    expect(order).toEqual(['poll built', 'stream model read']);
    expect(streamed.seq).toBe(polled.seq + 1);
    expect(streamed).toMatchObject({ kind: 'table', source: 'stream' });
    expect(streamed.serial).toBeGreaterThan(polled.serial);
  });

  it('builds the polled bytes again after a stream build: the table served no longer comes from them', async () => {
    const m = await master();
    m.serve(ipOnlyState(m.upid));
    const p = pipeline();
    const first = await p.run([m.address]);
    const streamed = await p.fromSnapshot(() => stateOf(ipOnlyState(m.upid, {}, 3)), m.address);
    expect(streamed).toMatchObject({ kind: 'table', source: 'stream', master: m.address });
    // The same bytes as the first poll: not "same state", since a stream table is served now.
    const resync = await p.run([m.address]);
    expect(resync).toMatchObject({ kind: 'table', source: 'poll' });
    expect(resync.serial).toBeGreaterThan(first.serial);
  });

  it('builds nothing for a batch that changed nothing (heartbeats), even over a polled table', async () => {
    const m = await master();
    m.serve(ipOnlyState(m.upid));
    const p = pipeline();
    const polled = await p.run([m.address]);
    const beat = await p.applyChanges(() => scannedView(stateOf(ipOnlyState(m.upid))), [HEARTBEAT, HEARTBEAT]);
    expect(beat).toMatchObject({ kind: 'unchanged', source: 'stream', serial: polled.serial });
  });

  it('a failed build does not stop the ones after it', async () => {
    const m = await master();
    m.serve(ipOnlyState(m.upid));
    const p = pipeline();
    const failed = p.applyChanges(() => {
      throw new Error('model broken');
    }, []);
    await expect(failed).rejects.toThrow('model broken');
    expect((await p.run([m.address])).kind).toBe('table');
  });

  it('is idle only when no build is running or waiting, failed ones included', async () => {
    const m = await master();
    m.serve(ipOnlyState(m.upid));
    const p = pipeline();
    expect(p.idle).toBe(true);
    const poll = p.run([m.address]);
    const failed = p.applyChanges(() => {
      throw new Error('model broken');
    }, []);
    expect(p.idle).toBe(false);
    await poll;
    expect(p.idle).toBe(false);
    await expect(failed).rejects.toThrow('model broken');
    expect(p.idle).toBe(true);
  });
});
