import { describe, expect, it } from 'vitest';
import {
  validateFrameworksAndAgents,
  validateState,
  validationSteps,
  type StateWarning,
} from '../../src/state/state.js';
import { parseStateJson } from '../../src/state/state-json.js';
import { fixtureNames, fixtureState } from '../helpers/fixtures.js';
import { generate } from '../../src/records/generator.js';
import { valuesOf } from '../../src/records/record-set.js';
import { recordSetOf } from '../../src/records/store-text.js';

const S1 = '20140803-125133-3041283216-5050-2410-S1';

function baseState(): Record<string, unknown> {
  return {
    leader: 'master@10.0.0.6:5050',
    slaves: [{ id: S1, pid: 'slave(1)@10.0.0.1:5051' }],
    frameworks: [
      {
        name: 'marathon',
        pid: 'scheduler(1)@10.0.0.9:25501',
        tasks: [
          { id: 'web.1', name: 'web', slave_id: S1, state: 'TASK_RUNNING', resources: { ports: '[31000-31000]' } },
        ],
      },
    ],
  };
}

const input = {
  domain: 'mesos',
  enforceRFC952: false,
  ipSources: ['netinfo', 'mesos', 'host'] as const,
  soaMname: 'ns1.mesos.',
  listener: '127.0.0.1',
  masters: ['10.0.0.6:5050'],
  healthyOnly: false,
  resolved: new Map<string, string[]>(),
  interfaceAddrs: [],
};

