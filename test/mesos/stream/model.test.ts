import { describe, expect, it } from 'vitest';
import { type ClusterModel, type Change } from '../../../src/mesos/stream/model.js';
import { sameTask, Touched } from '../../../src/mesos/stream/reconcile.js';
import { fixtureNames, fixtureState } from '../../helpers/fixtures.js';
import { V0Cluster } from '../../helpers/v0-cluster.js';
import { asAMasterHoldsIt, taskToV1, type V0State, type V0Task } from '../../helpers/v0-to-v1.js';
import { applyEvent, expectSameRecords, generated, polled, streamed } from './support.js';

/** Generation uses upstream-fake's config (IPSources netinfo first). */
const CONFIG = 'upstream-fake';

const base: V0State = {
  leader: 'master@127.0.0.1:5050',
  frameworks: [
    {
      id: 'fw-m',
      name: 'marathon',
      hostname: 'm.example',
      pid: 'scheduler(1)@10.0.0.5:25501',
      tasks: [
        {
          id: 'web.1',
          name: 'web',
          slave_id: 'S1',
          state: 'TASK_RUNNING',
          resources: { cpus: 1, ports: '[31000-31000]' },
          statuses: [
            {
              state: 'TASK_RUNNING',
              timestamp: 1,
              container_status: { network_infos: [{ ip_addresses: [{ ip_address: '10.1.0.1' }] }] },
            },
          ],
        },
        { id: 'done.1', name: 'done', slave_id: 'S1', state: 'TASK_FINISHED', statuses: [] },
      ],
      completed_tasks: [],
    },
    { id: 'fw-c', name: 'chronos', hostname: '10.0.0.6', tasks: [], completed_tasks: [] },
  ],
  slaves: [
    { id: 'S1', pid: 'slave(1)@10.0.0.1:5051', hostname: 'a' },
    { id: 'S2', pid: 'slave(1)@10.0.0.2:5051', hostname: 'b' },
  ],
};

const staging = (id: string, slave = 'S2'): V0Task => ({
  id,
  name: id.split('.')[0],
  slave_id: slave,
  state: 'TASK_STAGING',
  resources: { cpus: 0.1, mem: 32, ports: '[31100-31101]' },
  statuses: [{ state: 'TASK_STAGING', timestamp: 5 }],
});

function setup(state: V0State = base): { cluster: V0Cluster; model: ClusterModel } {
  const cluster = new V0Cluster(state);
  return { cluster, model: streamed(cluster.state) };
}

/** The model and a poll of the same cluster make the same records, in the same order. */
function expectAsPolled(model: ClusterModel, cluster: V0Cluster): void {
  expectSameRecords(generated(model.state(), CONFIG), generated(polled(cluster.state), CONFIG));
}

/** A v1 task as the master sends it, for events the cluster helper does not make. */
const taskOf = (task: V0Task, frameworkId = 'fw-m'): Record<string, unknown> => taskToV1(task, frameworkId);

const change = (c: Partial<Change> & Pick<Change, 'type'>): Change => ({ tasks: [], agents: [], frameworks: [], ...c });
const taskIds = (model: ClusterModel, fw = 0): string[] => model.state().frameworks[fw]!.tasks.map((t) => t.id);

describe('ClusterModel.fromSubscribed', () => {
  it('holds the leader, agents, frameworks and their live tasks, in SUBSCRIBED order', () => {
    const { model } = setup();
    const state = model.state();
    expect(state.leader).toBe('master@127.0.0.1:5050');
    expect(state.slaves.map((s) => s.id)).toEqual(['S1', 'S2']);
    expect(state.frameworks.map((f) => f.name)).toEqual(['marathon', 'chronos']);
    expect(model.counts).toEqual({ frameworks: 2, agents: 2, tasks: 1 });
  });

  it('leaves out tasks in a terminal state (they make no records; no event would ever remove them)', () => {
    const { model, cluster } = setup();
    expect(taskIds(model)).toEqual(['web.1']);
    expectAsPolled(model, cluster);
  });
});

