import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { closeFetchAgents, fetchState, type FetchOptions } from '../../../src/mesos/fetch/fetch.js';
import type { Change, ClusterModel } from '../../../src/mesos/stream/model.js';
import { StreamSubscriber, type StreamStatus } from '../../../src/mesos/stream/subscriber.js';
import { memoryLogger, errOf, type MemoryLogger } from '../../helpers/memory-logger.js';
import { startStandInMaster } from '../../helpers/stand-in-master.js';
import { StreamMaster } from '../../helpers/stream-master.js';
import { waitFor } from '../../helpers/wait.js';
import { expectSameRecords, generated, polled } from './support.js';

const CONFIG = 'upstream-fake';
const plain: FetchOptions = { https: false, timeoutMs: 5_000, maxStateBytes: 268_435_456, auth: { kind: 'none' } };
/** Retries come quickly, so tests of resubscribing do not wait. */
const quick = { initialMs: 20, maxMs: 200 };
/** Retries never come within a test: only an immediate resubscription can happen. */
const never = { initialMs: 600_000, maxMs: 600_000 };

interface Harness {
  sub: StreamSubscriber;
  snapshots: Array<{ master: string; model: ClusterModel }>;
  changes: Change[];
  states: StreamStatus[];
  logger: MemoryLogger;
  /** the model of the latest snapshot */
  model(): ClusterModel;
}

const open: Array<{ close(): Promise<void> }> = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((o) => o.close()));
});

afterAll(async () => {
  await closeFetchAgents();
});

async function streamMaster(opts?: Parameters<typeof StreamMaster.start>[0]): Promise<StreamMaster> {
  const m = await StreamMaster.start(opts);
  open.push(m);
  return m;
}

function subscribe(
  masters: string[],
  opts: { fetch?: Partial<FetchOptions>; backoff?: { initialMs: number; maxMs: number }; onChange?: () => void } = {},
): Harness {
  const logger = memoryLogger('debug');
  const h: Omit<Harness, 'sub'> = {
    snapshots: [],
    changes: [],
    states: [],
    logger,
    model() {
      const last = h.snapshots.at(-1);
      if (last === undefined) throw new Error('no snapshot yet');
      return last.model;
    },
  };
  const sub = new StreamSubscriber(masters, {
    fetch: { ...plain, ...opts.fetch },
    log: logger.log,
    backoff: opts.backoff ?? quick,
    callbacks: {
      onSnapshot: (model, master) => h.snapshots.push({ model, master }),
      onChange: (change) => {
        opts.onChange?.();
        h.changes.push(change);
      },
      onState: (status) => h.states.push(status),
    },
  });
  // Closed before the masters, so no test ends with a resubscription under way.
  open.unshift(sub);
  sub.start();
  return { ...h, sub } as Harness;
}

const snapshots = (h: Harness, n: number) =>
  waitFor(`${n} snapshot(s)`, () => h.snapshots.length, { until: (k) => k >= n });
const changes = (h: Harness, n: number) => waitFor(`${n} change(s)`, () => h.changes.length, { until: (k) => k >= n });
const stateSeen = (h: Harness, state: StreamStatus['state'], code?: string) =>
  waitFor(`state ${state} ${code ?? ''}`, () => h.states.find((s) => s.state === state && (!code || s.code === code)));

/** The records of the stream's model and of a poll of the same master, through the real state fetch. */
async function expectAsPolled(h: Harness, m: StreamMaster): Promise<void> {
  const fetched = await fetchState([m.address], plain, memoryLogger().log);
  if (fetched.unchanged) throw new Error('unchanged');
  expectSameRecords(generated(h.model().state(), CONFIG), generated(polled(fetched.body), CONFIG));
}

