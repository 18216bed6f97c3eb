import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { closeFetchAgents, fetchOptionsFromConfig } from '../../src/mesos/fetch/fetch.js';
import type { PipelineResult } from '../../src/refresh/pipeline.js';
import { RefreshPipeline } from '../../src/refresh/pipeline.js';
import { StreamSource } from '../../src/refresh/stream-source.js';
import type { StreamReport } from '../../src/serving.js';
import { fixtureConfig } from '../helpers/fixtures.js';
import { memoryLogger } from '../helpers/memory-logger.js';
import { StreamMaster } from '../helpers/stream-master.js';
import { waitFor } from '../helpers/wait.js';

/** upstream-fake's marathon framework and one of its agents */
const MARATHON = '20140703-014514-3041283216-5050-5348-0000';
const AGENT = '20140916-194712-631065744-5050-4798-2';

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
  const src = new StreamSource({
    pipeline: new RefreshPipeline(config, fetchOptions, memoryLogger().log),
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
  return { src, pushed, reports };
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
});
