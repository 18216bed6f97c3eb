import { describe, expect, it } from 'vitest';
import { validateState } from '../../src/state/state.js';
import { generate, type GenerateInput } from '../../src/records/generator.js';
import { recordCount, valuesOf } from '../../src/records/record-set.js';
import { recordSetOf } from '../../src/records/store-text.js';

const S1 = 'agent-S1';

const input: GenerateInput = {
  domain: 'mesos',
  enforceRFC952: false,
  ipSources: ['host'],
  soaMname: 'ns1.mesos.',
  listener: '127.0.0.1',
  masters: ['10.0.0.6:5050'],
  healthyOnly: false,
  resolved: new Map(),
  interfaceAddrs: [],
};

/** One framework with one task per `ports` value, ids `t0`, `t1`, …; the warnings the generator gave. */
function run(...ports: string[]) {
  const { state } = validateState({
    leader: 'master@10.0.0.6:5050',
    slaves: [{ id: S1, pid: 'slave(1)@10.0.0.1:5051' }],
    frameworks: [
      {
        name: 'marathon',
        pid: 'scheduler(1)@10.0.0.9:25501',
        tasks: ports.map((p, i) => ({
          id: `t${i}`,
          name: `app${i}`,
          slave_id: S1,
          state: 'TASK_RUNNING',
          resources: { ports: p },
        })),
      },
    ],
  });
  const warnings: string[] = [];
  const generated = generate(state, input, (msg) => warnings.push(msg));
  return { generated, warnings };
}

describe('generator: task ports', () => {
  it('gives a task at most 1,024 ports, warning once naming the task', () => {
    const bogus = '[1-65535, 1-65535, 1-65535, 1-65535, 1-65535]';
    const { generated, warnings } = run(bogus, '[31000-31001]');
    const srv = recordSetOf(generated.store).srv;
    const count = (name: string) => valuesOf(srv.get(name)!).length;
    expect(count('_app0._tcp.marathon.mesos.')).toBe(1024);
    expect(count('_app0._udp.marathon.slave.mesos.')).toBe(1024);
    expect(count('_app1._tcp.marathon.mesos.')).toBe(2);
    // 1,024 ports × (TCP + UDP) × (framework domain + agent domain), plus the other task and the leader.
    expect(recordCount(srv)).toBeLessThan(4 * 1024 + 100);
    const about = warnings.filter((w) => w.includes('"t0"'));
    expect(about).toEqual([
      'task "t0": resources.ports holds 327675 ports, more than 1024; only the first 1024 get SRV records',
    ]);
    expect(warnings.filter((w) => w.includes('"t1"'))).toEqual([]);
  });

  it('reports bad port ranges through warn, once per task', () => {
    const { generated, warnings } = run('[a-b, 31002-31002, x-y, 0-4294967295]');
    const values = valuesOf(recordSetOf(generated.store).srv.get('_app0._tcp.marathon.mesos.')!);
    expect(values).toHaveLength(1);
    expect(values[0]).toMatch(/:31002$/);
    expect(warnings).toEqual(['task "t0": skipped 3 bad port range(s) in resources.ports, the first "a-b"']);
  });

  it('quotes at most 64 characters of a bad range', () => {
    const { warnings } = run(`[${'z'.repeat(1000)}]`);
    expect(warnings).toEqual([
      `task "t0": skipped 1 bad port range(s) in resources.ports, the first "${'z'.repeat(64)}…"`,
    ]);
  });
});
