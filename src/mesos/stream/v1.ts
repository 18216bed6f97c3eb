/**
 * The operator API's events (`include/mesos/v1/master/master.proto`, `Event`),
 * validated at the boundary and turned into the types of `state/state.ts`, so
 * that the record generator sees from the stream exactly what it sees from
 * `GET /master/state` (docs/compatibility.md, Stream and poll). Pure.
 *
 * v1 JSON is the protobuf JSON mapping as Mesos writes it: snake_case keys
 * matched exactly, enums as strings, ids as `{"value": …}`, labels as
 * `{"labels": […]}`, resources as a list of `Resource`. A bad item (task,
 * agent, framework) is skipped with a warning, as `validateState` does. The
 * items themselves are read in `v1-items.ts`.
 */
import { StreamFailure } from '../../errors.js';
import { BadItem } from '../../state/fields.js';
import { type Slave, type TaskStatus } from '../../state/state.js';
import { internTaskState } from '../../state/task.js';
import {
  field,
  idValue,
  isObj,
  obj,
  toAgent,
  toFramework,
  toStatus,
  toTask,
  type Obj,
  type V1Framework,
  type V1Task,
} from './v1-items.js';

export type { V1Framework, V1Task } from './v1-items.js';

/** What `SUBSCRIBED` carries: the cluster as `GET_STATE` describes it. */
export interface Subscribed {
  frameworks: V1Framework[];
  agents: Slave[];
  tasks: V1Task[];
  /** seconds between the master's heartbeats; null when it announced none */
  heartbeatSeconds: number | null;
}

export type StreamEvent =
  | { type: 'SUBSCRIBED'; subscribed: Subscribed }
  | { type: 'TASK_ADDED'; task: V1Task }
  /** `state` is the task's latest state; `status` the latest status the scheduler acknowledged */
  | { type: 'TASK_UPDATED'; frameworkId: string; taskId: string; state: string; status: TaskStatus }
  | { type: 'AGENT_ADDED'; agent: Slave }
  | { type: 'AGENT_REMOVED'; agentId: string }
  | { type: 'FRAMEWORK_ADDED' | 'FRAMEWORK_UPDATED'; framework: V1Framework }
  | { type: 'FRAMEWORK_REMOVED'; frameworkId: string }
  | { type: 'HEARTBEAT' };

export type StreamEventType = StreamEvent['type'];

export interface StreamWarning {
  item: 'event' | 'framework' | 'task' | 'agent';
  id?: string;
  reason: string;
}

/** One record of the stream: an event, an event type we do not know, or an event whose item was unusable. */
export type DecodedEvent =
  | { kind: 'event'; event: StreamEvent; warnings: StreamWarning[] }
  | { kind: 'unknown'; type: string }
  | { kind: 'skipped'; type: StreamEventType; warning: StreamWarning };

/** The largest heartbeat interval whose 3 × still fits a Node timer. */
const MAX_HEARTBEAT_SECONDS = Math.floor((2 ** 31 - 1) / 3000);

/** A record's JSON text → its value; a StreamFailure when it is not JSON. */
export function parseRecord(record: Buffer): unknown {
  try {
    return JSON.parse(record.toString('utf8'));
  } catch (err) {
    throw new StreamFailure('MESOS_DNS_STREAM_BAD_EVENT', `a record is not JSON: ${(err as Error).message}`);
  }
}

/**
 * A parsed record → the event it carries. A record that is not an event at
 * all, or a SUBSCRIBED whose snapshot cannot be read, is a StreamFailure.
 */
export function readEvent(doc: unknown): DecodedEvent {
  if (!isObj(doc)) throw new StreamFailure('MESOS_DNS_STREAM_BAD_EVENT', 'a record is not a JSON object');
  const type = field(doc, 'type');
  if (typeof type !== 'string') throw new StreamFailure('MESOS_DNS_STREAM_BAD_EVENT', 'an event has no type');
  switch (type) {
    case 'SUBSCRIBED':
      return readSubscribed(field(doc, 'subscribed'));
    case 'HEARTBEAT':
      return { kind: 'event', event: { type }, warnings: [] };
    case 'TASK_ADDED':
    case 'TASK_UPDATED':
    case 'AGENT_ADDED':
    case 'AGENT_REMOVED':
    case 'FRAMEWORK_ADDED':
    case 'FRAMEWORK_UPDATED':
    case 'FRAMEWORK_REMOVED':
      return readItemEvent(type, field(doc, type.toLowerCase()));
    default:
      return { kind: 'unknown', type };
  }
}

function readItemEvent(type: Exclude<StreamEventType, 'SUBSCRIBED' | 'HEARTBEAT'>, payload: unknown): DecodedEvent {
  const item = ITEM_OF[type];
  try {
    const p = obj(payload, type.toLowerCase());
    return { kind: 'event', event: itemEvent(type, p), warnings: [] };
  } catch (e) {
    if (!(e instanceof BadItem)) throw e;
    return { kind: 'skipped', type, warning: { item, id: payloadId(type, payload), reason: e.message } };
  }
}

const ITEM_OF = {
  TASK_ADDED: 'task',
  TASK_UPDATED: 'task',
  AGENT_ADDED: 'agent',
  AGENT_REMOVED: 'agent',
  FRAMEWORK_ADDED: 'framework',
  FRAMEWORK_UPDATED: 'framework',
  FRAMEWORK_REMOVED: 'framework',
} as const;

