import { describe, expect, it } from 'vitest';
import { StreamFailure } from '../../../src/errors.js';
import { parseRecord, readEvent, type DecodedEvent, type StreamEvent } from '../../../src/mesos/stream/v1.js';
import { parsePortRanges } from '../../../src/state/ports.js';
import { fixtureNames, fixtureState } from '../../helpers/fixtures.js';
import {
  agentToV1,
  events,
  frameworkToV1,
  subscribedEvent,
  taskToV1,
  type V0State,
  type V0Task,
  asAMasterHoldsIt,
} from '../../helpers/v0-to-v1.js';
import { expectSameRecords, generated, polled, streamed, subscribedOf } from './support.js';

const FW = 'fw-1';
const AGENT = 'agent-S1';

function event(doc: unknown): StreamEvent {
  const decoded = readEvent(JSON.parse(JSON.stringify(doc)));
  if (decoded.kind !== 'event') throw new Error(`not an event: ${JSON.stringify(decoded)}`);
  expect(decoded.warnings).toEqual([]);
  return decoded.event;
}

function decode(doc: unknown): DecodedEvent {
  return readEvent(JSON.parse(JSON.stringify(doc)));
}

function failure(fn: () => unknown): StreamFailure {
  try {
    fn();
  } catch (err) {
    if (err instanceof StreamFailure) return err;
    throw err;
  }
  throw new Error('expected a StreamFailure');
}

const v0Task: V0Task = {
  id: 'web.1',
  name: 'web',
  slave_id: AGENT,
  state: 'TASK_RUNNING',
  resources: { cpus: 0.5, mem: 64, disk: 0, ports: '[31000-31001, 31005-31005]' },
  statuses: [
    {
      state: 'TASK_RUNNING',
      timestamp: 12.5,
      labels: [{ key: 'Docker.NetworkSettings.IPAddress', value: '172.17.0.5' }],
      container_status: { network_infos: [{ ip_addresses: [{ ip_address: '10.1.0.2' }, { ip_address: 'fd00::2' }] }] },
      healthy: true,
    },
  ],
  discovery: {
    visibility: 'FRAMEWORK',
    name: 'My Web',
    ports: { ports: [{ number: 80, protocol: 'tcp', name: 'http' }] },
  },
};

/** A v1 task with its resources replaced. */
function withResources(resources: unknown[]): unknown {
  return { type: 'TASK_ADDED', task_added: { task: { ...taskToV1(v0Task, FW), resources } } };
}

function portsOf(resources: unknown[]): string {
  const e = event(withResources(resources));
  if (e.type !== 'TASK_ADDED') throw new Error(e.type);
  return e.task.task.ports;
}

const ranges = (...r: Array<[number | string, number | string]>) => ({
  name: 'ports',
  type: 'RANGES',
  ranges: { range: r.map(([begin, end]) => ({ begin, end })) },
});

