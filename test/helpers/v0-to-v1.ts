/**
 * A v0 cluster (`GET /master/state` JSON) as the v1 operator API shows the
 * same cluster (include/mesos/v1/master/master.proto, include/mesos/v1/mesos.proto):
 * what a Mesos master writes for both from one set of protobufs. Written here,
 * independently of src/mesos/stream/v1.ts, so that the records generated from
 * either form can be compared.
 */

type Obj = Record<string, unknown>;

export type V0State = Obj & { leader?: string; frameworks?: V0Framework[]; slaves?: V0Slave[] };
export type V0Framework = Obj & { id: string; name?: string; hostname?: string; pid?: string; tasks?: V0Task[] };
export type V0Task = Obj & { id: string; slave_id?: string; framework_id?: string; statuses?: V0Status[] };
export type V0Status = Obj & { state: string; timestamp?: number };
export type V0Slave = Obj & { id: string; pid: string; hostname?: string };

const id = (value: string): { value: string } => ({ value });

/**
 * A master keys a framework's tasks by id, so no master can show two tasks
 * with one id. upstream-fake (the Go project's hand-written fake.json) does:
 * its second `liquor-store.b8db9f73-…` task. A master holding it would keep
 * one, in the first one's place, with the last one's content: so do the model
 * and, for this comparison, the v0 state.
 */
export function asAMasterHoldsIt(doc: V0State): V0State {
  return {
    ...doc,
    frameworks: (doc.frameworks ?? []).map((f) => {
      const byId = new Map<string, V0Task>();
      for (const t of f.tasks ?? []) byId.set(t.id, t);
      return { ...f, tasks: [...byId.values()] };
    }),
  };
}

/** v0 `resources.ports` as Mesos writes it (`[a-b, c-d]`) → its ranges. */
export function portRanges(text: string): Array<{ begin: number; end: number }> {
  const m = /^\[(.*)\]$/.exec(text);
  if (m === null) throw new Error(`not a Mesos ranges text: ${text}`);
  if (m[1] === '') return [];
  return m[1]!.split(', ').map((r) => {
    const [begin, end] = r.split('-').map(Number);
    if (!Number.isInteger(begin) || !Number.isInteger(end)) throw new Error(`not a range: ${r}`);
    return { begin: begin!, end: end! };
  });
}

/** v0 `resources` (`{cpus, mem, disk, ports}`) → a v1 `Resource` list. */
export function resourcesToV1(resources: unknown): Obj[] {
  if (typeof resources !== 'object' || resources === null) return [];
  const out: Obj[] = [];
  for (const [name, value] of Object.entries(resources as Obj)) {
    const allocation_info = { role: '*' };
    if (typeof value === 'number') {
      if (value !== 0) out.push({ name, type: 'SCALAR', scalar: { value }, allocation_info });
    } else if (typeof value === 'string') {
      out.push({ name, type: 'RANGES', ranges: { range: portRanges(value) }, allocation_info });
    }
  }
  return out;
}

/** A v0 status (labels as a list) → a v1 `TaskStatus` (labels as `{labels}`, ids). */
export function statusToV1(status: V0Status, taskId: string, agentId: string): Obj {
  const out: Obj = {
    task_id: id(taskId),
    state: status.state,
    source: 'SOURCE_EXECUTOR',
    agent_id: id(agentId),
    timestamp: status.timestamp ?? 0,
  };
  if (Array.isArray(status.labels)) out.labels = { labels: status.labels };
  // ContainerStatus is written with the generic protobuf → JSON mapping in both APIs.
  if (status.container_status !== undefined) out.container_status = status.container_status;
  if (typeof status.healthy === 'boolean') out.healthy = status.healthy;
  return out;
}

/** A v0 task of framework `frameworkId` → a v1 `Task`. */
export function taskToV1(task: V0Task, frameworkId: string): Obj {
  const agentId = task.slave_id ?? '';
  const out: Obj = {
    name: task.name ?? '',
    task_id: id(task.id),
    framework_id: id(frameworkId),
    agent_id: id(agentId),
    state: task.state,
    resources: resourcesToV1(task.resources),
    // Anything but a list is passed on as it is, for tests of bad input.
    statuses: Array.isArray(task.statuses)
      ? task.statuses.map((s) => statusToV1(s, task.id, agentId))
      : (task.statuses ?? []),
  };
  if (typeof task.executor_id === 'string' && task.executor_id !== '') out.executor_id = id(task.executor_id);
  if (Array.isArray(task.labels)) out.labels = { labels: task.labels };
  // DiscoveryInfo too is the generic mapping in both.
  if (task.discovery !== undefined) out.discovery = task.discovery;
  return out;
}

