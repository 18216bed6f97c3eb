import { StateError } from '../errors.js';
import { parseUPID, type UPID } from './upid.js';

/** The parts of `GET /master/state` the generator uses (spec §1.2), validated. */
export interface MesosState {
  leader: string;
  frameworks: Framework[];
  slaves: Slave[];
}

export interface Framework {
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

/** A state item that cannot be used; the item is skipped, the reload goes on. */
class BadItem extends Error {}

/** Go's encoding/json matches keys exactly first, then case-insensitively. */
function get(o: Obj, key: string): unknown {
  const v = o[key];
  if (v !== undefined) return v;
  const lower = key.toLowerCase();
  for (const k in o) if (k.toLowerCase() === lower) return o[k];
  return undefined;
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(o: Obj, key: string, where: string): string {
  const v = get(o, key);
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw new BadItem(`${where}.${key} is ${typeof v}, not a string`);
  return v;
}

function arr(o: Obj, key: string, where: string): unknown[] {
  const v = get(o, key);
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
  const ts = get(o, 'timestamp');
  if (ts !== undefined && ts !== null && typeof ts !== 'number') throw new BadItem('status.timestamp is not a number');
  const labels = arr(o, 'labels', 'status').map((l) => {
    const lo = obj(l, 'status.labels[]');
    return { key: str(lo, 'key', 'label'), value: str(lo, 'value', 'label') };
  });
  const networkInfos: TaskStatus['networkInfos'] = [];
  const cs = get(o, 'container_status');
  if (cs !== undefined && cs !== null) {
    for (const ni of arr(obj(cs, 'container_status'), 'network_infos', 'container_status')) {
      const nio = obj(ni, 'network_info');
      const ipAddresses = arr(nio, 'ip_addresses', 'network_info').map((a) => str(obj(a, 'ip_addresses[]'), 'ip_address', 'ip_addresses[]'));
      networkInfos.push({ ipAddresses, ipAddress: str(nio, 'ip_address', 'network_info') });
    }
  }
  const healthy = get(o, 'healthy');
  return {
    state: str(o, 'state', 'status'),
    timestamp: typeof ts === 'number' ? ts : 0,
    labels,
    networkInfos,
    healthy: typeof healthy === 'boolean' ? healthy : undefined,
  };
}

function toDiscovery(v: unknown): Discovery | null {
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
      ports.push({ number: typeof n === 'number' ? n : 0, protocol: str(po, 'protocol', 'port'), name: str(po, 'name', 'port') });
    }
  }
  return name === '' ? null : { name, ports };
}

function toTask(v: unknown): Task {
  const o = obj(v, 'task');
  const res = get(o, 'resources');
  let ports = '';
  if (res !== undefined && res !== null) ports = str(obj(res, 'task.resources'), 'ports', 'task.resources');
  return {
    id: str(o, 'id', 'task'),
    name: str(o, 'name', 'task'),
    slaveId: str(o, 'slave_id', 'task'),
    state: str(o, 'state', 'task'),
    statuses: arr(o, 'statuses', 'task').map(toStatus),
    ports,
    discovery: toDiscovery(get(o, 'discovery')),
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
export function validateState(doc: unknown, master?: string): { state: MesosState; warnings: StateWarning[] } {
  if (!isObj(doc)) throw new StateError('state is not a JSON object', master);
  const leader = get(doc, 'leader');
  if (typeof leader !== 'string' || leader === '') {
    throw new StateError('fetched state does not contain leader information', master);
  }
  const warnings: StateWarning[] = [];
  const frameworks: Framework[] = [];
  const slaves: Slave[] = [];
  const fwList = get(doc, 'frameworks');
  const slaveList = get(doc, 'slaves');
  if (fwList !== undefined && fwList !== null && !Array.isArray(fwList)) throw new StateError('state.frameworks is not an array', master);
  if (slaveList !== undefined && slaveList !== null && !Array.isArray(slaveList)) throw new StateError('state.slaves is not an array', master);

  (slaveList ?? []).forEach((v: unknown, index: number) => {
    try {
      const o = obj(v, 'slave');
      const id = str(o, 'id', 'slave');
      const rawPid = get(o, 'pid');
      if (typeof rawPid !== 'string') throw new BadItem('slave has no pid');
      const pid = parseUPID(rawPid);
      if (!pid) throw new BadItem(`slave pid ${JSON.stringify(rawPid)} does not parse`);
      slaves.push({ id, pid });
    } catch (e) {
      if (!(e instanceof BadItem)) throw e;
      warnings.push({ item: 'slave', index, id: idOf(v), reason: e.message });
    }
  });

  (fwList ?? []).forEach((v: unknown, index: number) => {
    try {
      const o = obj(v, 'framework');
      let pid: UPID | null = null;
      const rawPid = get(o, 'pid');
      if (rawPid !== undefined) {
        pid = typeof rawPid === 'string' ? parseUPID(rawPid) : null;
        if (!pid) warnings.push({ item: 'framework', index, id: idOf(v), reason: `pid ${JSON.stringify(rawPid)} does not parse; using hostname` });
      }
      const tasks: Task[] = [];
      arr(o, 'tasks', 'framework').forEach((t, ti) => {
        try {
          tasks.push(toTask(t));
        } catch (e) {
          if (!(e instanceof BadItem)) throw e;
          warnings.push({ item: 'task', index: ti, id: idOf(t), reason: e.message });
        }
      });
      frameworks.push({ name: str(o, 'name', 'framework'), pid, hostname: str(o, 'hostname', 'framework'), tasks });
    } catch (e) {
      if (!(e instanceof BadItem)) throw e;
      warnings.push({ item: 'framework', index, id: idOf(v), reason: e.message });
    }
  });

  return { state: { leader, frameworks, slaves }, warnings };
}

function idOf(v: unknown): string | undefined {
  if (!isObj(v)) return undefined;
  const id = get(v, 'id');
  return typeof id === 'string' ? id : undefined;
}