describe('readEvent: the v1 fields become the v0 values', () => {
  it('reads TASK_ADDED into the Task validateState makes of the same task', () => {
    const e = event(events.taskAdded(v0Task, FW));
    const [v0] = polled({
      leader: 'master@127.0.0.1:5050',
      frameworks: [{ id: FW, name: 'marathon', tasks: [v0Task] }],
      slaves: [],
    }).frameworks;
    expect(e).toEqual({ type: 'TASK_ADDED', task: { frameworkId: FW, task: v0!.tasks[0] } });
  });

  it('reads TASK_UPDATED: the framework, the task id from the status, the latest state, the status', () => {
    const status = { state: 'TASK_RUNNING', timestamp: 20, container_status: { network_infos: [] } };
    expect(event(events.taskUpdated(FW, v0Task, status, 'TASK_KILLING'))).toEqual({
      type: 'TASK_UPDATED',
      frameworkId: FW,
      taskId: 'web.1',
      state: 'TASK_KILLING',
      status: { state: 'TASK_RUNNING', timestamp: 20, labels: [], networkInfos: [], healthy: undefined },
    });
  });

  it('takes the status state when TASK_UPDATED has no state', () => {
    const doc = events.taskUpdated(FW, v0Task, { state: 'TASK_FAILED' });
    delete (doc.task_updated as Record<string, unknown>).state;
    expect(event(doc)).toMatchObject({ state: 'TASK_FAILED' });
  });

  it('reads AGENT_ADDED and AGENT_REMOVED', () => {
    expect(event(events.agentAdded({ id: AGENT, pid: 'slave(1)@10.0.0.1:5051', hostname: 'a' }))).toEqual({
      type: 'AGENT_ADDED',
      agent: { id: AGENT, pid: { id: 'slave(1)', host: '10.0.0.1', port: '5051' } },
    });
    expect(event(events.agentRemoved(AGENT))).toEqual({ type: 'AGENT_REMOVED', agentId: AGENT });
  });

  it('reads FRAMEWORK_ADDED, FRAMEWORK_UPDATED (no pid in v1) and FRAMEWORK_REMOVED', () => {
    const fw = { id: FW, name: 'marathon', hostname: 'm.example', pid: 'scheduler@10.0.0.9:8080' };
    const framework = { id: FW, name: 'marathon', hostname: 'm.example', pid: null };
    expect(event(events.frameworkAdded(fw))).toEqual({ type: 'FRAMEWORK_ADDED', framework });
    expect(event(events.frameworkUpdated(fw))).toEqual({ type: 'FRAMEWORK_UPDATED', framework });
    expect(event(events.frameworkRemoved(fw))).toEqual({ type: 'FRAMEWORK_REMOVED', frameworkId: FW });
  });

  it('reads HEARTBEAT', () => {
    expect(event(events.heartbeat())).toEqual({ type: 'HEARTBEAT' });
  });

  it('reads SUBSCRIBED: agents, frameworks, tasks of get_tasks.tasks only, and the heartbeat', () => {
    const doc = subscribedEvent(
      {
        leader: 'master@127.0.0.1:5050',
        frameworks: [
          {
            id: FW,
            name: 'marathon',
            hostname: 'h',
            tasks: [v0Task],
            completed_tasks: [{ ...v0Task, id: 'old.1', state: 'TASK_FINISHED' }],
            unreachable_tasks: [{ ...v0Task, id: 'far.1', state: 'TASK_UNREACHABLE' }],
          },
        ],
        slaves: [{ id: AGENT, pid: 'slave(1)@10.0.0.1:5051' }],
      },
      0.25,
    );
    const e = event(doc);
    if (e.type !== 'SUBSCRIBED') throw new Error(e.type);
    expect(e.subscribed.tasks.map((t) => t.task.id)).toEqual(['web.1']);
    expect(e.subscribed.frameworks).toEqual([{ id: FW, name: 'marathon', hostname: 'h', pid: null }]);
    expect(e.subscribed.agents.map((a) => a.id)).toEqual([AGENT]);
    expect(e.subscribed.heartbeatSeconds).toBe(0.25);
  });

  it.each([[undefined], [0], [-1], ['15'], [Number.NaN]])('has no heartbeat for interval %j', (hb) => {
    const doc = subscribedEvent({ leader: 'x' }) as { subscribed: Record<string, unknown> };
    doc.subscribed.heartbeat_interval_seconds = hb;
    expect(event(doc)).toMatchObject({ subscribed: { heartbeatSeconds: null } });
  });

  it('reads an empty SUBSCRIBED (no get_state) as an empty cluster', () => {
    expect(event({ type: 'SUBSCRIBED', subscribed: {} })).toEqual({
      type: 'SUBSCRIBED',
      subscribed: { frameworks: [], agents: [], tasks: [], heartbeatSeconds: null },
    });
  });
});

describe('readEvent: ports text from Resource ranges', () => {
  it('writes one range list as v0 does', () => {
    expect(
      portsOf([{ name: 'cpus', type: 'SCALAR', scalar: { value: 1 } }, ranges([31000, 31001], [31005, 31005])]),
    ).toBe('[31000-31001, 31005-31005]');
  });

  it('sums several ports resources (roles, reservations), sorted and coalesced like Mesos', () => {
    expect(
      portsOf([ranges([31010, 31012], [31000, 31001]), ranges([31002, 31003], [31011, 31020], [40000, 40000])]),
    ).toBe('[31000-31003, 31010-31020, 40000-40000]');
  });

  it('leaves out revocable ports (v0 shows them as ports_revocable, which nobody reads)', () => {
    expect(portsOf([ranges([1, 2]), { ...ranges([3, 4]), revocable: {} }])).toBe('[1-2]');
  });

  it('gives no text without a ports resource, and [] for one without ranges', () => {
    expect(portsOf([{ name: 'mem', type: 'SCALAR', scalar: { value: 1 } }])).toBe('');
    expect(portsOf([{ name: 'ports', type: 'RANGES' }])).toBe('[]');
    expect(portsOf([])).toBe('');
  });

  it('reads uint64 bounds written as strings (proto3 JSON)', () => {
    expect(portsOf([ranges(['31000', '31002'])])).toBe('[31000-31002]');
  });

  it('keeps the generator port parser caps in force: a huge range stays text the parser caps', () => {
    const text = portsOf([ranges([1, 70000])]);
    expect(text).toBe('[1-70000]');
    expect(parsePortRanges(text)).toEqual([]);
  });

  it.each([
    ['a negative bound', [ranges([-1, 3])]],
    ['a fractional bound', [ranges([1.5, 3])]],
    ['a bound past 2^53', [ranges([1, 2 ** 60])]],
    ['ranges not a list', [{ name: 'ports', type: 'RANGES', ranges: { range: {} } }]],
    ['resources not a list', {}],
  ])('skips the task (with a warning) on %s', (_what, resources) => {
    const decoded = decode(withResources(resources as unknown[]));
    expect(decoded).toMatchObject({ kind: 'skipped', type: 'TASK_ADDED', warning: { item: 'task', id: 'web.1' } });
  });
});