describe('ClusterModel.apply', () => {
  it('TASK_ADDED appends a staging task: held, no records yet', () => {
    const { model, cluster } = setup();
    const c = applyEvent(model, cluster, cluster.addTask('fw-m', staging('new.1')));
    expect(c).toEqual(change({ type: 'TASK_ADDED', tasks: [{ frameworkId: 'fw-m', taskId: 'new.1' }] }));
    expect(taskIds(model)).toEqual(['web.1', 'new.1']);
    expect(generated(model.state(), CONFIG).records.a['new.marathon.mesos.']).toBeUndefined();
    expectAsPolled(model, cluster);
  });

  it('TASK_UPDATED to RUNNING with addresses makes its records; statuses are appended as the master does', () => {
    const { model, cluster } = setup();
    applyEvent(model, cluster, cluster.addTask('fw-m', staging('new.1')));
    applyEvent(model, cluster, cluster.updateTask('fw-m', 'new.1', { state: 'TASK_STARTING' }));
    const c = applyEvent(model, cluster, cluster.runTask('fw-m', 'new.1', ['10.9.0.1', 'fd00::9']));
    expect(c).toEqual(change({ type: 'TASK_UPDATED', tasks: [{ frameworkId: 'fw-m', taskId: 'new.1' }] }));
    const task = model.task({ frameworkId: 'fw-m', taskId: 'new.1' })!;
    expect(task.state).toBe('TASK_RUNNING');
    expect(task.statuses.map((s) => s.state)).toEqual(['TASK_STAGING', 'TASK_STARTING', 'TASK_RUNNING']);
    const records = generated(model.state(), CONFIG).records;
    expect(records.a['new.marathon.mesos.']).toEqual(['10.9.0.1']);
    expect(records.aaaa['new.marathon.mesos.']).toEqual(['fd00::9']);
    expectAsPolled(model, cluster);
  });

  it('a status in the same state as the last replaces it (a health check result)', () => {
    const { model, cluster } = setup();
    applyEvent(model, cluster, cluster.runTask('fw-m', 'web.1', ['10.1.0.7'], { healthy: false }));
    const task = model.task({ frameworkId: 'fw-m', taskId: 'web.1' })!;
    expect(task.statuses).toHaveLength(1);
    expect(task.statuses[0]).toMatchObject({ healthy: false, networkInfos: [{ ipAddresses: ['10.1.0.7'] }] });
    expect(generated(model.state(), CONFIG).records.a['web.marathon.mesos.']).toEqual(['10.1.0.7']);
    expectAsPolled(model, cluster);
  });

  it('keeps the latest state from the agent even when the status is older (TASK_UPDATED.state)', () => {
    const { model, cluster } = setup();
    applyEvent(model, cluster, cluster.updateTask('fw-m', 'web.1', { state: 'TASK_RUNNING' }, 'TASK_KILLING'));
    expect(model.task({ frameworkId: 'fw-m', taskId: 'web.1' })!.state).toBe('TASK_KILLING');
    expect(generated(model.state(), CONFIG).records.a['web.marathon.mesos.']).toBeUndefined();
    expectAsPolled(model, cluster);
  });

  it.each(['TASK_KILLED', 'TASK_FINISHED', 'TASK_FAILED', 'TASK_LOST', 'TASK_GONE', 'TASK_UNREACHABLE'])(
    'TASK_UPDATED to %s drops the task, and says so',
    (state) => {
      const { model, cluster } = setup();
      const c = applyEvent(model, cluster, cluster.updateTask('fw-m', 'web.1', { state }));
      expect(c).toEqual(change({ type: 'TASK_UPDATED', tasks: [{ frameworkId: 'fw-m', taskId: 'web.1' }] }));
      expect(model.task({ frameworkId: 'fw-m', taskId: 'web.1' })).toBeUndefined();
      expect(generated(model.state(), CONFIG).records.a['web.marathon.mesos.']).toBeUndefined();
      expectAsPolled(model, cluster);
    },
  );

  it('TASK_UPDATED for a task it does not hold changes nothing', () => {
    const { model, cluster } = setup();
    const before = model.state();
    const doc = cluster.updateTask('fw-m', 'done.1', { state: 'TASK_FINISHED' });
    expect(applyEvent(model, cluster, doc)).toEqual(change({ type: 'TASK_UPDATED' }));
    expect(model.state()).toEqual(before);
  });

  it('TASK_ADDED of a task it holds replaces it in place', () => {
    const { model, cluster } = setup();
    applyEvent(model, cluster, cluster.addTask('fw-m', staging('new.1')));
    const again = { ...cluster.task('fw-m', 'web.1'), name: 'web2' };
    const c = applyEvent(model, cluster, { type: 'TASK_ADDED', task_added: { task: taskOf(again) } });
    expect(c.tasks).toEqual([{ frameworkId: 'fw-m', taskId: 'web.1' }]);
    expect(model.state().frameworks[0]!.tasks.map((t) => [t.id, t.name])).toEqual([
      ['web.1', 'web2'],
      ['new.1', 'new'],
    ]);
  });

  it('TASK_ADDED in a terminal state (an agent back with a finished task) removes it, or changes nothing', () => {
    const { model, cluster } = setup();
    const killed = { ...cluster.task('fw-m', 'web.1'), state: 'TASK_KILLED' };
    expect(applyEvent(model, cluster, { type: 'TASK_ADDED', task_added: { task: taskOf(killed) } }).tasks).toHaveLength(
      1,
    );
    expect(model.counts.tasks).toBe(0);
    expect(applyEvent(model, cluster, { type: 'TASK_ADDED', task_added: { task: taskOf(killed) } })).toEqual(
      change({ type: 'TASK_ADDED' }),
    );
  });

  it('AGENT_ADDED adds the agent and lists the tasks on it', () => {
    const { model, cluster } = setup();
    applyEvent(model, cluster, cluster.addTask('fw-m', staging('new.1', 'S3')));
    const c = applyEvent(model, cluster, cluster.addAgent({ id: 'S3', pid: 'slave(1)@10.0.0.3:5051' }));
    expect(c).toEqual(
      change({ type: 'AGENT_ADDED', agents: ['S3'], tasks: [{ frameworkId: 'fw-m', taskId: 'new.1' }] }),
    );
    expect(model.state().slaves.map((s) => s.id)).toEqual(['S1', 'S2', 'S3']);
    expectAsPolled(model, cluster);
  });

  it('AGENT_ADDED of a known agent (re-registered) replaces it in place', () => {
    const { model, cluster } = setup();
    applyEvent(model, cluster, cluster.addAgent({ id: 'S1', pid: 'slave(1)@10.0.0.11:5051' }));
    expect(model.state().slaves.map((s) => [s.id, s.pid.host])).toEqual([
      ['S1', '10.0.0.11'],
      ['S2', '10.0.0.2'],
    ]);
    expectAsPolled(model, cluster);
  });

  it('AGENT_REMOVED removes the agent only: its tasks stay, as v0 shows them, and make no records', () => {
    const { model, cluster } = setup();
    const c = applyEvent(model, cluster, cluster.removeAgent('S1'));
    expect(c).toEqual(
      change({ type: 'AGENT_REMOVED', agents: ['S1'], tasks: [{ frameworkId: 'fw-m', taskId: 'web.1' }] }),
    );
    expect(taskIds(model)).toEqual(['web.1']);
    expect(generated(model.state(), CONFIG).records.a['web.marathon.mesos.']).toBeUndefined();
    expectAsPolled(model, cluster);
  });

  it('AGENT_REMOVED of an agent it does not hold changes nothing', () => {
    const { model, cluster } = setup();
    expect(applyEvent(model, cluster, cluster.removeAgent('S9'))).toEqual(change({ type: 'AGENT_REMOVED' }));
  });

  it('FRAMEWORK_ADDED appends the framework with its v0 pid; tasks that came first show with it', () => {
    const { model, cluster } = setup();
    const fw = { id: 'fw-new', name: 'Spark', hostname: 'ignored', pid: 'scheduler(9)@10.0.0.9:4040' };
    // The task event of a framework that registers right after; both orders happen.
    const early = { ...staging('job.1', 'S1'), state: 'TASK_RUNNING' };
    const task = { type: 'TASK_ADDED', task_added: { task: taskOf(early, 'fw-new') } };
    applyEvent(model, cluster, task);
    expect(model.state().frameworks.map((f) => f.name)).toEqual(['marathon', 'chronos']);
    const c = applyEvent(model, cluster, cluster.addFramework(fw));
    cluster.addTask('fw-new', early);
    expect(c).toEqual(
      change({ type: 'FRAMEWORK_ADDED', frameworks: ['fw-new'], tasks: [{ frameworkId: 'fw-new', taskId: 'job.1' }] }),
    );
    const state = model.state();
    expect(state.frameworks.map((f) => [f.name, f.pid?.port ?? null, f.tasks.length])).toEqual([
      ['marathon', '25501', 1],
      ['chronos', null, 0],
      ['Spark', '4040', 1],
    ]);
    expect(generated(state, CONFIG).records.srv['_framework._tcp.spark.mesos.']).toEqual(['spark.mesos.:4040']);
    expectAsPolled(model, cluster);
  });

  it('FRAMEWORK_UPDATED keeps its place, takes the new name and pid, and lists its tasks', () => {
    const { model, cluster } = setup();
    const c = applyEvent(
      model,
      cluster,
      cluster.updateFramework('fw-m', { name: 'marathon-2', pid: 'scheduler(2)@10.0.0.8:25502' }),
    );
    expect(c).toEqual(
      change({ type: 'FRAMEWORK_UPDATED', frameworks: ['fw-m'], tasks: [{ frameworkId: 'fw-m', taskId: 'web.1' }] }),
    );
    expect(model.state().frameworks.map((f) => [f.name, f.pid?.host])).toEqual([
      ['marathon-2', '10.0.0.8'],
      ['chronos', undefined],
    ]);
    const records = generated(model.state(), CONFIG).records;
    expect(records.a['web.marathon-2.mesos.']).toEqual(['10.1.0.1']);
    expect(records.a['web.marathon.mesos.']).toBeUndefined();
    expectAsPolled(model, cluster);
  });

  it('FRAMEWORK_UPDATED to an HTTP framework (no pid) falls back to its hostname', () => {
    const { model, cluster } = setup();
    applyEvent(model, cluster, cluster.updateFramework('fw-m', { pid: undefined, hostname: '10.0.0.77' }));
    expect(model.state().frameworks[0]!.pid).toBeNull();
    expect(generated(model.state(), CONFIG).records.a['marathon.mesos.']).toEqual(['10.0.0.77']);
    expectAsPolled(model, cluster);
  });

  it('FRAMEWORK_REMOVED removes the framework and its tasks, and lists them', () => {
    const { model, cluster } = setup();
    const c = applyEvent(model, cluster, cluster.removeFramework('fw-m'));
    expect(c).toEqual(
      change({ type: 'FRAMEWORK_REMOVED', frameworks: ['fw-m'], tasks: [{ frameworkId: 'fw-m', taskId: 'web.1' }] }),
    );
    expect(model.counts).toEqual({ frameworks: 1, agents: 2, tasks: 0 });
    expectAsPolled(model, cluster);
  });

  it('a framework removed and added again comes last', () => {
    const { model, cluster } = setup();
    const fw = cluster.framework('fw-m');
    applyEvent(model, cluster, cluster.removeFramework('fw-m'));
    applyEvent(model, cluster, cluster.addFramework({ ...fw, tasks: [] }));
    expect(model.state().frameworks.map((f) => f.name)).toEqual(['chronos', 'marathon']);
    expectAsPolled(model, cluster);
  });

  it('HEARTBEAT changes nothing', () => {
    const { model } = setup();
    const before = model.state();
    expect(model.apply({ type: 'HEARTBEAT' })).toEqual(change({ type: 'HEARTBEAT' }));
    expect(model.state()).toEqual(before);
  });

  it('finds tasks by id as state() lists them: in every framework it shows, none of a framework not known yet', () => {
    const { model, cluster } = setup();
    // The same id in two frameworks, and in a framework whose FRAMEWORK_ADDED has not come yet.
    applyEvent(model, cluster, cluster.addTask('fw-c', { ...staging('web.1', 'S1'), name: 'cron' }));
    applyEvent(model, cluster, { type: 'TASK_ADDED', task_added: { task: taskOf(staging('web.1'), 'fw-later') } });
    const found = (ids: string[]) =>
      model.tasksWithIds(new Set(ids)).map(({ framework, task }) => [framework, task.id, task.name]);
    expect(found(['web.1', 'nothere'])).toEqual([
      ['marathon', 'web.1', 'web'],
      ['chronos', 'web.1', 'cron'],
    ]);
    const shown = model.state().frameworks.flatMap((f) => f.tasks.filter((t) => t.id === 'web.1').map(() => f.name));
    expect(shown).toEqual(['marathon', 'chronos']);
    expect(found([])).toEqual([]);
  });

  it('leaves what state() returned before untouched (it is a fresh view)', () => {
    const { model, cluster } = setup();
    const before = model.state();
    const copy = structuredClone(before);
    applyEvent(model, cluster, cluster.runTask('fw-m', 'web.1', ['10.1.0.9']));
    applyEvent(model, cluster, cluster.removeAgent('S2'));
    expect(before).toEqual(copy);
  });
});