describe('StreamSubscriber: subscribing', () => {
  it('subscribes, builds the model with the leader and the v0 pids, and reports it', async () => {
    const m = await streamMaster();
    const h = subscribe([m.address]);
    await snapshots(h, 1);
    expect(h.snapshots[0]!.master).toBe(m.address);
    expect(h.model().leader).toBe(`master@${m.address}`);
    expect(h.states.map((s) => s.state)).toEqual(['connecting', 'subscribed']);
    expect(h.states[1]).toEqual({ state: 'subscribed', master: m.address, failures: 0 });
    const bodies = m.requests.map((r) => `${r.method} ${r.path} ${r.method === 'POST' ? r.body : ''}`.trim());
    expect(bodies.sort()).toEqual(['GET /master/frameworks', 'POST /api/v1 GET_MASTER', 'POST /api/v1 SUBSCRIBE']);
    const subscribeRequest = m.subscribeRequests()[0]!;
    expect(subscribeRequest.headers['content-type']).toBe('application/json');
    expect(subscribeRequest.headers.accept).toBe('application/json');
    expect(h.sub.counters.subscriptions).toBe(1);
    await expectAsPolled(h, m);
  });

  it('skips "" and unreachable masters and subscribes to the next', async () => {
    const gone = await startStandInMaster();
    await gone.close();
    const m = await streamMaster();
    const h = subscribe(['', gone.address, m.address]);
    await snapshots(h, 1);
    expect(h.snapshots[0]!.master).toBe(m.address);
  });

  it('follows a non-leader redirect without a scheme (//host:port/api/v1) to the leader', async () => {
    const leader = await streamMaster();
    const standby = await streamMaster();
    standby.redirectTo(`//127.0.0.1:${leader.port}/api/v1`);
    const h = subscribe([standby.address]);
    await snapshots(h, 1);
    expect(h.snapshots[0]!.master).toBe(leader.address);
    expect(standby.subscribeRequests()).toHaveLength(1);
    expect(leader.subscribeRequests()).toHaveLength(1);
    // The leader and the pids come from the master the stream is with.
    expect(leader.requests.map((r) => r.body)).toContain('GET_MASTER');
    expect(standby.requests.map((r) => r.body)).not.toContain('GET_MASTER');
  });

  it('gives up after 3 redirects (MESOS_DNS_STREAM_REDIRECT) and retries later', async () => {
    const m = await streamMaster();
    m.redirectTo(`http://127.0.0.1:${m.port}/api/v1`);
    const h = subscribe([m.address]);
    const failing = (await stateSeen(h, 'failing')).value!;
    expect(failing).toMatchObject({ code: 'MESOS_DNS_STREAM_REDIRECT', master: m.address, failures: 1 });
    expect(m.subscribeRequests().length).toBeGreaterThanOrEqual(4);
    m.redirectTo(null);
    await snapshots(h, 1);
  });

  it('refuses a redirect from http to https (credentials stay on the scheme configured)', async () => {
    const m = await streamMaster();
    m.redirectTo(`https://127.0.0.1:${m.port}/api/v1`);
    const h = subscribe([m.address]);
    expect((await stateSeen(h, 'failing')).value).toMatchObject({ code: 'MESOS_DNS_STREAM_REDIRECT' });
  });

  it.each([404, 405, 501])('reports unsupported on %i (a master without the operator API)', async (status) => {
    const m = await streamMaster();
    m.answerSubscribe(status);
    const h = subscribe([m.address]);
    const seen = (await stateSeen(h, 'unsupported')).value!;
    expect(seen).toMatchObject({ code: 'MESOS_DNS_STREAM_UNSUPPORTED', master: m.address });
    expect(h.snapshots).toHaveLength(0);
  });

  it('tries the next master after one without the API, and subscribes there', async () => {
    const old = await streamMaster();
    old.answerSubscribe(404);
    const m = await streamMaster();
    const h = subscribe([old.address, m.address]);
    await snapshots(h, 1);
    expect(h.snapshots[0]!.master).toBe(m.address);
    expect(h.states.map((s) => s.state)).not.toContain('unsupported');
  });

  it('retries a failing master with backoff (failures counted) and subscribes once it answers', async () => {
    const m = await streamMaster();
    m.answerSubscribe(503);
    const h = subscribe([m.address]);
    await waitFor('two failures', () => h.states.find((s) => s.state === 'failing' && s.failures >= 2));
    expect(h.states.find((s) => s.state === 'failing')).toMatchObject({ code: 'MESOS_DNS_STREAM_HTTP_STATUS' });
    m.answerSubscribe(null);
    await snapshots(h, 1);
    expect(h.states.at(-1)).toEqual({ state: 'subscribed', master: m.address, failures: 0 });
  });

  it.each([
    ['no answer', false],
    ['headers but no SUBSCRIBED', true],
  ])('fails a subscription that does not complete within the deadline: %s', async (_what, headers) => {
    const m = await streamMaster();
    m.hangSubscribe(headers);
    const h = subscribe([m.address], { fetch: { timeoutMs: 300 } });
    expect((await stateSeen(h, 'failing')).value).toMatchObject({
      code: 'MESOS_DNS_STREAM_TIMEOUT',
      master: m.address,
    });
  });

  it('sends the configured credentials with the subscription and both lookups', async () => {
    const m = await streamMaster({ basicAuth: { principal: 'alice', secret: 's3cret' } });
    const h = subscribe([m.address], { fetch: { auth: { kind: 'basic', principal: 'alice', secret: 's3cret' } } });
    await snapshots(h, 1);
    expect(new Set(m.requests.map((r) => r.headers.authorization))).toEqual(new Set(['Basic YWxpY2U6czNjcmV0']));
  });

  it('refuses a record over maxStateBytes before reading it (MESOS_DNS_STREAM_TOO_LARGE)', async () => {
    const m = await streamMaster();
    const h = subscribe([m.address], { fetch: { maxStateBytes: 2048 } });
    const failing = (await stateSeen(h, 'failing')).value!;
    expect(failing).toMatchObject({ code: 'MESOS_DNS_STREAM_TOO_LARGE', master: m.address });
    expect(h.snapshots).toHaveLength(0);
  });
});

