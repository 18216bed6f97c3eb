/**
 * The cluster as the event stream describes it: frameworks, agents and tasks,
 * built from SUBSCRIBED and kept current by each event, and shown as the
 * `MesosState` a poll of `GET /master/state` would give (docs/compatibility.md,
 * Stream and poll). Pure.
 */
import type { Framework, MesosState, Slave, Task, TaskStatus } from '../../state/state.js';
import { sameAgent, sameFramework, sameTask, taskKey, type Touched } from './reconcile.js';
import type { StreamEvent, StreamEventType, Subscribed, V1Framework } from './v1.js';

/** A task with its framework's name, all its names need of the framework. */
export interface TaskOf {
  framework: string;
  task: Task;
}

export interface TaskRef {
  frameworkId: string;
  taskId: string;
}

/**
 * What one event changed, so a consumer can rebuild the records of these
 * only. `tasks` lists every task whose records may differ: one added, updated
 * or removed, and every task of a framework or an agent added, updated or
 * removed (its names or addresses come from them).
 */
export interface Change {
  /** the event's type, or RESYNC for what a poll repaired (`ClusterModel.repair`) */
  type: StreamEventType | 'RESYNC';
  tasks: TaskRef[];
  agents: string[];
  frameworks: string[];
}

/** Events after SUBSCRIBED; frameworks carry their scheduler pid by then. */
export type ModelEvent = Exclude<StreamEvent, { type: 'SUBSCRIBED' }>;

/**
 * States after which the master no longer lists a task in `frameworks[].tasks`:
 * the terminal ones (Mesos's `isTerminalState`) once
 * acknowledged, and TASK_UNREACHABLE, whose tasks move to `unreachable_tasks`.
 */