/** A v0 framework → v1 `FrameworkInfo` (which has no scheduler pid). */
export function frameworkInfoToV1(fw: V0Framework): Obj {
  return {
    user: typeof fw.user === 'string' ? fw.user : 'root',
    name: fw.name ?? '',
    id: id(fw.id),
    hostname: fw.hostname ?? '',
    failover_timeout: typeof fw.failover_timeout === 'number' ? fw.failover_timeout : 0,
    checkpoint: fw.checkpoint === true,
    role: typeof fw.role === 'string' ? fw.role : '*',
  };
}

/** A v0 framework → v1 `GetFrameworks.Framework`. */
export function frameworkToV1(fw: V0Framework): Obj {
  return { framework_info: frameworkInfoToV1(fw), active: fw.active !== false, connected: true, recovered: false };
}

/** A v0 slave → v1 `GetAgents.Agent`. */
export function agentToV1(slave: V0Slave): Obj {
  const port = Number(/:(\d+)$/.exec(slave.pid)?.[1] ?? 5051);
  return {
    agent_info: { hostname: slave.hostname ?? '', port, id: id(slave.id), resources: resourcesToV1(slave.resources) },
    active: slave.active !== false,
    version: '1.11.0',
    pid: slave.pid,
    registered_time: { nanoseconds: 1_500_000_000_000_000_000 },
  };
}

/** The `get_state` of a v0 state: `tasks` from `frameworks[].tasks`, the rest where v1 keeps it. */
export function getStateOf(state: V0State): Obj {
  const frameworks = state.frameworks ?? [];
  const listOf = (key: string): Obj[] =>
    frameworks.flatMap((f) => ((f[key] as V0Task[] | undefined) ?? []).map((t) => taskToV1(t, f.id)));
  return {
    get_tasks: {
      tasks: listOf('tasks'),
      unreachable_tasks: listOf('unreachable_tasks'),
      completed_tasks: listOf('completed_tasks'),
    },
    get_executors: { executors: [] },
    get_frameworks: { frameworks: frameworks.map(frameworkToV1), completed_frameworks: [] },
    get_agents: { agents: (state.slaves ?? []).map(agentToV1), recovered_agents: [] },
  };
}

/** The first event of a subscription to a master holding `state`. */
export function subscribedEvent(state: V0State, heartbeatSeconds = 15): Obj {
  return {
    type: 'SUBSCRIBED',
    subscribed: { get_state: getStateOf(state), heartbeat_interval_seconds: heartbeatSeconds },
  };
}

/** v0 `GET /master/frameworks` of a master holding `state` (the part we read: ids and pids). */
export function frameworksDocument(state: V0State, frameworkId?: string): Obj {
  const frameworks = (state.frameworks ?? []).filter((f) => frameworkId === undefined || f.id === frameworkId);
  return {
    frameworks: frameworks.map((f) => {
      const { tasks: _tasks, completed_tasks: _completed, ...rest } = f;
      return rest;
    }),
    completed_frameworks: [],
    unregistered_frameworks: [],
  };
}

/** v1 `GET_MASTER` of the leader named by `state.leader`. */
export function getMasterReply(state: V0State): Obj {
  const leader = state.leader ?? '';
  const [, address = ''] = leader.split('@');
  const port = Number(/:(\d+)$/.exec(address)?.[1] ?? 5050);
  const ip = address.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  return {
    type: 'GET_MASTER',
    get_master: {
      master_info: { id: 'master-id', ip: 0, port, pid: leader, hostname: ip, address: { ip, port } },
      start_time: 1.5e9,
      elected_time: 1.5e9,
    },
  };
}

export const events = {
  taskAdded: (task: V0Task, frameworkId: string): Obj => ({
    type: 'TASK_ADDED',
    task_added: { task: taskToV1(task, frameworkId) },
  }),
  taskUpdated: (frameworkId: string, task: V0Task, status: V0Status, state: string = status.state): Obj => ({
    type: 'TASK_UPDATED',
    task_updated: { framework_id: id(frameworkId), status: statusToV1(status, task.id, task.slave_id ?? ''), state },
  }),
  agentAdded: (slave: V0Slave): Obj => ({ type: 'AGENT_ADDED', agent_added: { agent: agentToV1(slave) } }),
  agentRemoved: (agentId: string): Obj => ({ type: 'AGENT_REMOVED', agent_removed: { agent_id: id(agentId) } }),
  frameworkAdded: (fw: V0Framework): Obj => ({
    type: 'FRAMEWORK_ADDED',
    framework_added: { framework: frameworkToV1(fw) },
  }),
  frameworkUpdated: (fw: V0Framework): Obj => ({
    type: 'FRAMEWORK_UPDATED',
    framework_updated: { framework: frameworkToV1(fw) },
  }),
  frameworkRemoved: (fw: V0Framework): Obj => ({
    type: 'FRAMEWORK_REMOVED',
    framework_removed: { framework_info: frameworkInfoToV1(fw) },
  }),
  heartbeat: (): Obj => ({ type: 'HEARTBEAT' }),
};
