import { StateError } from '../errors.js';
import { resolveItem } from './state-json.js';
import { parseUPID, type UPID } from './upid.js';

/** The parts of `GET /master/state` the generator uses (docs/compatibility.md, Fields read), validated. */
export interface MesosState {
  leader: string;
  frameworks: Framework[];
  slaves: Slave[];
}

export interface Framework {
  /**
   * The framework's id, when the state gives one as a string. No record uses it (nor does the Go program):
   * it matches a polled framework to the event stream's (`mesos/stream/reconcile.ts`).
   */
  id?: string;
  name: string;
  /** null when the `pid` key is absent or unusable (then `hostname` is the host) */
  pid: UPID | null;
  hostname: string;
  tasks: Task[];
}

export interface Task {
  id: string;
  name: string;
  slaveId: string;
  state: string;
  statuses: TaskStatus[];
  /** raw `resources.ports` text */
  ports: string;
  discovery: Discovery | null;
}

export interface TaskStatus {
  state: string;
  timestamp: number;
  labels: Array<{ key: string; value: string }>;
  networkInfos: Array<{ ipAddresses: string[]; ipAddress: string }>;
  /** undefined when the status carries no health information */
  healthy: boolean | undefined;
}

export interface Discovery {
  name: string;
  ports: Array<{ number: number; protocol: string; name: string }>;
}

export interface Slave {
  id: string;
  pid: UPID;
}

type Obj = Record<string, unknown>;

/**
 * A state item that cannot be used; the item is skipped, the reload goes on.
 * Exported for the operator API (`mesos/stream/v1.ts`), whose items share these fields.
 */
export class BadItem extends Error {}

/**
 * Go's encoding/json matches keys exactly first, then case-insensitively.
 * `key` is always lower-case ASCII. Hot callers pass `o.<key>` as `exact`: a
 * property load at the call site sees one JSON shape and stays fast, where
 * `o[key]` in here sees every shape (50,000 tasks, 150,000 statuses).
 */
function get(o: Obj, key: string, exact: unknown = o[key]): unknown {
  if (exact !== undefined) return exact;
  for (const k in o) if (sameKey(k, key)) return o[k];
  return undefined;
}

/**
 * `k.toLowerCase() === lower`, without allocating for ASCII keys: the fallback
 * runs for every absent optional field of every task and status.
 */
function sameKey(k: string, lower: string): boolean {
  let ascii = true;
  for (let i = 0; i < k.length; i++) if (k.charCodeAt(i) > 0x7f) ascii = false;
  // Unicode lower-casing can map other characters onto ASCII and change lengths (K → k, İ → i̇).
  if (!ascii) return k.toLowerCase() === lower;
  if (k.length !== lower.length) return false;
  for (let i = 0; i < k.length; i++) {
    let c = k.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) c |= 0x20;
    if (c !== lower.charCodeAt(i)) return false;
  }
  return true;
}

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

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(o: Obj, key: string, where: string, exact: unknown = o[key]): string {
  const v = get(o, key, exact);
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw new BadItem(`${where}.${key} is ${typeof v}, not a string`);
  return v;
}

function arr(o: Obj, key: string, where: string, exact: unknown = o[key]): unknown[] {
  const v = get(o, key, exact);
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new BadItem(`${where}.${key} is not an array`);
  return v;
}