describe('StreamSubscriber: events', () => {
  it('follows a task from STAGING to RUNNING with addresses to killed; records as a poll gives them', async () => {
    const m = await streamMaster();
    const h = subscribe([m.address]);
    await snapshots(h, 1);
    const fw = m.state.frameworks![0]!.id;
    const agent = m.state.slaves![0]!.id;
    m.change((c) =>
      c.addTask(fw, {
        id: 'new.1',
        name: 'new',
        slave_id: agent,
        state: 'TASK_STAGING',
        resources: { cpus: 1, ports: '[31900-31901]' },
        statuses: [{ state: 'TASK_STAGING', timestamp: 1 }],
      }),
    );
    await changes(h, 1);
    expect(h.changes[0]).toEqual({
      type: 'TASK_ADDED',
      tasks: [{ frameworkId: fw, taskId: 'new.1' }],
      agents: [],
      frameworks: [],
    });
    await expectAsPolled(h, m);
    m.change((c) => c.runTask(fw, 'new.1', ['10.77.0.1']));
    await changes(h, 2);
    expect(generated(h.model().state(), CONFIG).records.a['new.ipv6-framework.mesos.']).toEqual(['10.77.0.1']);
    await expectAsPolled(h, m);
    m.change((c) => c.killTask(fw, 'new.1'));
    await changes(h, 3);
    expect(h.model().task({ frameworkId: fw, taskId: 'new.1' })).toBeUndefined();
    await expectAsPolled(h, m);
    expect(h.snapshots).toHaveLength(1);
  });

  it('agents and frameworks come and go; a framework pid is read from /master/frameworks?framework_id=', async () => {
    const m = await streamMaster();
    const h = subscribe([m.address]);
    await snapshots(h, 1);
    m.change((c) => c.addAgent({ id: 'agent-S77', pid: 'slave(1)@10.0.7.7:5051' }));
    m.change((c) => c.addFramework({ id: 'fw-new', name: 'newer', hostname: 'h', pid: 'scheduler@10.0.7.8:4000' }));
    m.change((c) => c.updateFramework('fw-new', { name: 'newest', pid: 'scheduler@10.0.7.9:4001' }));
    const [first] = m.state.frameworks!;
    m.change((c) => c.removeFramework(first!.id));
    m.change((c) => c.removeAgent(m.state.slaves![0]!.id));
    await changes(h, 5);
    expect(h.changes.map((c) => c.type)).toEqual([
      'AGENT_ADDED',
      'FRAMEWORK_ADDED',
      'FRAMEWORK_UPDATED',
      'FRAMEWORK_REMOVED',
      'AGENT_REMOVED',
    ]);
    expect(m.requests.filter((r) => r.path === '/master/frameworks?framework_id=fw-new')).toHaveLength(2);
    const records = generated(h.model().state(), CONFIG).records;
    expect(records.srv['_framework._tcp.newest.mesos.']).toEqual(['newest.mesos.:4001']);
    await expectAsPolled(h, m);
  });

  it('ignores and counts unknown event types, skips a bad item with a warning, and stays subscribed', async () => {
    const m = await streamMaster();
    const h = subscribe([m.address]);
    await snapshots(h, 1);
    m.push({ type: 'OPERATION_UPDATED', operation_updated: {} });
    m.push({ type: 'TASK_ADDED', task_added: { task: { name: 'no ids' } } });
    m.change((c) => c.addAgent({ id: 'agent-S78', pid: 'slave(1)@10.0.7.8:5051' }));
    await changes(h, 1);
    expect(h.sub.counters).toMatchObject({ unknownEvents: 1, skippedItems: 1, subscriptions: 1, failures: 0 });
    expect(h.logger.lines.find((l) => l.msg === 'skipped a bad stream item')).toMatchObject({
      level: 40,
      event: 'TASK_ADDED',
      item: 'task',
    });
    expect(h.snapshots).toHaveLength(1);
  });

  it('does not call onChange for heartbeats', async () => {
    const m = await streamMaster({ heartbeatSeconds: 0.05 });
    const h = subscribe([m.address]);
    await snapshots(h, 1);
    await waitFor('heartbeats', () => h.sub.counters.events, { until: (n) => n >= 3 });
    expect(h.changes).toHaveLength(0);
  });
});