describe('readEvent: bad input', () => {
  it('ignores an event type it does not know', () => {
    expect(decode({ type: 'OPERATION_UPDATED', operation_updated: {} })).toEqual({
      kind: 'unknown',
      type: 'OPERATION_UPDATED',
    });
  });

  it.each([
    ['TASK_ADDED without its payload', { type: 'TASK_ADDED' }, 'task', undefined],
    [
      'TASK_ADDED with a numeric name',
      { type: 'TASK_ADDED', task_added: { task: { ...taskToV1(v0Task, FW), name: 7 } } },
      'task',
      'web.1',
    ],
    [
      'TASK_ADDED without a task id',
      { type: 'TASK_ADDED', task_added: { task: { ...taskToV1(v0Task, FW), task_id: undefined } } },
      'task',
      undefined,
    ],
    [
      'TASK_UPDATED without a status',
      { type: 'TASK_UPDATED', task_updated: { framework_id: { value: FW }, state: 'TASK_RUNNING' } },
      'task',
      undefined,
    ],
    [
      'TASK_UPDATED whose labels are a list (v0 form)',
      {
        type: 'TASK_UPDATED',
        task_updated: {
          framework_id: { value: FW },
          state: 'TASK_RUNNING',
          status: { task_id: { value: 'web.1' }, state: 'TASK_RUNNING', labels: [{ key: 'a', value: 'b' }] },
        },
      },
      'task',
      'web.1',
    ],
    [
      'AGENT_ADDED without a pid',
      { type: 'AGENT_ADDED', agent_added: { agent: { ...agentToV1({ id: AGENT, pid: 'x' }), pid: undefined } } },
      'agent',
      AGENT,
    ],
    [
      'AGENT_ADDED with a pid that does not parse',
      { type: 'AGENT_ADDED', agent_added: { agent: agentToV1({ id: AGENT, pid: 'no-at-sign' }) } },
      'agent',
      AGENT,
    ],
    ['AGENT_REMOVED without an id', { type: 'AGENT_REMOVED', agent_removed: {} }, 'agent', undefined],
    [
      'FRAMEWORK_ADDED without an id',
      { type: 'FRAMEWORK_ADDED', framework_added: { framework: { framework_info: { name: 'x' } } } },
      'framework',
      undefined,
    ],
    [
      'FRAMEWORK_UPDATED with a numeric hostname',
      {
        type: 'FRAMEWORK_UPDATED',
        framework_updated: { framework: { framework_info: { id: { value: FW }, name: 'x', hostname: 1 } } },
      },
      'framework',
      FW,
    ],
  ])('skips %s with a warning', (_what, doc, item, id) => {
    const decoded = decode(doc);
    expect(decoded.kind).toBe('skipped');
    if (decoded.kind !== 'skipped') return;
    expect(decoded.warning.item).toBe(item);
    expect(decoded.warning.id).toBe(id);
    expect(decoded.warning.reason).not.toBe('');
  });

  it('skips bad items of SUBSCRIBED with warnings and keeps the rest', () => {
    const doc = subscribedEvent({
      leader: 'x',
      frameworks: [
        { id: FW, name: 'ok', tasks: [v0Task, { ...v0Task, id: 'bad.1', statuses: 'nope' as unknown as [] }] },
      ],
      slaves: [
        { id: AGENT, pid: 'slave(1)@10.0.0.1:5051' },
        { id: 'S2', pid: 'garbage' },
      ],
    }) as { subscribed: { get_state: { get_frameworks: { frameworks: unknown[] } } } };
    doc.subscribed.get_state.get_frameworks.frameworks.push({ framework_info: { name: 'no id' } });
    const decoded = decode(doc);
    if (decoded.kind !== 'event' || decoded.event.type !== 'SUBSCRIBED') throw new Error('not SUBSCRIBED');
    expect(decoded.event.subscribed.tasks.map((t) => t.task.id)).toEqual(['web.1']);
    expect(decoded.event.subscribed.agents.map((a) => a.id)).toEqual([AGENT]);
    expect(decoded.event.subscribed.frameworks.map((f) => f.id)).toEqual([FW]);
    expect(decoded.warnings.map((w) => [w.item, w.id])).toEqual([
      ['agent', 'S2'],
      ['framework', undefined],
      ['task', 'bad.1'],
    ]);
  });

  it.each([
    ['an array', []],
    ['a string', 'HEARTBEAT'],
    ['an object without type', { heartbeat: {} }],
    ['a numeric type', { type: 9 }],
    ['SUBSCRIBED without its payload', { type: 'SUBSCRIBED' }],
    ['SUBSCRIBED with get_state not an object', { type: 'SUBSCRIBED', subscribed: { get_state: [] } }],
    [
      'SUBSCRIBED whose task list is not a list',
      { type: 'SUBSCRIBED', subscribed: { get_state: { get_tasks: { tasks: {} } } } },
    ],
  ])('fails on a record that is %s', (_what, doc) => {
    expect(failure(() => readEvent(doc)).code).toBe('MESOS_DNS_STREAM_BAD_EVENT');
  });

  it('fails on a record that is not JSON', () => {
    expect(failure(() => parseRecord(Buffer.from('{"type":'))).code).toBe('MESOS_DNS_STREAM_BAD_EVENT');
  });

  it('reads only own members: a task named "constructor" or a key "__proto__" changes nothing', () => {
    const doc = JSON.parse('{"type":"TASK_ADDED","task_added":{"__proto__":{"task":1},"task":null}}') as unknown;
    expect(readEvent(doc)).toMatchObject({ kind: 'skipped', type: 'TASK_ADDED' });
  });
});

