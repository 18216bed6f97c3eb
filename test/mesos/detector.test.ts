import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { createDetector } from '../../src/mesos/detector.js';
import { sleep, waitFor } from '../helpers/wait.js';

const log = pino({ level: 'silent' });

function run(masters: string[] | null, zkDetectionTimeout: number) {
  const lists: string[][] = [];
  const timeouts: number[] = [];
  const d = createDetector(
    { zk: '', masters, zkDetectionTimeout },
    { onMasters: (l) => lists.push(l), onTimeout: (s) => timeouts.push(s) },
    log,
  );
  d.start();
  return { d, lists, timeouts };
}

describe('createDetector, static mode', () => {
  it('reports the configured masters once, in config order, and no timeout', async () => {
    const { d, lists, timeouts } = run(['10.0.0.2:5050', '10.0.0.1:5050'], 1);
    expect(lists).toEqual([['10.0.0.2:5050', '10.0.0.1:5050']]);
    await sleep(1500);
    expect(timeouts).toEqual([]);
    expect(lists).toHaveLength(1);
    await d.stop();
  });

  it('times out without any master', async () => {
    const { d, lists, timeouts } = run(null, 1);
    expect(lists).toEqual([[]]);
    await waitFor('the detection timeout', () => timeouts.length > 0, { timeoutMs: 20_000 });
    expect(timeouts).toEqual([1]);
    await d.stop();
  });

  it('never times out when zkDetectionTimeout is 0', async () => {
    const { d, timeouts } = run(null, 0);
    await sleep(1200);
    expect(timeouts).toEqual([]);
    await d.stop();
  });

  it('survives a throwing listener', () => {
    const d = createDetector(
      { zk: '', masters: ['10.0.0.1:5050'], zkDetectionTimeout: 0 },
      {
        onMasters: () => {
          throw new Error('listener bug');
        },
      },
      log,
    );
    expect(() => d.start()).not.toThrow();
  });
});

describe('createDetector, ZooKeeper mode', () => {
  it('rejects an unusable zk value with a ConfigError', () => {
    expect(() =>
      createDetector(
        { zk: 'http://1.2.3.4/mesos', masters: null, zkDetectionTimeout: 0 },
        { onMasters: () => undefined },
        log,
      ),
    ).toThrow(ConfigError);
  });

  it('stopped before its ZooKeeper client has loaded, reports nothing and never connects', async () => {
    const lists: string[][] = [];
    const states: boolean[] = [];
    const d = createDetector(
      // A loopback port nothing listens on: a connection attempt would report `false`, then keep trying.
      { zk: 'zk://127.0.0.1:1/mesos', masters: ['10.0.0.1:5050'], zkDetectionTimeout: 0 },
      { onMasters: (l) => lists.push(l), onZkState: (up) => states.push(up) },
      log,
    );
    d.start();
    await d.stop();
    await sleep(300);
    expect(lists).toEqual([]);
    expect(states).toEqual([]);
  });
});