describe('StreamSubscriber: resubscribing', () => {
  it('resubscribes after the connection drops, with a fresh snapshot', async () => {
    const m = await streamMaster();
    const h = subscribe([m.address]);
    await snapshots(h, 1);
    m.change((c) => c.addAgent({ id: 'agent-S79', pid: 'slave(1)@10.0.7.9:5051' }));
    await changes(h, 1);
    m.dropStreams();
    await snapshots(h, 2);
    expect(h.states.find((s) => s.state === 'failing')).toMatchObject({ failures: 1, master: m.address });
    expect(h.logger.lines.find((l) => l.msg === 'event stream ended')).toBeDefined();
    expect(
      h
        .model()
        .state()
        .slaves.map((s) => s.id),
    ).toContain('agent-S79');
    expect(h.model()).not.toBe(h.snapshots[0]!.model);
  });

  it('resubscribes when the master ends the stream (MESOS_DNS_STREAM_CLOSED)', async () => {
    const m = await streamMaster();
    const h = subscribe([m.address]);
    await snapshots(h, 1);
    m.endStreams();
    await snapshots(h, 2);
    expect(h.states.find((s) => s.state === 'failing')).toMatchObject({ code: 'MESOS_DNS_STREAM_CLOSED' });
  });

  it('resubscribes after 3 heartbeat intervals of silence (MESOS_DNS_STREAM_SILENT)', async () => {
    const m = await streamMaster({ heartbeatSeconds: 0.1 });
    const h = subscribe([m.address]);
    await snapshots(h, 1);
    m.silence();
    await snapshots(h, 2);
    expect(h.states.find((s) => s.state === 'failing')).toMatchObject({ code: 'MESOS_DNS_STREAM_SILENT' });
    expect(m.endedStreams).toBe(1);
  });

  it('does not time out a stream whose master keeps sending heartbeats', async () => {
    const m = await streamMaster({ heartbeatSeconds: 0.05 });
    const h = subscribe([m.address]);
    await snapshots(h, 1);
    // Many times 3 heartbeat intervals.
    await waitFor('heartbeats', () => h.sub.counters.events, { until: (n) => n >= 20 });
    expect(h.snapshots).toHaveLength(1);
    expect(h.states.map((s) => s.state)).toEqual(['connecting', 'subscribed']);
  });

  it('resubscribes after garbage on the stream (MESOS_DNS_STREAM_FRAMING)', async () => {
    const m = await streamMaster();
    const h = subscribe([m.address]);
    await snapshots(h, 1);
    m.pushRaw('not RecordIO\n');
    await snapshots(h, 2);
    const failing = h.states.find((s) => s.state === 'failing');
    expect(failing).toMatchObject({ code: 'MESOS_DNS_STREAM_FRAMING', master: m.address });
    expect(errOf(h.logger.lines.find((l) => l.msg === 'event stream ended'))?.code).toBe('MESOS_DNS_STREAM_FRAMING');
  });

  it('resubscribes when a record is not JSON (MESOS_DNS_STREAM_BAD_EVENT)', async () => {
    const m = await streamMaster();
    const h = subscribe([m.address]);
    await snapshots(h, 1);
    m.pushRaw('3\n{x}');
    await snapshots(h, 2);
    expect(h.states.find((s) => s.state === 'failing')).toMatchObject({ code: 'MESOS_DNS_STREAM_BAD_EVENT' });
  });

  it('gives a consumer whose callback threw a fresh snapshot (MESOS_DNS_STREAM_CONSUMER_FAILED)', async () => {
    const m = await streamMaster();
    let throws = true;
    const h = subscribe([m.address], {
      onChange: () => {
        if (throws) {
          throws = false;
          throw new Error('consumer bug');
        }
      },
    });
    await snapshots(h, 1);
    m.change((c) => c.addAgent({ id: 'agent-S80', pid: 'slave(1)@10.0.8.0:5051' }));
    await snapshots(h, 2);
    expect(h.states.find((s) => s.state === 'failing')).toMatchObject({ code: 'MESOS_DNS_STREAM_CONSUMER_FAILED' });
  });

  it('resubscribes at once when setMasters names another leader, and not for the same one', async () => {
    const a = await streamMaster();
    const b = await streamMaster();
    const h = subscribe([a.address], { backoff: never });
    await snapshots(h, 1);
    h.sub.setMasters([b.address, a.address]);
    await snapshots(h, 2);
    expect(h.snapshots[1]!.master).toBe(b.address);
    await waitFor('the old stream closed', () => a.openStreams, { until: (n) => n === 0 });
    // The same leader first, other masters changed: the stream stays.
    h.sub.setMasters([b.address, a.address, '127.0.0.1:1']);
    b.change((c) => c.addAgent({ id: 'agent-S81', pid: 'slave(1)@10.0.8.1:5051' }));
    await changes(h, 1);
    expect(h.snapshots).toHaveLength(2);
    expect(b.subscribeRequests()).toHaveLength(1);
    expect(h.states.map((s) => s.state)).not.toContain('failing');
  });

  it('setMasters ends the wait before a retry at once', async () => {
    const down = await streamMaster();
    down.answerSubscribe(503);
    const m = await streamMaster();
    const h = subscribe([down.address], { backoff: never });
    await stateSeen(h, 'failing');
    h.sub.setMasters([m.address]);
    await snapshots(h, 1);
    expect(h.snapshots[0]!.master).toBe(m.address);
  });

  it('a subscription reached through a redirect stays when the list still starts with the same entry', async () => {
    const leader = await streamMaster();
    const standby = await streamMaster();
    standby.redirectTo(`//127.0.0.1:${leader.port}/api/v1`);
    const h = subscribe([standby.address], { backoff: never });
    await snapshots(h, 1);
    h.sub.setMasters([standby.address, leader.address]);
    leader.change((c) => c.addAgent({ id: 'agent-S82', pid: 'slave(1)@10.0.8.2:5051' }));
    await changes(h, 1);
    expect(h.snapshots).toHaveLength(1);
  });
});

describe('StreamSubscriber: close', () => {
  it('ends the stream and leaves no timer behind', async () => {
    const m = await streamMaster({ heartbeatSeconds: 0.05 });
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    const h = subscribe([m.address]);
    await snapshots(h, 1);
    await h.sub.close();
    await waitFor('the stream closed at the master', () => m.openStreams, { until: (n) => n === 0 });
    expect(timers()).toBeLessThanOrEqual(before);
    expect(h.states.at(-1)!.state).toBe('subscribed');
  });

  it('stops a wait between retries', async () => {
    const m = await streamMaster();
    m.answerSubscribe(503);
    const h = subscribe([m.address], { backoff: never });
    await stateSeen(h, 'failing');
    await h.sub.close();
    expect(m.subscribeRequests()).toHaveLength(1);
  });
});