function obj(v: unknown, where: string): Obj {
  if (!isObj(v)) throw new BadItem(`${where} is not an object`);
  return v;
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

/** `agentIds` maps each agent id to itself, so tasks share the agent's id string. */
function toTask(v: unknown, agentIds: ReadonlyMap<string, string>): Task {
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

export interface StateWarning {
  item: 'framework' | 'task' | 'slave';
  index: number;
  id?: string;
  reason: string;
}

/**
 * Validates a parsed state document. A document without a usable `leader` is
 * rejected (StateError); a bad framework, task or agent is skipped and
 * reported in `warnings` (the Go program would reject the whole reload).
 */
export function validateState(doc: unknown, master?: string): ValidatedState {
  const steps = validationSteps(doc, master);
  let step = steps.next();
  while (step.done !== true) step = steps.next();
  return step.value;
}

export interface ValidatedState {
  state: MesosState;
  warnings: StateWarning[];
}

/**
 * `validateState` in steps: it pauses after every `tasksPerStep` tasks, so a
 * caller that must keep serving other work (the refresh worker, reading the
 * event stream meanwhile) can resume it a turn later. The result is the same.
 */
export function* validationSteps(
  doc: unknown,
  master?: string,
  tasksPerStep = Number.POSITIVE_INFINITY,
): Generator<void, ValidatedState> {
  if (!isObj(doc)) throw new StateError('state is not a JSON object', master);
  const leader = get(doc, 'leader');
  if (typeof leader !== 'string' || leader === '') {
    throw new StateError('fetched state does not contain leader information', master);
  }
  const warnings: StateWarning[] = [];
  const frameworks: Framework[] = [];
  const slaves: Slave[] = [];
  const agentIds = new Map<string, string>();
  const fwList = get(doc, 'frameworks');
  const slaveList = get(doc, 'slaves');
  if (fwList !== undefined && fwList !== null && !Array.isArray(fwList))
    throw new StateError('state.frameworks is not an array', master);
  if (slaveList !== undefined && slaveList !== null && !Array.isArray(slaveList))
    throw new StateError('state.slaves is not an array', master);

  (slaveList ?? []).forEach((v: unknown, index: number) => {
    try {
      const o = obj(v, 'slave');
      const id = str(o, 'id', 'slave');
      const rawPid = get(o, 'pid');
      if (typeof rawPid !== 'string') throw new BadItem('slave has no pid');
      const pid = parseUPID(rawPid);
      if (!pid) throw new BadItem(`slave pid ${JSON.stringify(rawPid)} does not parse`);
      slaves.push({ id, pid });
      agentIds.set(id, id);
    } catch (e) {
      if (!(e instanceof BadItem)) throw e;
      warnings.push({ item: 'slave', index, id: idOf(v), reason: e.message });
    }
  });

  let untilStep = tasksPerStep;
  const fws = fwList ?? [];
  for (let index = 0; index < fws.length; index++) {
    const v: unknown = fws[index];
    try {
      const o = obj(v, 'framework');
      let pid: UPID | null = null;
      const rawPid = get(o, 'pid');
      if (rawPid !== undefined) {
        pid = typeof rawPid === 'string' ? parseUPID(rawPid) : null;
        if (!pid)
          warnings.push({
            item: 'framework',
            index,
            id: idOf(v),
            reason: `pid ${JSON.stringify(rawPid)} does not parse; using hostname`,
          });
      }
      const tasks: Task[] = [];
      const list = arr(o, 'tasks', 'framework');
      for (let ti = 0; ti < list.length; ti++) {
        if (--untilStep < 0) {
          yield;
          untilStep = tasksPerStep - 1;
        }
        const t = resolveItem(list[ti]);
        try {
          tasks.push(toTask(t, agentIds));
        } catch (e) {
          if (!(e instanceof BadItem)) throw e;
          warnings.push({ item: 'task', index: ti, id: idOf(t), reason: e.message });
        }
      }
      const name = str(o, 'name', 'framework');
      const id = idOf(o);
      frameworks.push({ ...(id !== undefined && { id }), name, pid, hostname: str(o, 'hostname', 'framework'), tasks });
    } catch (e) {
      if (!(e instanceof BadItem)) throw e;
      warnings.push({ item: 'framework', index, id: idOf(v), reason: e.message });
    }
  }

  return { state: { leader, frameworks, slaves }, warnings };
}

function idOf(v: unknown): string | undefined {
  if (!isObj(v)) return undefined;
  const id = get(v, 'id');
  return typeof id === 'string' ? id : undefined;
}