describe.each(fixtureNames())('fixture %s: a series of events ends where a poll of the final state would', (name) => {
  it('makes the same records, enumeration and table bytes as /master/state after every event', () => {
    const cluster = new V0Cluster(asAMasterHoldsIt(fixtureState(name) as V0State));
    const model = streamed(cluster.state);
    const check = (): void => expectSameRecords(generated(model.state(), name), generated(polled(cluster.state), name));
    const [first, second] = cluster.state.frameworks!;
    const running = (fw: string) => cluster.framework(fw).tasks!.filter((t) => t.state === 'TASK_RUNNING');
    const agentOf = (fw: string) => running(fw)[0]!.slave_id!;
    const steps = [
      () => cluster.addAgent({ id: 'new-agent-S99', pid: 'slave(1)@10.99.0.1:5051', hostname: 'n' }),
      () => cluster.addFramework({ id: 'new-fw', name: 'Brand.New_fw', hostname: 'h', pid: 'scheduler@10.99.0.2:9' }),
      () => cluster.addTask('new-fw', staging('fresh.1', 'new-agent-S99')),
      () => cluster.runTask('new-fw', 'fresh.1', ['10.99.1.1']),
      () => cluster.addTask(first!.id, staging('more.1', agentOf(first!.id))),
      () => cluster.updateTask(first!.id, 'more.1', { state: 'TASK_STARTING' }),
      () => cluster.runTask(first!.id, 'more.1', ['10.99.1.2', 'fd00::99']),
      () => cluster.runTask(first!.id, running(first!.id)[0]!.id, ['10.99.1.3'], { healthy: true }),
      () => cluster.killTask(first!.id, running(first!.id)[0]!.id),
      () => cluster.updateFramework(second!.id, { name: 'renamed', pid: 'scheduler(3)@10.99.0.3:7070' }),
      () => cluster.removeAgent(agentOf(second!.id)),
      () => cluster.addTask('new-fw', staging('gone.1', 'new-agent-S99')),
      () => cluster.killTask('new-fw', 'gone.1'),
      () => cluster.removeFramework(second!.id),
    ];
    for (const step of steps) {
      applyEvent(model, cluster, step());
      check();
    }
  });
});

