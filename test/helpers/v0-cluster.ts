/**
 * A cluster that changes as a Mesos master's does: each change mutates its
 * v0 state (what a later `GET /master/state` shows) and returns the v1 event
 * a subscriber is sent for it (include/mesos/v1/master/master.proto).
 */
import { events, type V0Framework, type V0Slave, type V0State, type V0Status, type V0Task } from './v0-to-v1.js';

/** Terminal states (Mesos's `isTerminalState`). */
const TERMINAL = new Set([
  'TASK_FINISHED',
  'TASK_FAILED',
  'TASK_KILLED',
  'TASK_ERROR',
  'TASK_LOST',
  'TASK_DROPPED',
  'TASK_GONE',
  'TASK_GONE_BY_OPERATOR',
]);

export type V1Event = Record<string, unknown>;

export class V0Cluster {
  readonly state: V0State;
  private clock = 1_700_000_000;

  constructor(state: V0State) {
    this.state = structuredClone(state);
    this.state.frameworks ??= [];
    this.state.slaves ??= [];
  }

  framework(id: string): V0Framework {
    const fw = this.state.frameworks!.find((f) => f.id === id);
    if (fw === undefined) throw new Error(`no framework ${id}`);
    return fw;
  }

  task(frameworkId: string, taskId: string): V0Task {
    const task = this.framework(frameworkId).tasks?.find((t) => t.id === taskId);
    if (task === undefined) throw new Error(`no task ${taskId}`);
    return task;
  }

  /** A new task, in the state it has (STAGING, usually), appended to its framework's tasks. */
  addTask(frameworkId: string, task: V0Task): V1Event {
    const fw = this.framework(frameworkId);
    const added = structuredClone({ ...task, framework_id: frameworkId });
    (fw.tasks ??= []).push(added);
    return events.taskAdded(added, frameworkId);
  }

  /**
   * A status update, as `Master::updateTask` applies it: the task takes
   * `state` unless it is terminal already; a status in the last status's
   * state replaces it, another is appended. A terminal or unreachable task
   * then leaves `tasks` (once acknowledged; unreachable at once).
   */
  updateTask(frameworkId: string, taskId: string, status: V0Status, state = status.state): V1Event {
    const fw = this.framework(frameworkId);
    const task = this.task(frameworkId, taskId);
    const full: V0Status = { ...structuredClone(status), timestamp: this.clock++ };
    if (!TERMINAL.has(String(task.state))) task.state = state;
    const statuses = (task.statuses ??= []);
    if (statuses.at(-1)?.state === full.state) statuses.pop();
    statuses.push(full);
    const event = events.taskUpdated(frameworkId, task, full, String(task.state));
    if (TERMINAL.has(String(task.state)) || task.state === 'TASK_UNREACHABLE') {
      fw.tasks = fw.tasks!.filter((t) => t !== task);
      const list = task.state === 'TASK_UNREACHABLE' ? 'unreachable_tasks' : 'completed_tasks';
      fw[list] = [...((fw[list] as V0Task[] | undefined) ?? []), task];
    }
    return event;
  }

  /** RUNNING, with container addresses when given. */
  runTask(frameworkId: string, taskId: string, ips: string[] = [], extra: Partial<V0Status> = {}): V1Event {
    const container_status = { network_infos: [{ ip_addresses: ips.map((ip_address) => ({ ip_address })) }] };
    return this.updateTask(frameworkId, taskId, { state: 'TASK_RUNNING', container_status, ...extra });
  }

  killTask(frameworkId: string, taskId: string): V1Event {
    return this.updateTask(frameworkId, taskId, { state: 'TASK_KILLED' });
  }

  addAgent(slave: V0Slave): V1Event {
    const slaves = this.state.slaves!;
    const at = slaves.findIndex((s) => s.id === slave.id);
    if (at >= 0) slaves[at] = structuredClone(slave);
    else slaves.push(structuredClone(slave));
    return events.agentAdded(slave);
  }

  /** The agent leaves `slaves`; tasks the master did not update stay where they are. */
  removeAgent(agentId: string): V1Event {
    this.state.slaves = this.state.slaves!.filter((s) => s.id !== agentId);
    return events.agentRemoved(agentId);
  }

  addFramework(fw: V0Framework): V1Event {
    const added = structuredClone({ tasks: [], completed_tasks: [], ...fw });
    this.state.frameworks!.push(added);
    return events.frameworkAdded(added);
  }

  /** New name, hostname or pid (a scheduler that failed over); the pid only shows in v0. */
  updateFramework(id: string, changes: Partial<V0Framework>): V1Event {
    const fw = this.framework(id);
    Object.assign(fw, changes);
    if ('pid' in changes && changes.pid === undefined) delete fw.pid;
    return events.frameworkUpdated(fw);
  }

  /** The framework moves to `completed_frameworks`, tasks and all. */
  removeFramework(id: string): V1Event {
    const fw = this.framework(id);
    this.state.frameworks = this.state.frameworks!.filter((f) => f !== fw);
    this.state.completed_frameworks = [...((this.state.completed_frameworks as V0Framework[] | undefined) ?? []), fw];
    return events.frameworkRemoved(fw);
  }
}
