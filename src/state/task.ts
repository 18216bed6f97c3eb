/**
 * A task of the state, validated: its fields, statuses, labels, network infos
 * and DiscoveryInfo. The operator API's reader (`mesos/stream/v1.ts`) shares
 * the parts its items have in common.
 */

import { arr, BadItem, get, idOf, obj, str, type Obj } from './fields.js';
import { resolveItem } from './state-json.js';
import type { Discovery, StateWarning, Task, TaskStatus } from './state.js';

/**
 * Shared by every status without labels or network infos: a 50,000-task state
 * has hundreds of thousands of them. Frozen, since it is shared.
 */
const NONE = Object.freeze([]) as never[];

/** Mesos task states, so each task and status refers to one string instead of its own copy from the document. */
const TASK_STATES = new Map(
  [
    'TASK_STAGING',
    'TASK_STARTING',
    'TASK_RUNNING',
    'TASK_KILLING',
    'TASK_FINISHED',
    'TASK_FAILED',
    'TASK_KILLED',
    'TASK_ERROR',
    'TASK_LOST',
    'TASK_DROPPED',
    'TASK_UNREACHABLE',
    'TASK_GONE',
    'TASK_GONE_BY_OPERATOR',
    'TASK_UNKNOWN',
  ].map((s) => [s, s]),
);

function taskState(o: Obj, where: string): string {
  return internTaskState(str(o, 'state', where, o.state));
}

/** The one shared copy of a task state name. */
export function internTaskState(s: string): string {
  return TASK_STATES.get(s) ?? s;
}

function toStatus(v: unknown): TaskStatus {
  const o = obj(v, 'status');
  const ts = get(o, 'timestamp', o.timestamp);
  if (ts !== undefined && ts !== null && typeof ts !== 'number') throw new BadItem('status.timestamp is not a number');
  const labels = toLabels(arr(o, 'labels', 'status', o.labels));
  const networkInfos = toNetworkInfos(get(o, 'container_status', o.container_status));
  const healthy = get(o, 'healthy', o.healthy);
  return {
    state: taskState(o, 'status'),
    timestamp: typeof ts === 'number' ? ts : 0,
    labels,
    networkInfos,
    healthy: typeof healthy === 'boolean' ? healthy : undefined,
  };
}

/** A status's `labels` list (`{key, value}` objects); BadItem when one is unusable. */
export function toLabels(rawLabels: unknown[]): TaskStatus['labels'] {
  return rawLabels.length === 0
    ? NONE
    : rawLabels.map((l) => {
        const lo = obj(l, 'status.labels[]');
        return { key: str(lo, 'key', 'label'), value: str(lo, 'value', 'label') };
      });
}

/** A status's `container_status` (absent, or the ContainerStatus protobuf as JSON) → its network infos. */
export function toNetworkInfos(cs: unknown): TaskStatus['networkInfos'] {
  let networkInfos: TaskStatus['networkInfos'] = NONE;
  if (cs !== undefined && cs !== null) {
    for (const ni of arr(obj(cs, 'container_status'), 'network_infos', 'container_status')) {
      const nio = obj(ni, 'network_info');
      const ipAddresses = arr(nio, 'ip_addresses', 'network_info').map((a) =>
        str(obj(a, 'ip_addresses[]'), 'ip_address', 'ip_addresses[]'),
      );
      if (networkInfos === NONE) networkInfos = [];
      networkInfos.push({ ipAddresses, ipAddress: str(nio, 'ip_address', 'network_info') });
    }
  }
  return networkInfos;
}

