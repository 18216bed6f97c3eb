import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { closeFetchAgents, fetchOptionsFromConfig } from '../../src/mesos/fetch/fetch.js';
import type { PipelineResult } from '../../src/refresh/results.js';
import { RefreshPipeline } from '../../src/refresh/pipeline.js';
import { StreamSource } from '../../src/refresh/stream-source.js';
import type { StreamReport } from '../../src/serving.js';
import { fixtureConfig } from '../helpers/fixtures.js';
import { memoryLogger } from '../helpers/memory-logger.js';
import { StreamMaster } from '../helpers/stream-master.js';
import { waitFor } from '../helpers/wait.js';
import { recordSetOf } from '../../src/records/store-text.js';

/** upstream-fake's marathon framework and one of its agents */
const MARATHON = '20140703-014514-3041283216-5050-5348-0000';
const AGENT = '20140916-194712-631065744-5050-4798-2';
/** a running marathon task named nginx, without DiscoveryInfo (its name is its task name) */
const NGINX = 'nginx.1bc32344-3dda-11e4-a088-c20493233aa5';

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});
afterAll(async () => {
  await closeFetchAgents();
});

async function source(m: StreamMaster) {
  const config = fixtureConfig('upstream-fake');
  const fetchOptions = fetchOptionsFromConfig(config);
  const pushed: PipelineResult[] = [];
  const reports: StreamReport[] = [];
  const pipeline = new RefreshPipeline(config, fetchOptions, memoryLogger().log);
  const src = new StreamSource({
    pipeline,
    fetchOptions,
    log: memoryLogger().log,
    push: (outcome) => {
      if (!outcome.ok) throw outcome.error;
      pushed.push(outcome.result);
    },
    report: (r) => reports.push(r),
  });
  open.push(src);
  src.setMasters([m.address]);
  await waitFor('the snapshot build', () => pushed.length, { until: (n) => n === 1 });
  return { src, pushed, reports, pipeline };
}

describe('StreamSource', () => {
  it('builds the snapshot, then one update for a burst of events, not one per event', async () => {
    const m = await StreamMaster.start();
    open.push(m);
    const { pushed, reports } = await source(m);
    expect(pushed[0]).toMatchObject({ kind: 'table', source: 'stream', master: m.address });
    const tasksBefore = pushed[0]!.kind === 'table' ? pushed[0]!.counts.tasks : 0;

    for (let i = 0; i < 5; i++) {
      const id = `burst-${i}.1`;
      m.change((c) => c.addTask(MARATHON, { id, name: `burst-${i}`, slave_id: AGENT, state: 'TASK_STAGING' }));
      m.change((c) => c.runTask(MARATHON, id, [`10.66.0.${i + 1}`]));
    }
    const last = await waitFor('the burst built', () => pushed.at(-1), {
      // An overlay over the snapshot's table: the events change tasks only.
      until: (r) => r?.kind === 'overlay' && r.counts.tasks === tasksBefore + 5,
    });
    // Ten events written at once: coalesced into one build, or two if the window closed mid-burst.
    expect(pushed.length - 1).toBeLessThanOrEqual(2);
    expect(last.value!.seq).toBeGreaterThan(pushed[0]!.seq);
    await waitFor('the counters reported', () => reports.at(-1), {
      until: (r) => r?.eventsByType.TASK_UPDATED === 5 && r.builds.changes === pushed.length - 1,
      timeoutMs: 5000,
    });
    expect(reports.at(-1)).toMatchObject({ state: 'subscribed', master: m.address, subscriptions: 1 });
  });

  it('checks a full poll against the stream: no build when nothing was missed; a repair that lasts when something was', async () => {
    const m = await StreamMaster.start();
    open.push(m);
    const { src, pushed, reports, pipeline } = await source(m);
    const aRecords = (name: string) => recordSetOf(pipeline.viewGeneration()!.store).a.get(name);

    expect(aRecords('nginx.marathon.mesos.')).toBeDefined();
    const agreed = await src.resync([m.address])!;
    expect(agreed).toMatchObject({ kind: 'unchanged', source: 'poll', reason: 'same records' });
    await waitFor('the check reported', () => reports.at(-1)?.resyncs, { until: (r) => r?.agreed === 1 });

    // A change no event reports: the task keeps its id under a new name.
    m.cluster.task(MARATHON, NGINX).name = 'renamed';
    const repaired = await src.resync([m.address])!;
    expect(repaired).toMatchObject({ kind: 'overlay', source: 'poll', overlayNames: expect.any(Number) });
    expect(aRecords('renamed.marathon.mesos.')).toBeDefined();
    expect(aRecords('nginx.marathon.mesos.')).toBeUndefined();
    await waitFor('the repair reported', () => reports.at(-1)?.resyncs, { until: (r) => r?.repaired === 1 });

    // The next batch of events builds over the repaired model: the new name stays.
    const before = pushed.length;
    m.change((c) => c.addTask(MARATHON, { id: 'later.1', name: 'later', slave_id: AGENT, state: 'TASK_STAGING' }));
    m.change((c) => c.runTask(MARATHON, 'later.1', ['10.66.1.1']));
    await waitFor('the events built', () => pushed.length, { until: (n) => n > before });
    await waitFor('the new task in the views', () => aRecords('later.marathon.mesos.'), {
      until: (v) => v !== undefined,
    });
    expect(aRecords('renamed.marathon.mesos.')).toBeDefined();
  });

  it('leaves a poll to be built as without a stream when no subscription is live', async () => {
    const m = await StreamMaster.start();
    open.push(m);
    const { src, reports } = await source(m);
    m.answerSubscribe(503);
    m.dropStreams();
    await waitFor('the stream down', () => reports.at(-1)?.state, { until: (s) => s !== 'subscribed' });
    expect(src.resync([m.address])).toBeNull();
  });
});
