import { describe, expect, it } from 'vitest';
import { hasCode } from '../../src/errors.js';
import { fetchOptionsFromConfig } from '../../src/mesos/fetch/fetch.js';
import type { Change } from '../../src/mesos/stream/model.js';
import { servedOf } from '../../src/refresh/live-table.js';
import { scannedView } from '../helpers/cluster-view.js';
import { RefreshPipeline } from '../../src/refresh/pipeline.js';
import type { PipelineResult } from '../../src/refresh/results.js';
import { validateState, type MesosState, type Task } from '../../src/state/state.js';
import { TEST_META, fixtureConfig, fixtureRecords, fixtureState, tableOf } from '../helpers/fixtures.js';
import { LiveTable, type TableView } from '../../src/table/live.js';
import { memoryLogger } from '../helpers/memory-logger.js';
import { answer } from '../../src/dns/answer/answer.js';
import type { AnswerContext } from '../../src/dns/answer/verdict.js';
import { DnsStats } from '../../src/dns/stats/counters.js';
import { QTYPE } from '../../src/wire/constants.js';
import { buildQuery, decodeMessage } from '../helpers/dns-msg.js';

const CTX: AnswerContext = {
  transport: 'tcp',
  domain: 'mesos',
  recursionAvailable: false,
  externalOn: false,
  setTruncateBit: true,
  ednsMaxUdpSize: 4096,
  stats: new DnsStats(),
};

const FIXTURE = 'nasty-300';

function withNewTask(state: MesosState, id: string, name: string): { state: MesosState; change: Change } {
  const fw = state.frameworks.find((f) => f.name === 'marathon')!;
  const model = fw.tasks.find((t) => t.state === 'TASK_RUNNING' && t.discovery === null)!;
  const task: Task = { ...model, id, name };
  return {
    state: { ...state, frameworks: state.frameworks.map((f) => (f === fw ? { ...f, tasks: [...f.tasks, task] } : f)) },
    change: { type: 'TASK_ADDED', tasks: [{ frameworkId: 'marathon', taskId: id }], agents: [], frameworks: [] },
  };
}

function served(r: PipelineResult): Extract<PipelineResult, { kind: 'table' | 'overlay' }> {
  if (r.kind === 'unchanged') throw new Error('expected a table or an overlay');
  return r;
}

describe('RefreshPipeline.applyChanges', () => {
  const config = fixtureConfig(FIXTURE);
  const pipeline = new RefreshPipeline(config, fetchOptionsFromConfig(config), memoryLogger().log);
  const state0 = validateState(fixtureState(FIXTURE)).state;

  it('builds a whole table first, then overlays over it that DNS and the views follow', async () => {
    const first = served(await pipeline.applyChanges(() => scannedView(state0), []));
    expect(first.kind).toBe('table');
    const served1 = servedOf(first, null);
    const live1 = served1.table;
    // Events that change no task, agent or framework (heartbeats) change nothing.
    expect(
      (
        await pipeline.applyChanges(
          () => scannedView(state0),
          [{ type: 'HEARTBEAT', tasks: [], agents: [], frameworks: [] }],
        )
      ).kind,
    ).toBe('unchanged');
    expect(live1.lookup('fresh-app.marathon.mesos.')).toBeNull();

    const { state, change } = withNewTask(state0, 'fresh-1', 'fresh-app');
    const second = served(await pipeline.applyChanges(() => scannedView(state), [change]));
    expect(second.seq).toBeGreaterThan(first.seq);
    expect(second.kind).toBe('overlay');
    expect(second.serial).toBeGreaterThan(first.serial);
    expect(second.counts.tasks).toBe(first.counts.tasks + 1);
    const live2 = servedOf(second, served1).table;
    // The base is the one already served: only the overlay crossed.
    expect(live2.base).toBe(live1.base);
    expect(live2.top.meta.serial).toBe(second.serial);
    expect(live2.lookup('fresh-app.marathon.mesos.')?.a.length).toBeGreaterThan(0);

    // The HTTP views are generated from the live state when asked for.
    expect(second.generation).toBeGreaterThan(first.generation);
    const g = pipeline.viewGeneration()!;
    expect(g.number).toBe(second.generation);
    expect(g.store.names.find('fresh-app.marathon.mesos.')).toBeGreaterThanOrEqual(0);

    // An overlay is never put over a base it was not built for.
    const elsewhere = { ...served1, table: new LiveTable(tableOf(fixtureRecords(), { ...TEST_META, serial: 7 })) };
    let thrown: unknown;
    try {
      servedOf(second, elsewhere);
    } catch (err) {
      thrown = err;
    }
    expect(hasCode(thrown, 'MESOS_DNS_TABLE_INVALID')).toBe(true);
  });

  it('puts overlays over a served table whose records a stream snapshot found unchanged', async () => {
    const p = new RefreshPipeline(config, fetchOptionsFromConfig(config), memoryLogger().log);
    const first = served(await p.applyChanges(() => scannedView(state0), []));
    // A new subscription's snapshot of the same cluster (as after the first poll): no new table.
    const snapshot = await p.fromSnapshot(() => state0, '127.0.0.1:5050');
    expect(snapshot).toMatchObject({ kind: 'unchanged', reason: 'same records', serial: first.serial });
    const { state, change } = withNewTask(state0, 'fresh-3', 'fresh-after-snapshot');
    const next = served(await p.applyChanges(() => scannedView(state), [change]));
    expect(next).toMatchObject({ kind: 'overlay', baseSerial: first.serial });
    expect(next.counts.tasks).toBe(first.counts.tasks + 1);
    const live = servedOf(next, servedOf(first, null)).table;
    expect(live.lookup('fresh-after-snapshot.marathon.mesos.')?.a.length).toBeGreaterThan(0);
  });

  it('builds whole tables with ptrOn, so PTR answers follow the changes', async () => {
    const ptrConfig = { ...config, ptrOn: true };
    const p = new RefreshPipeline(ptrConfig, fetchOptionsFromConfig(ptrConfig), memoryLogger().log);
    const before = servedOf(served(await p.applyChanges(() => scannedView(state0), [])), null).table;
    const added = withNewTask(state0, 'fresh-2', 'fresh-ptr-app');
    // An address of its own (netinfo comes first in this fixture's IPSources), so its PTR names it.
    const ip = '10.99.0.7';
    const fw = added.state.frameworks.find((f) => f.name === 'marathon')!;
    const task = fw.tasks.at(-1)!;
    const statuses = [{ ...task.statuses.at(-1)!, networkInfos: [{ ipAddresses: [ip], ipAddress: ip }] }];
    fw.tasks[fw.tasks.length - 1] = { ...task, statuses };
    const second = served(await p.applyChanges(() => scannedView(added.state), [added.change]));
    expect(second.kind).toBe('table');
    const after = servedOf(second, null).table;
    expect(after.lookup('fresh-ptr-app.marathon.mesos.')?.a).toEqual([ip]);
    expect(ptrTargets(before, ip)).toEqual([]);
    expect(ptrTargets(after, ip)).toEqual([
      expect.stringMatching(/^fresh-ptr-app-[a-z0-9]+-[a-z0-9]+\.marathon\.mesos\.$/),
    ]);
  });
});

function ptrTargets(table: TableView, ipv4: string): string[] {
  const reverse = `${ipv4.split('.').reverse().join('.')}.in-addr.arpa.`;
  const v = answer(buildQuery(reverse, { qtype: QTYPE.PTR }), table, CTX);
  return v.kind === 'reply' ? decodeMessage(v.reply).answers.map((rr) => String(rr.data).toLowerCase()) : [];
}
