import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { closeFetchAgents, fetchOptionsFromConfig } from '../../src/mesos/fetch/fetch.js';
import { RefreshPipeline } from '../../src/refresh/pipeline.js';
import { fixtureConfig, fixtureState, stateWithLeader } from '../helpers/fixtures.js';
import { memoryLogger } from '../helpers/memory-logger.js';
import { startStandInMaster, type StandInMaster } from '../helpers/stand-in-master.js';

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

describe('RefreshPipeline', () => {
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