const GONE_STATES: ReadonlySet<string> = new Set([
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

/**
 * Which tasks the model holds, and why:
 *
 * - Only `get_tasks.tasks`: it is the list v0 shows as `frameworks[].tasks`,
 *   the only task list the Go program reads. `completed_tasks`,
 *   `unreachable_tasks` and the deprecated `orphan_tasks` and `pending_tasks`
 *   are v0's `completed_tasks`, `unreachable_tasks` and `orphan_tasks`, which
 *   it ignores.
 * - A task whose state becomes terminal or TASK_UNREACHABLE is dropped at
 *   once. The master keeps a terminal task in `tasks` until the scheduler
 *   acknowledges the terminal update, then moves it to `completed_tasks`, but
 *   no event reports that move: kept, such tasks would pile up for the life
 *   of the stream. Dropping them changes no record, since only TASK_RUNNING
 *   tasks make records. Terminal tasks present in SUBSCRIBED are left out for
 *   the same reason.
 * - AGENT_REMOVED removes the agent only. Its tasks stay as v0 shows them
 *   (the master sends their own TASK_UPDATED first when it removes them);
 *   any left make no records, since the generator skips tasks on unknown agents.
 * - FRAMEWORK_REMOVED removes the framework and its tasks (v0 moves the
 *   framework to `completed_frameworks`, tasks and all).
 *
 * Order is stable: frameworks, agents and each framework's tasks in the order
 * first seen (SUBSCRIBED order, then new ones appended); an update keeps its
 * place. A task whose framework is not known yet is held, and shown once the
 * framework is.
 */
export class ClusterModel {
  private readonly frameworks = new Map<string, V1Framework>();
  private readonly agents = new Map<string, Slave>();
  /** by framework id, then task id */
  private readonly tasks = new Map<string, Map<string, Task>>();
  /**
   * What `state()` last listed, by framework id, and the agents: made again
   * only for what a change named, so a batch of changes in one framework does
   * not copy the task lists of all (50,000 tasks at scale).
   */
  private readonly listed = new Map<string, Task[]>();
  private listedAgents: Slave[] | null = null;

  private constructor(readonly leader: string) {}

  /** The model of a SUBSCRIBED snapshot; `leader` is the master's UPID, as v0's `leader`. */
  static fromSubscribed(subscribed: Subscribed, leader: string): ClusterModel {
    const model = new ClusterModel(leader);
    for (const agent of subscribed.agents) model.agents.set(agent.id, agent);
    for (const framework of subscribed.frameworks) model.frameworks.set(framework.id, framework);
    for (const { frameworkId, task } of subscribed.tasks) {
      if (!GONE_STATES.has(task.state)) model.tasksOf(frameworkId).set(task.id, task);
    }
    return model;
  }

  /** Applies one event; what it changed. */
  apply(event: ModelEvent): Change {
    return this.relist(this.applied(event));
  }

  private applied(event: ModelEvent): Change {
    const change: Change = { type: event.type, tasks: [], agents: [], frameworks: [] };
    switch (event.type) {
      case 'TASK_ADDED': {
        const { frameworkId, task } = event.task;
        if (GONE_STATES.has(task.state)) {
          if (this.tasks.get(frameworkId)?.delete(task.id) !== true) return change;
        } else {
          this.tasksOf(frameworkId).set(task.id, task);
        }
        change.tasks.push({ frameworkId, taskId: task.id });
        return change;
      }
      case 'TASK_UPDATED': {
        const tasks = this.tasks.get(event.frameworkId);
        const task = tasks?.get(event.taskId);
        if (tasks === undefined || task === undefined) return change;
        if (GONE_STATES.has(event.state)) tasks.delete(task.id);
        else tasks.set(task.id, { ...task, state: event.state, statuses: mergeStatus(task.statuses, event.status) });
        change.tasks.push({ frameworkId: event.frameworkId, taskId: event.taskId });
        return change;
      }
      case 'AGENT_ADDED':
        this.agents.set(event.agent.id, event.agent);
        change.agents.push(event.agent.id);
        change.tasks = this.tasksOnAgent(event.agent.id);
        return change;
      case 'AGENT_REMOVED':
        if (!this.agents.delete(event.agentId)) return change;
        change.agents.push(event.agentId);
        change.tasks = this.tasksOnAgent(event.agentId);
        return change;
      case 'FRAMEWORK_ADDED':
      case 'FRAMEWORK_UPDATED':
        this.frameworks.set(event.framework.id, event.framework);
        change.frameworks.push(event.framework.id);
        change.tasks = this.refsOf(event.framework.id);
        return change;
      case 'FRAMEWORK_REMOVED': {
        const known = this.frameworks.delete(event.frameworkId);
        change.tasks = this.refsOf(event.frameworkId);
        this.tasks.delete(event.frameworkId);
        if (known || change.tasks.length > 0) change.frameworks.push(event.frameworkId);
        return change;
      }
      case 'HEARTBEAT':
        return change;
    }
  }

  /**
   * Makes the model hold what a poll of the same master found, except for the
   * items events changed since the poll began (`touched`): a framework, agent
   * or task the model holds differently is replaced by the poll's, one the
   * poll lacks is removed, one the model lacks is added. What was repaired, or
   * null when the poll cannot be matched to the model: another leader, or a
   * framework without an id or with one twice (frameworks are matched by id).
   */
  repair(polled: MesosState, touched: Touched): Change | null {
    const change = this.repaired(polled, touched);
    return change === null ? null : this.relist(change);
  }

  private repaired(polled: MesosState, touched: Touched): Change | null {
    if (polled.leader !== this.leader) return null;
    const polledFrameworks = new Map<string, Framework>();
    for (const f of polled.frameworks) {
      if (f.id === undefined || f.id === '' || polledFrameworks.has(f.id)) return null;
      polledFrameworks.set(f.id, f);
    }
    const change: Change = { type: 'RESYNC', tasks: [], agents: [], frameworks: [] };
    const tasks = new Set<string>();
    const changedTask = (frameworkId: string, taskId: string): void => {
      const key = taskKey(frameworkId, taskId);
      if (tasks.has(key)) return;
      tasks.add(key);
      change.tasks.push({ frameworkId, taskId });
    };
    const changedAgent = (id: string): void => {
      change.agents.push(id);
      for (const ref of this.tasksOnAgent(id)) changedTask(ref.frameworkId, ref.taskId);
    };

    const polledAgents = new Map(polled.slaves.map((s) => [s.id, s]));
    for (const [id, agent] of polledAgents) {
      const held = this.agents.get(id);
      if (touched.agent(id) || (held !== undefined && sameAgent(held, agent))) continue;
      this.agents.set(id, agent);
      changedAgent(id);
    }
    for (const id of [...this.agents.keys()]) {
      if (polledAgents.has(id) || touched.agent(id)) continue;
      this.agents.delete(id);
      changedAgent(id);
    }

    for (const [id, f] of polledFrameworks) {
      // An event changed this framework after the poll began: the poll is older than the model for all of it.
      if (touched.framework(id)) continue;
      const framework: V1Framework = { id, name: f.name, hostname: f.hostname, pid: f.pid };
      const held = this.frameworks.get(id);
      if (held === undefined || !sameFramework(held, framework)) {
        this.frameworks.set(id, framework);
        change.frameworks.push(id);
        for (const ref of this.refsOf(id)) changedTask(id, ref.taskId);
      }
      const heldTasks = this.tasksOf(id);
      const listed = new Set<string>();
      for (const task of f.tasks) {
        listed.add(task.id);
        if (touched.task(id, task.id)) continue;
        const heldTask = heldTasks.get(task.id);
        if (GONE_STATES.has(task.state)) {
          if (heldTask !== undefined) {
            heldTasks.delete(task.id);
            changedTask(id, task.id);
          }
        } else if (heldTask === undefined || !sameTask(heldTask, task)) {
          heldTasks.set(task.id, task);
          changedTask(id, task.id);
        }
      }
      for (const taskId of [...heldTasks.keys()]) {
        if (listed.has(taskId) || touched.task(id, taskId)) continue;
        heldTasks.delete(taskId);
        changedTask(id, taskId);
      }
    }
    // Frameworks the poll lacks, and tasks held for a framework neither knows.
    for (const id of new Set([...this.frameworks.keys(), ...this.tasks.keys()])) {
      if (polledFrameworks.has(id) || touched.framework(id)) continue;
      const refs = this.refsOf(id).filter((ref) => !touched.task(id, ref.taskId));
      if (this.frameworks.delete(id)) change.frameworks.push(id);
      for (const ref of refs) {
        this.tasks.get(id)?.delete(ref.taskId);
        changedTask(id, ref.taskId);
      }
      if (this.tasks.get(id)?.size === 0) this.tasks.delete(id);
    }
    return change;
  }

  /**
   * The cluster now, as the fields of `GET /master/state` the generator reads.
   * Its lists are never changed afterwards (a later change makes new ones), so
   * consumers must not change them either.
   */
  state(): MesosState {
    const frameworks: Framework[] = [];
    for (const f of this.frameworks.values()) {
      let tasks = this.listed.get(f.id);
      if (tasks === undefined) {
        tasks = [...(this.tasks.get(f.id)?.values() ?? [])];
        this.listed.set(f.id, tasks);
      }
      frameworks.push({ id: f.id, name: f.name, pid: f.pid, hostname: f.hostname, tasks });
    }
    this.listedAgents ??= [...this.agents.values()];
    return { leader: this.leader, frameworks, slaves: this.listedAgents };
  }

  /** Forgets the lists `state()` made of what `change` names. */
  private relist(change: Change): Change {
    for (const ref of change.tasks) this.listed.delete(ref.frameworkId);
    for (const id of change.frameworks) this.listed.delete(id);
    if (change.agents.length > 0) this.listedAgents = null;
    return change;
  }

  /** The tasks with one of `ids`, of the frameworks `state()` shows, with their framework's name. */
  tasksWithIds(ids: ReadonlySet<string>): TaskOf[] {
    const out: TaskOf[] = [];
    for (const f of this.frameworks.values()) {
      const tasks = this.tasks.get(f.id);
      if (tasks === undefined) continue;
      for (const id of ids) {
        const task = tasks.get(id);
        if (task !== undefined) out.push({ framework: f.name, task });
      }
    }
    return out;
  }

  /** One task, as the model holds it now. */
  task(ref: TaskRef): Task | undefined {
    return this.tasks.get(ref.frameworkId)?.get(ref.taskId);
  }

  get counts(): { frameworks: number; agents: number; tasks: number } {
    let tasks = 0;
    for (const t of this.tasks.values()) tasks += t.size;
    return { frameworks: this.frameworks.size, agents: this.agents.size, tasks };
  }

  private tasksOf(frameworkId: string): Map<string, Task> {
    let tasks = this.tasks.get(frameworkId);
    if (tasks === undefined) {
      tasks = new Map();
      this.tasks.set(frameworkId, tasks);
    }
    return tasks;
  }

  private refsOf(frameworkId: string): TaskRef[] {
    return [...(this.tasks.get(frameworkId)?.keys() ?? [])].map((taskId) => ({ frameworkId, taskId }));
  }

  /** Agent events are rare: a scan beats keeping an index current on every task event. */
  private tasksOnAgent(agentId: string): TaskRef[] {
    const refs: TaskRef[] = [];
    for (const [frameworkId, tasks] of this.tasks) {
      for (const task of tasks.values()) if (task.slaveId === agentId) refs.push({ frameworkId, taskId: task.id });
    }
    return refs;
  }
}

/**
 * The master's rule (`Master::updateTask`): a status
 * in the same state as the last one replaces it, any other is appended; so
 * `statuses` ends as v0 shows it.
 */
function mergeStatus(statuses: readonly TaskStatus[], status: TaskStatus): TaskStatus[] {
  const last = statuses.at(-1);
  const kept = last !== undefined && last.state === status.state ? statuses.slice(0, -1) : statuses.slice();
  kept.push(status);
  return kept;
}