describe('validateState', () => {
  it('rejects documents without a leader', () => {
    for (const doc of [{}, { leader: '' }, { leader: 5 }, [], 'x', null]) {
      expect(() => validateState(doc, '10.0.0.6:5050')).toThrowError(
        expect.objectContaining({ code: 'MESOS_DNS_STATE_INVALID' }),
      );
    }
  });

  it('matches keys case-insensitively like Go', () => {
    const s = baseState();
    const doc = { LEADER: s.leader, Slaves: s.slaves, FRAMEWORKS: s.frameworks };
    const { state, warnings } = validateState(doc);
    expect(warnings).toEqual([]);
    expect(state.leader).toBe('master@10.0.0.6:5050');
    expect(state.frameworks[0]!.tasks).toHaveLength(1);
  });

  it('skips a task with a type mismatch and keeps its siblings', () => {
    const s = baseState();
    const fw = (s.frameworks as Array<{ tasks: unknown[] }>)[0]!;
    fw.tasks.push({ id: 'bad.1', name: 'bad', slave_id: S1, state: 'TASK_RUNNING', resources: { ports: 31000 } });
    fw.tasks.push({ id: 'bad.2', name: 7 });
    fw.tasks.push('not a task');
    const { state, warnings } = validateState(s);
    expect(state.frameworks[0]!.tasks.map((t) => t.id)).toEqual(['web.1']);
    expect(warnings.map((w) => w.item)).toEqual(['task', 'task', 'task']);
    expect(warnings[0]!.id).toBe('bad.1');
  });

  it('skips an agent without a usable pid, and its tasks produce nothing', () => {
    const s = baseState();
    (s.slaves as unknown[]).push({ id: 'no-pid-S2' }, { id: 'bad-pid-S3', pid: 'garbage' }, { id: 'S4', pid: null });
    const { state, warnings } = validateState(s);
    expect(state.slaves.map((x) => x.id)).toEqual([S1]);
    expect(warnings.filter((w) => w.item === 'slave')).toHaveLength(3);
  });

  it('treats an unusable framework pid as absent (Go rejects the whole reload)', () => {
    const s = baseState();
    (s.frameworks as unknown[]).push({ name: 'nullpid', pid: null, hostname: '10.0.0.7', tasks: [] });
    (s.frameworks as unknown[]).push({ name: 'badpid', pid: 'noatsign', hostname: '10.0.0.8', tasks: [] });
    const { state, warnings } = validateState(s);
    expect(state.frameworks.map((f) => f.pid)).toEqual([
      { id: 'scheduler(1)', host: '10.0.0.9', port: '25501' },
      null,
      null,
    ]);
    expect(warnings).toHaveLength(2);
    const g = generate(state, input);
    expect(valuesOf(recordSetOf(g.store).a.get('nullpid.mesos.')!)).toEqual(['10.0.0.7']);
    expect(recordSetOf(g.store).srv.has('_framework._tcp.nullpid.mesos.')).toBe(false);
  });

  it('skips a framework that is not an object or has a non-array task list', () => {
    const s = baseState();
    (s.frameworks as unknown[]).push(42, { name: 'x', tasks: {} });
    const { state, warnings } = validateState(s);
    expect(state.frameworks).toHaveLength(1);
    expect(warnings.map((w) => w.item)).toEqual(['framework', 'framework']);
  });

  it('rejects a state whose frameworks or slaves are not arrays', () => {
    expect(() => validateState({ leader: 'm@1.2.3.4:5050', frameworks: {} })).toThrow(/frameworks/);
    expect(() => validateState({ leader: 'm@1.2.3.4:5050', slaves: 'x' })).toThrow(/slaves/);
  });

  it('reproduces worked example A of the spec', () => {
    const s = baseState();
    const task = (s.frameworks as Array<{ tasks: Array<Record<string, unknown>> }>)[0]!.tasks[0]!;
    task.resources = { ports: '[31000-31002]' };
    const netinfo = (ip: string) => ({ network_infos: [{ ip_addresses: [{ ip_address: ip }] }] });
    task.statuses = [
      { state: 'TASK_RUNNING', timestamp: 100, container_status: netinfo('10.1.0.1') },
      { state: 'TASK_RUNNING', timestamp: 200, container_status: netinfo('10.1.0.2') },
      { state: 'TASK_KILLING', timestamp: 300, container_status: netinfo('10.1.0.3') },
    ];
    const g = generate(validateState(s).state, input);
    expect(valuesOf(recordSetOf(g.store).a.get('web.marathon.mesos.')!)).toEqual(['10.1.0.2']);
    expect(valuesOf(recordSetOf(g.store).a.get('web-e844k-s1.marathon.mesos.')!)).toEqual(['10.1.0.2']);
    expect(valuesOf(recordSetOf(g.store).a.get('web-e844k-s1.marathon.slave.mesos.')!)).toEqual(['10.0.0.1']);
    for (const n of [
      '_web._tcp.marathon.slave.mesos.',
      '_web._udp.marathon.slave.mesos.',
      '_web._tcp.marathon.mesos.',
      '_web._udp.marathon.mesos.',
    ]) {
      expect(valuesOf(recordSetOf(g.store).srv.get(n)!)).toEqual(
        [31000, 31001, 31002].map((p) => `web-e844k-s1.marathon.slave.mesos.:${p}`),
      );
    }
  });

  it('leaves out unhealthy tasks only when healthyOnly is set', () => {
    const s = baseState();
    const task = (s.frameworks as Array<{ tasks: Array<Record<string, unknown>> }>)[0]!.tasks[0]!;
    task.statuses = [{ state: 'TASK_RUNNING', timestamp: 1, healthy: false }];
    const { state } = validateState(s);
    expect(recordSetOf(generate(state, input).store).a.has('web.marathon.mesos.')).toBe(true);
    expect(recordSetOf(generate(state, { ...input, healthyOnly: true }).store).a.has('web.marathon.mesos.')).toBe(
      false,
    );
  });
});

describe('validationSteps', () => {
  it.each(fixtureNames())('gives what validateState gives, pausing after every n tasks (%s)', (name) => {
    const doc = fixtureState(name);
    const whole = validateState(doc, 'm');
    const tasks =
      whole.state.frameworks.reduce((n, f) => n + f.tasks.length, 0) +
      whole.warnings.filter((w) => w.item === 'task').length;
    for (const perStep of [1, 7, 1000]) {
      const steps = validationSteps(doc, 'm', perStep);
      let pauses = 0;
      let step = steps.next();
      while (step.done !== true) {
        pauses++;
        step = steps.next();
      }
      expect(step.value).toEqual(whole);
      // Every task read counts, kept or skipped (a task of a framework skipped later is read too).
      if (perStep === 1) expect(pauses).toBeGreaterThanOrEqual(tasks - 1);
      if (perStep === 1000) expect(pauses).toBe(0);
    }
  });
});