function itemEvent(type: Exclude<StreamEventType, 'SUBSCRIBED' | 'HEARTBEAT'>, p: Obj): StreamEvent {
  switch (type) {
    case 'TASK_ADDED':
      return { type, task: toTask(field(p, 'task')) };
    case 'TASK_UPDATED': {
      const statusObj = obj(field(p, 'status'), 'task_updated.status');
      const status = toStatus(statusObj);
      const state = field(p, 'state');
      if (state !== undefined && typeof state !== 'string') throw new BadItem('task_updated.state is not a string');
      return {
        type,
        frameworkId: idValue(p, 'framework_id', 'task_updated'),
        taskId: idValue(statusObj, 'task_id', 'task_updated.status'),
        state: state === undefined ? status.state : internTaskState(state),
        status,
      };
    }
    case 'AGENT_ADDED':
      return { type, agent: toAgent(field(p, 'agent')) };
    case 'AGENT_REMOVED':
      return { type, agentId: idValue(p, 'agent_id', 'agent_removed') };
    case 'FRAMEWORK_ADDED':
    case 'FRAMEWORK_UPDATED':
      return { type, framework: toFramework(field(obj(field(p, 'framework'), 'framework'), 'framework_info')) };
    case 'FRAMEWORK_REMOVED':
      return { type, frameworkId: toFramework(field(p, 'framework_info')).id };
  }
}

function readSubscribed(v: unknown): DecodedEvent {
  if (!isObj(v)) throw new StreamFailure('MESOS_DNS_STREAM_BAD_EVENT', 'SUBSCRIBED carries no "subscribed" object');
  const getState = optionalObj(field(v, 'get_state'), 'subscribed.get_state');
  const warnings: StreamWarning[] = [];
  const agents = readList(getState, 'get_agents', 'agents', 'agent', toAgent, warnings);
  const frameworks = readList(
    getState,
    'get_frameworks',
    'frameworks',
    'framework',
    (f) => toFramework(field(obj(f, 'framework'), 'framework_info')),
    warnings,
  );
  const tasks = readList(getState, 'get_tasks', 'tasks', 'task', toTask, warnings);
  const hb = field(v, 'heartbeat_interval_seconds');
  const heartbeatSeconds =
    typeof hb === 'number' && Number.isFinite(hb) && hb > 0 ? Math.min(hb, MAX_HEARTBEAT_SECONDS) : null;
  return {
    kind: 'event',
    event: { type: 'SUBSCRIBED', subscribed: { frameworks, agents, tasks, heartbeatSeconds } },
    warnings,
  };
}

/**
 * `get_state.<group>.<key>`, each item read by `read`; a bad item is left
 * out with a warning. Only `tasks` of `get_tasks` is read: it is what v0 lists
 * as `frameworks[].tasks`, the one task list the generator uses (completed,
 * unreachable and orphan tasks are not).
 */
function readList<T>(
  getState: Obj,
  group: string,
  key: string,
  item: StreamWarning['item'],
  read: (v: unknown) => T,
  warnings: StreamWarning[],
): T[] {
  const groupObj = optionalObj(field(getState, group), `get_state.${group}`);
  const items = field(groupObj, key);
  if (items === undefined || items === null) return [];
  if (!Array.isArray(items)) {
    throw new StreamFailure('MESOS_DNS_STREAM_BAD_EVENT', `get_state.${group}.${key} is not an array`);
  }
  const out: T[] = [];
  for (const v of items) {
    try {
      out.push(read(v));
    } catch (e) {
      if (!(e instanceof BadItem)) throw e;
      warnings.push({ item, id: itemId(item, v), reason: e.message });
    }
  }
  return out;
}

function optionalObj(v: unknown, where: string): Obj {
  if (v === undefined || v === null) return {};
  if (!isObj(v)) throw new StreamFailure('MESOS_DNS_STREAM_BAD_EVENT', `${where} is not an object`);
  return v;
}

/** The id of an item, for a warning about it, when it can be found. */
function itemId(item: StreamWarning['item'], v: unknown): string | undefined {
  if (!isObj(v)) return undefined;
  let holder: unknown = v;
  if (item === 'agent') holder = field(v, 'agent_info');
  if (item === 'framework') {
    const framework = field(v, 'framework');
    holder = field(isObj(framework) ? framework : v, 'framework_info');
  }
  if (!isObj(holder)) return undefined;
  const id = field(holder, item === 'task' ? 'task_id' : 'id');
  const value = isObj(id) ? field(id, 'value') : undefined;
  return typeof value === 'string' ? value : undefined;
}

function payloadId(type: Exclude<StreamEventType, 'SUBSCRIBED' | 'HEARTBEAT'>, payload: unknown): string | undefined {
  if (!isObj(payload)) return undefined;
  switch (type) {
    case 'TASK_ADDED':
      return itemId('task', field(payload, 'task'));
    case 'TASK_UPDATED':
      return itemId('task', field(payload, 'status'));
    case 'AGENT_ADDED':
      return itemId('agent', field(payload, 'agent'));
    case 'AGENT_REMOVED': {
      const id = field(payload, 'agent_id');
      const value = isObj(id) ? field(id, 'value') : undefined;
      return typeof value === 'string' ? value : undefined;
    }
    default:
      return itemId('framework', payload);
  }
}