describe('ClusterModel.repair (the full poll while streaming)', () => {
  /** What a poll of `cluster` finds, repaired into `model`; `touched` lists events applied since the poll began. */
  const repair = (model: ClusterModel, cluster: V0Cluster, touched: Change[] = []): Change | null => {
    const t = new Touched();
    for (const c of touched) t.add(c);
    return model.repair(polled(cluster.state), t);
  };
  const refs = (c: Change | null) => c?.tasks.map((t) => `${t.frameworkId}/${t.taskId}`).sort();

  it.each(fixtureNames())('finds nothing to repair in a model that followed every change (%s)', (name) => {
    const cluster = new V0Cluster(asAMasterHoldsIt(fixtureState(name) as V0State));
    const model = streamed(cluster.state);
    expect(repair(model, cluster)).toEqual(change({ type: 'RESYNC' }));
  });

  it('repairs what no event reports: a task renamed, moved or given other ports under the same id', () => {
    const { model, cluster } = setup();
    Object.assign(cluster.task('fw-m', 'web.1'), { name: 'www', slave_id: 'S2' });
    cluster.task('fw-m', 'web.1').resources = { ports: '[32000-32001]' };
    const c = repair(model, cluster);
    expect(c).toEqual(change({ type: 'RESYNC', tasks: [{ frameworkId: 'fw-m', taskId: 'web.1' }] }));
    expectAsPolled(model, cluster);
    expect(generated(model.state(), CONFIG).records.a['www.marathon.mesos.']).toEqual(['10.1.0.1']);
    // Later events apply to the repaired task: the repair is not undone.
    applyEvent(model, cluster, cluster.runTask('fw-m', 'web.1', ['10.1.0.7']));
    expectAsPolled(model, cluster);
    expect(generated(model.state(), CONFIG).records.a['www.marathon.mesos.']).toEqual(['10.1.0.7']);
  });

  it('repairs lost events: a task, agent and framework the model lacks, and ones the master no longer has', () => {
    const { model, cluster } = setup();
    // Changes made at the master whose events never arrived.
    cluster.addAgent({ id: 'S3', pid: 'slave(1)@10.0.0.3:5051', hostname: 'c' });
    cluster.addFramework({ id: 'fw-n', name: 'new', hostname: 'n.example', pid: 'scheduler(1)@10.0.0.7:1' });
    cluster.addTask('fw-n', staging('api.1', 'S3'));
    cluster.runTask('fw-n', 'api.1', ['10.3.0.1']);
    cluster.killTask('fw-m', 'web.1');
    cluster.removeFramework('fw-c');
    cluster.removeAgent('S2');
    const c = repair(model, cluster);
    expect(c?.agents.sort()).toEqual(['S2', 'S3']);
    expect(c?.frameworks.sort()).toEqual(['fw-c', 'fw-n']);
    expect(refs(c)).toEqual(['fw-m/web.1', 'fw-n/api.1']);
    expectAsPolled(model, cluster);
    expect(repair(model, cluster)).toEqual(change({ type: 'RESYNC' }));
  });

  it('repairs a framework whose pid changed without an event (its framework records come from the pid)', () => {
    const { model, cluster } = setup();
    cluster.framework('fw-m').pid = 'scheduler(1)@10.0.0.9:25501';
    const c = repair(model, cluster);
    expect(c?.frameworks).toEqual(['fw-m']);
    expect(refs(c)).toEqual(['fw-m/web.1']);
    expectAsPolled(model, cluster);
  });

  it('leaves alone what an event changed after the poll began: the model is newer there', () => {
    const { model, cluster } = setup();
    const before = structuredClone(cluster.state);
    // The poll saw the cluster before these two events, which the model has applied since.
    const touched = [
      applyEvent(model, cluster, cluster.addTask('fw-m', staging('new.1'))),
      applyEvent(model, cluster, cluster.runTask('fw-m', 'web.1', ['10.1.0.9'])),
    ];
    const t = new Touched();
    for (const x of touched) t.add(x);
    const c = model.repair(polled(before), t);
    expect(c).toEqual(change({ type: 'RESYNC' }));
    expectAsPolled(model, cluster);
  });

  it('declines a poll of another leader, or one whose frameworks it cannot match by id', () => {
    const { model, cluster } = setup();
    const other = structuredClone(cluster.state);
    other.leader = 'master@127.0.0.2:5050';
    expect(model.repair(polled(other), new Touched())).toBeNull();
    const noId = structuredClone(cluster.state);
    delete (noId.frameworks![1] as Record<string, unknown>).id;
    expect(model.repair(polled(noId), new Touched())).toBeNull();
    const twice = structuredClone(cluster.state);
    twice.frameworks![1]!.id = 'fw-m';
    expect(model.repair(polled(twice), new Touched())).toBeNull();
    // Declining changes nothing.
    expectAsPolled(model, cluster);
  });

  it('counts ports split differently as the same ports (a poll and the stream may write them differently)', () => {
    const { model, cluster } = setup();
    cluster.task('fw-m', 'web.1').resources = { ports: '[31000-31000]' };
    expect(repair(model, cluster)).toEqual(change({ type: 'RESYNC' }));
    const a = model.task({ frameworkId: 'fw-m', taskId: 'web.1' })!;
    expect(sameTask(a, { ...a, ports: '[31000-31000, 31001-31001]' })).toBe(false);
    expect(sameTask({ ...a, ports: '[31000-31001]' }, { ...a, ports: '[31000-31000, 31001-31001]' })).toBe(true);
  });
});