describe('validateFrameworksAndAgents (tasks validated as they are read)', () => {
  it.each(fixtureNames())('reads the same tasks and reports the same warnings as validateState (%s)', (name) => {
    const doc = fixtureState(name);
    const whole = validateState(doc, 'm');
    const reported: StateWarning[] = [];
    const lazy = validateFrameworksAndAgents(doc, 'm', (w) => reported.push(w));
    expect(reported).toEqual([]);
    expect(lazy.state.leader).toBe(whole.state.leader);
    expect(lazy.state.slaves).toEqual(whole.state.slaves);
    const read = lazy.state.frameworks.map(({ tasks, ...f }) => ({ ...f, tasks: [...tasks] }));
    expect(read).toEqual(whole.state.frameworks);
    // The frameworks' and agents' warnings at once, the tasks' as they were read; the same set, in another order.
    const byItem = (ws: StateWarning[]) => [...ws].sort((a, b) => a.item.localeCompare(b.item) || a.index - b.index);
    expect(byItem([...lazy.warnings, ...reported])).toEqual(byItem(whole.warnings));
  });

  it('reports each bad task as it is read, and lets the tasks be read once only', () => {
    const s = baseState();
    const fw = (s.frameworks as Array<{ tasks: unknown[] }>)[0]!;
    fw.tasks.push({ id: 'bad.1', name: 7 }, 'not a task');
    const reported: StateWarning[] = [];
    const { state, warnings } = validateFrameworksAndAgents(s, 'm', (w) => reported.push(w));
    expect(warnings).toEqual([]);
    const tasks = state.frameworks[0]!.tasks;
    expect(tasks.length).toBe(3);
    expect(reported).toEqual([]);
    expect([...tasks].map((t) => t.id)).toEqual(['web.1']);
    expect(reported.map((w) => [w.item, w.index, w.id])).toEqual([
      ['task', 1, 'bad.1'],
      ['task', 2, undefined],
    ]);
    expect(tasks.length).toBe(3);
    expect(() => [...tasks]).toThrow(/read once/);
  });

  it('neither reads nor counts the tasks of a framework it skips, whichever way tasks are validated', () => {
    const s = baseState();
    const frameworks = s.frameworks as unknown[];
    frameworks.push(
      { name: 42, tasks: [{ id: 'bad.2', state: 7 }] },
      { name: 'fw3', hostname: 9, tasks: [{ id: 'bad.3', statuses: 'x' }] },
    );
    const eager = validateState(s, 'm');
    expect(eager.warnings.map((w) => [w.item, w.index])).toEqual([
      ['framework', 1],
      ['framework', 2],
    ]);
    const reported: StateWarning[] = [];
    const lazy = validateFrameworksAndAgents(s, 'm', (w) => reported.push(w));
    for (const f of lazy.state.frameworks) for (const _ of f.tasks);
    expect([...lazy.warnings, ...reported]).toEqual(eager.warnings);
  });

  it('reads tasks kept as bytes by the state parser', () => {
    const s = baseState();
    (s.frameworks as Array<{ tasks: unknown[] }>)[0]!.tasks.push({ id: 'bad.1', name: 'x', slave_id: 5 });
    const parsed = parseStateJson(Buffer.from(JSON.stringify(s)));
    const reported: StateWarning[] = [];
    const { state } = validateFrameworksAndAgents(parsed, 'm', (w) => reported.push(w));
    expect([...state.frameworks[0]!.tasks]).toEqual(validateState(s).state.frameworks[0]!.tasks);
    expect(reported.map((w) => w.id)).toEqual(['bad.1']);
  });
});