/** States a master no longer lists among `tasks` once the update is acknowledged (or at once: unreachable). */
const GONE = new Set([
  'TASK_FINISHED',
  'TASK_FAILED',
  'TASK_KILLED',
  'TASK_ERROR',
  'TASK_LOST',
  'TASK_DROPPED',
  'TASK_GONE',
  'TASK_GONE_BY_OPERATOR',
  'TASK_UNREACHABLE',
]);

describe.each(fixtureNames())('fixture %s: SUBSCRIBED gives what /master/state gives', (name) => {
  const doc = asAMasterHoldsIt(fixtureState(name) as V0State);
  const v0 = polled(doc);
  const model = streamed(doc);

  it('the same state, but for terminal and unreachable tasks (left out) and coalesced port texts', () => {
    const v1 = model.state();
    expect(v1.leader).toBe(v0.leader);
    expect(v1.slaves).toEqual(v0.slaves);
    expect(v1.frameworks.map(({ tasks: _t, ...f }) => f)).toEqual(v0.frameworks.map(({ tasks: _t, ...f }) => f));
    const running = v0.frameworks.map((f) => f.tasks.filter((t) => !GONE.has(t.state)));
    expect(v1.frameworks.map((f) => f.tasks.map(({ ports: _p, ...t }) => t))).toEqual(
      running.map((tasks) => tasks.map(({ ports: _p, ...t }) => t)),
    );
    expect(v1.frameworks.map((f) => f.tasks.map((t) => parsePortRanges(t.ports)))).toEqual(
      running.map((tasks) => tasks.map((t) => parsePortRanges(t.ports))),
    );
  });

  it('exactly the same records, enumeration and table bytes', () => {
    expectSameRecords(generated(model.state(), name), generated(v0, name));
  });

  it('has what the Go program generated from the whole file (only the duplicate task aside)', () => {
    const full = generated(polled(fixtureState(name)), name);
    const fromStream = generated(model.state(), name);
    if (name !== 'upstream-fake') expectSameRecords(fromStream, full);
    else expect(fromStream.records.a['big.dog.marathon.mesos.']).toEqual(full.records.a['big.dog.marathon.mesos.']);
  });

  it('frameworks keep their v0 pids, including none', () => {
    expect(model.state().frameworks.map((f) => f.pid?.port ?? null)).toEqual(
      v0.frameworks.map((f) => f.pid?.port ?? null),
    );
  });

  it('reads every item without a warning', () => {
    expect(subscribedOf(doc).tasks.length).toBe(doc.frameworks!.reduce((n, f) => n + (f.tasks?.length ?? 0), 0));
  });
});

describe('frameworks in SUBSCRIBED', () => {
  it('come in get_frameworks order with their framework_info fields', () => {
    const fw = { id: 'a', name: 'alpha', hostname: 'h1', tasks: [] };
    expect(frameworkToV1(fw)).toMatchObject({ framework_info: { id: { value: 'a' }, name: 'alpha', hostname: 'h1' } });
  });
});