/** A task's `discovery` (absent, or the DiscoveryInfo protobuf as JSON); null when it has no name. */
export function toDiscovery(v: unknown): Discovery | null {
  if (v === undefined || v === null) return null;
  const o = obj(v, 'discovery');
  const name = str(o, 'name', 'discovery');
  const portsObj = get(o, 'ports');
  const ports: Discovery['ports'] = [];
  if (portsObj !== undefined && portsObj !== null) {
    for (const p of arr(obj(portsObj, 'discovery.ports'), 'ports', 'discovery.ports')) {
      const po = obj(p, 'discovery port');
      const n = get(po, 'number');
      if (n !== undefined && n !== null && (typeof n !== 'number' || !Number.isInteger(n))) {
        throw new BadItem('discovery port number is not an integer');
      }
      ports.push({
        number: typeof n === 'number' ? n : 0,
        protocol: str(po, 'protocol', 'port'),
        name: str(po, 'name', 'port'),
      });
    }
  }
  return name === '' ? null : { name, ports };
}

/**
 * A framework's tasks in a polled state, each validated only as it is
 * iterated, and not kept. A 50,000-task state validated whole lives in
 * hundreds of thousands of objects until generation has read them all, and
 * the garbage collector copies each to the old generation on the way; read
 * here, each task dies young: validation and generation of the 50,000-task
 * bench state took 1.56–1.63 s instead of 1.76–1.79 s (in process, young
 * generation as the refresh worker's). They are read once: the items, and
 * through them the whole state body, are let go as reading starts, so the
 * table build that follows generation never holds them; reading them again
 * is a programming error and throws. A bad task goes to `report`.
 */
export class PolledTasks implements Iterable<Task> {
  private items: readonly unknown[] | null;
  /** how many items the state lists, good or bad */
  readonly length: number;

  constructor(
    items: readonly unknown[],
    private readonly agentIds: ReadonlyMap<string, string>,
    private readonly report: (warning: StateWarning) => void,
  ) {
    this.items = items;
    this.length = items.length;
  }

  *[Symbol.iterator](): Iterator<Task> {
    const items = this.items;
    if (items === null) throw new Error("a poll's tasks are read once");
    this.items = null;
    for (let index = 0; index < items.length; index++) {
      const task = readTask(items[index], index, this.agentIds, this.report);
      if (task !== null) yield task;
    }
  }

  /**
   * The items as they are, with what reading them needs, for reading
   * elsewhere (another thread: refresh/task-preparer.ts); they count as read.
   */
  handOver(): PolledItems {
    const items = this.items;
    if (items === null) throw new Error("a poll's tasks are read once");
    this.items = null;
    return { items, agentIds: this.agentIds, report: this.report };
  }
}

/** A framework's tasks as the state lists them: `PolledTasks.handOver`. */
export interface PolledItems {
  items: readonly unknown[];
  agentIds: ReadonlyMap<string, string>;
  report: (warning: StateWarning) => void;
}

/** Item `index` of a tasks list, validated; null when it is bad, and then reported. */
export function readTask(
  item: unknown,
  index: number,
  agentIds: ReadonlyMap<string, string>,
  report: (warning: StateWarning) => void,
): Task | null {
  const t = resolveItem(item);
  try {
    return toTask(t, agentIds);
  } catch (e) {
    if (!(e instanceof BadItem)) throw e;
    report({ item: 'task', index, id: idOf(t), reason: e.message });
    return null;
  }
}

/** `agentIds` maps each agent id to itself, so tasks share the agent's id string. */
export function toTask(v: unknown, agentIds: ReadonlyMap<string, string>): Task {
  const o = obj(v, 'task');
  const res = get(o, 'resources', o.resources);
  let ports = '';
  if (res !== undefined && res !== null) {
    const ro = obj(res, 'task.resources');
    ports = str(ro, 'ports', 'task.resources', ro.ports);
  }
  // Fields are read in this order so a task with several bad fields reports the same one as before.
  const id = str(o, 'id', 'task', o.id);
  const name = str(o, 'name', 'task', o.name);
  const slaveId = str(o, 'slave_id', 'task', o.slave_id);
  return {
    id,
    name,
    slaveId: agentIds.get(slaveId) ?? slaveId,
    state: taskState(o, 'task'),
    statuses: arr(o, 'statuses', 'task', o.statuses).map(toStatus),
    ports,
    discovery: toDiscovery(get(o, 'discovery', o.discovery)),
  };
}
