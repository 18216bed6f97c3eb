/**
 * The operator API's items (`include/mesos/v1/master/master.proto`): a task,
 * its statuses, an agent, a framework, as v1 JSON writes them, validated and
 * turned into the types of `state/state.ts`; and the field readers of the
 * protobuf JSON mapping (snake_case keys matched exactly, ids as
 * `{"value": …}`). A bad item throws `BadItem`. Pure. The events that carry
 * these items are read in `v1.ts`.
 */
import { BadItem } from '../../state/fields.js';
import { type Slave, type TaskStatus, type Task } from '../../state/state.js';
import { internTaskState, toDiscovery, toLabels, toNetworkInfos } from '../../state/task.js';
import { parseUPID, type UPID } from '../../state/upid.js';

export type Obj = Record<string, unknown>;

/** A framework as v1 describes it. v1 carries no scheduler pid: it is read from v0 (`pids.ts`) and set here. */
export interface V1Framework {
  id: string;
  name: string;
  hostname: string;
  pid: UPID | null;
}

/** A task and the framework it belongs to (task ids are unique within a framework only). */
export interface V1Task {
  frameworkId: string;
  task: Task;
}

export function toTask(v: unknown): V1Task {
  const o = obj(v, 'task');
  const ports = portsText(field(o, 'resources'));
  const id = idValue(o, 'task_id', 'task');
  const frameworkId = idValue(o, 'framework_id', 'task');
  const statuses = list(o, 'statuses', 'task');
  const agent = field(o, 'agent_id');
  return {
    frameworkId,
    task: {
      id,
      name: str(o, 'name', 'task'),
      slaveId: agent === undefined || agent === null ? '' : idValue(o, 'agent_id', 'task'),
      state: internTaskState(str(o, 'state', 'task')),
      statuses: statuses.map(toStatus),
      ports,
      discovery: toDiscovery(field(o, 'discovery')),
    },
  };
}

export function toStatus(v: unknown): TaskStatus {
  const o = obj(v, 'status');
  const ts = field(o, 'timestamp');
  if (ts !== undefined && ts !== null && typeof ts !== 'number') throw new BadItem('status.timestamp is not a number');
  const labels = field(o, 'labels');
  const rawLabels =
    labels === undefined || labels === null ? [] : list(obj(labels, 'status.labels'), 'labels', 'status');
  const healthy = field(o, 'healthy');
  return {
    state: internTaskState(str(o, 'state', 'status')),
    timestamp: typeof ts === 'number' ? ts : 0,
    labels: toLabels(rawLabels),
    // ContainerStatus is the same protobuf JSON in v0 and v1.
    networkInfos: toNetworkInfos(field(o, 'container_status')),
    healthy: typeof healthy === 'boolean' ? healthy : undefined,
  };
}

export function toAgent(v: unknown): Slave {
  const o = obj(v, 'agent');
  const id = idValue(obj(field(o, 'agent_info'), 'agent.agent_info'), 'id', 'agent_info');
  const rawPid = field(o, 'pid');
  if (typeof rawPid !== 'string') throw new BadItem('agent has no pid');
  const pid = parseUPID(rawPid);
  if (!pid) throw new BadItem(`agent pid ${JSON.stringify(rawPid)} does not parse`);
  return { id, pid };
}

export function toFramework(v: unknown): V1Framework {
  const o = obj(v, 'framework_info');
  return {
    id: idValue(o, 'id', 'framework_info'),
    name: str(o, 'name', 'framework_info'),
    hostname: str(o, 'hostname', 'framework_info'),
    pid: null,
  };
}

/**
 * v0 shows a task's non-revocable `ports` resources as one text, their ranges
 * summed and coalesced (sorted, overlapping and adjacent ranges merged), e.g.
 * `[31000-31001, 31005-31005]`; no ports resource, no text. The generator's
 * port parser reads that text, with its caps.
 */
function portsText(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (!Array.isArray(v)) throw new BadItem('task.resources is not an array');
  let ranges: Array<[number, number]> | null = null;
  for (const r of v) {
    const ro = obj(r, 'task.resources[]');
    if (field(ro, 'name') !== 'ports' || field(ro, 'type') !== 'RANGES') continue;
    const revocable = field(ro, 'revocable');
    if (revocable !== undefined && revocable !== null) continue;
    ranges ??= [];
    const rangesObj = field(ro, 'ranges');
    if (rangesObj === undefined || rangesObj === null) continue;
    for (const range of list(obj(rangesObj, 'ports.ranges'), 'range', 'ports.ranges')) {
      const ro2 = obj(range, 'ports range');
      ranges.push([bound(field(ro2, 'begin')), bound(field(ro2, 'end'))]);
    }
  }
  if (ranges === null) return '';
  return `[${coalesce(ranges)
    .map(([b, e]) => `${b}-${e}`)
    .join(', ')}]`;
}

/** A uint64 bound: a JSON number, or the decimal string of the proto3 mapping. */
function bound(v: unknown): number {
  const n = typeof v === 'string' && /^[0-9]{1,16}$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
    throw new BadItem(`port range bound ${JSON.stringify(v)} is not an unsigned integer`);
  }
  return n;
}

/** Mesos's `coalesce` of ranges: sort, then merge ranges that overlap or touch. */
function coalesce(ranges: Array<[number, number]>): Array<[number, number]> {
  ranges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: Array<[number, number]> = [];
  for (const [b, e] of ranges) {
    const last = out.at(-1);
    if (last !== undefined && b <= last[1] + 1) last[1] = Math.max(last[1], e);
    else out.push([b, e]);
  }
  return out;
}

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Own members only: `o.constructor` and the like are not fields of a message. */
export function field(o: Obj, key: string): unknown {
  return Object.hasOwn(o, key) ? o[key] : undefined;
}

export function obj(v: unknown, where: string): Obj {
  if (!isObj(v)) throw new BadItem(`${where} is not an object`);
  return v;
}

/** A repeated field: absent or null is empty. */
function list(o: Obj, key: string, where: string): unknown[] {
  const v = field(o, key);
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new BadItem(`${where}.${key} is not an array`);
  return v as unknown[];
}

function str(o: Obj, key: string, where: string): string {
  const v = field(o, key);
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw new BadItem(`${where}.${key} is ${typeof v}, not a string`);
  return v;
}

/** A required id message (`TaskID`, `FrameworkID`, `AgentID`): `{"value": "…"}`. */
export function idValue(o: Obj, key: string, where: string): string {
  const id = field(o, key);
  if (!isObj(id)) throw new BadItem(`${where}.${key} is missing`);
  const value = field(id, 'value');
  if (typeof value !== 'string') throw new BadItem(`${where}.${key}.value is not a string`);
  return value;
}
