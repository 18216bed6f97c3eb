import { sleep } from '../helpers/wait.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dig } from '../helpers/dig.js';
import { startMesosDns, testConfig, type MesosDnsProcess } from '../helpers/mesos-dns-process.js';
import { startStandInMaster, type StandInMaster } from '../helpers/stand-in-master.js';
import { fixtureState, stateWithLeader } from '../helpers/fixtures.js';

describe('several DNS worker processes (config "workers": 2)', () => {
  let master: StandInMaster;
  let s: MesosDnsProcess;

  beforeAll(async () => {
    master = await startStandInMaster();
    master.serve(stateWithLeader(fixtureState('upstream-fake'), master.upid));
    s = await startMesosDns(testConfig({ masters: [master.address], workers: 2 }));
    await s.waitForRefresh();
  });

  afterAll(async () => {
    await s?.stop();
    await master?.close();
  });

  it('answers from the table the primary published, and /metrics sums every worker', async () => {
    // The workers bind only once they hold the first table: the first query is answered from it.
    expect((await dig(s.udpPort, ['leader.mesos.', 'A'])).answer).toHaveLength(1);
    const scrape = async () => (await fetch(`http://127.0.0.1:${s.httpPort}/metrics`)).text();
    const count = (text: string) => Number(/^mesos_dns_queries_total\{result="answered"\} (\d+)/m.exec(text)?.[1] ?? 0);
    // Let the workers' once-a-second reports of the queries above reach the primary before the baseline.
    await sleep(1500);
    const before = count(await scrape());
    for (let i = 0; i < 20; i++) await dig(s.udpPort, ['leader.mesos.', 'A']);
    for (let i = 0; i < 10; i++) await dig(s.tcpPort, ['+tcp', 'leader.mesos.', 'A']);
    // Workers report their counters every second.
    let after = before;
    for (let i = 0; i < 20 && after - before < 30; i++) {
      await sleep(250);
      after = count(await scrape());
    }
    expect(after - before).toBe(30);
  });
});
