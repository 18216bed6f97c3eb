import { describe, expect, it } from 'vitest';
import { validateState } from '../../src/state/state.js';
import { generate, type GenerateInput } from '../../src/records/generator.js';
import { taskHash } from '../../src/records/hash.js';
import { valuesOf } from '../../src/records/record-set.js';
import { taskRecords } from '../helpers/enumeration.js';
import { recordSetOf } from '../../src/records/store-text.js';

const S1 = '20140803-125133-3041283216-5050-2410-S1';

const input: GenerateInput = {
  domain: 'mesos',
  enforceRFC952: false,
  ipSources: ['netinfo', 'host'],
  soaMname: 'ns1.mesos.',
  listener: '127.0.0.1',
  masters: ['10.0.0.6:5050'],
  healthyOnly: false,
  resolved: new Map(),
  interfaceAddrs: [],
};

function task(id: string, name: string, ip: string): Record<string, unknown> {
  return {
    id,
    name,
    slave_id: S1,
    state: 'TASK_RUNNING',
    statuses: [
      {
        state: 'TASK_RUNNING',
        timestamp: 1,
        container_status: { network_infos: [{ ip_addresses: [{ ip_address: ip }] }] },
      },
    ],
  };
}

function run(tasks: Array<Record<string, unknown>>) {
  const { state } = validateState({
    leader: 'master@10.0.0.6:5050',
    slaves: [{ id: S1, pid: 'slave(1)@10.0.0.1:5051' }],
    frameworks: [{ name: 'marathon', pid: 'scheduler(1)@10.0.0.9:25501', tasks }],
  });
  return generate(state, input);
}

describe('generator value lists', () => {
  it('keeps every distinct value once, in insertion order, however many a name gets', () => {
    const ips = Array.from({ length: 60 }, (_, i) => `10.1.0.${i % 40}`);
    const g = run(ips.map((ip, i) => task(`web.${i}`, 'web', ip)));
    const want = Array.from({ length: 40 }, (_, i) => `10.1.0.${i}`);
    expect(valuesOf(recordSetOf(g.store).a.get('web.marathon.mesos.')!)).toEqual(want);
    expect(recordSetOf(g.store).a.get('web.marathon.slave.mesos.')).toBe('10.0.0.1');
    const tasks = g.enumeration.frameworks![0]!.tasks;
    // A task journals only the records it was first to add.
    const names = (t: (typeof tasks)[number]) => taskRecords(g.store, t.from, t.to)!.map((r) => r.name);
    expect(names(tasks[0]!)).toEqual([
      'web.marathon.mesos.',
      `web-${taskHash('web.0')}-s1.marathon.mesos.`,
      'web.marathon.slave.mesos.',
      `web-${taskHash('web.0')}-s1.marathon.slave.mesos.`,
    ]);
    expect(names(tasks[45]!)).toEqual([
      `web-${taskHash('web.45')}-s1.marathon.mesos.`,
      `web-${taskHash('web.45')}-s1.marathon.slave.mesos.`,
    ]);
  });

  it('sees values added to an application name through another path (a task canonical name spelled like it)', () => {
    // Task `a` (app `web`) has the canonical name `web-<hash>-s1`, which is also the application name of the `b` tasks.
    const app = `web-${taskHash('a')}-s1`;
    const g = run([
      task('b1', app, '10.1.0.1'),
      task('b2', app, '10.1.0.2'),
      task('b3', app, '10.1.0.3'),
      task('a', 'web', '10.1.0.9'),
      task('b4', app, '10.1.0.4'),
      task('b5', app, '10.1.0.1'),
    ]);
    expect(valuesOf(recordSetOf(g.store).a.get(`${app}.marathon.mesos.`)!)).toEqual([
      '10.1.0.1',
      '10.1.0.2',
      '10.1.0.3',
      '10.1.0.9',
      '10.1.0.4',
    ]);
  });
});
