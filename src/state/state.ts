import { StateError } from '../errors.js';
import { BadItem, arr, get, idOf, isObj, obj, str } from './fields.js';
import { PolledTasks, readTask } from './task.js';
import { parseUPID, type UPID } from './upid.js';

/** The parts of `GET /master/state` the generator uses (docs/compatibility.md, Fields read), validated. */
export interface MesosState<Tasks extends TaskList = Task[]> {
  leader: string;
  frameworks: Array<Framework<Tasks>>;
  slaves: Slave[];
}

export interface Framework<Tasks extends TaskList = Task[]> {
  /**
   * The framework's id, when the state gives one as a string. No record uses it (nor does the Go program):
   * it matches a polled framework to the event stream's (`mesos/stream/reconcile.ts`).
   */
  id?: string;
  name: string;
  /** null when the `pid` key is absent or unusable (then `hostname` is the host) */
  pid: UPID | null;
  hostname: string;
  tasks: Tasks;
}

/**
 * A framework's tasks: an array, or those of a polled state still to be
 * validated (`PolledTasks`). Code that reads every kind of state takes
 * `MesosState<TaskList>` and only iterates them.
 */
export type TaskList = readonly Task[] | PolledTasks;

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

export interface ValidatedState<Tasks extends TaskList = Task[]> {
  state: MesosState<Tasks>;
  warnings: StateWarning[];
}

/**
 * `validateState` with every framework's tasks left to validate as they are
 * read (`PolledTasks`): the warnings returned are those of the frameworks and
 * agents, and a bad task goes to `reportTask` when it is first read.
 */
export function validateFrameworksAndAgents(
  doc: unknown,
  master: string,
  reportTask: (warning: StateWarning) => void,
): ValidatedState<PolledTasks> {
  // eslint-disable-next-line require-yield -- nothing to pause for: the tasks are read later
  const steps = validateWith(doc, master, function* (list, agentIds) {
    return new PolledTasks(list, agentIds, reportTask);
  });
  let step = steps.next();
  while (step.done !== true) step = steps.next();
  return step.value;
}

/**
 * `validateState` in steps: it pauses after every `tasksPerStep` tasks, so a
 * caller that must keep serving other work (the refresh worker, reading the
 * event stream meanwhile) can resume it a turn later. The result is the same.
 */
export function validationSteps(
  doc: unknown,
  master?: string,
  tasksPerStep = Number.POSITIVE_INFINITY,
): Generator<void, ValidatedState> {
  let untilStep = tasksPerStep;
  return validateWith(doc, master, function* (list, agentIds, warnings) {
    const tasks: Task[] = [];
    for (let ti = 0; ti < list.length; ti++) {
      if (--untilStep < 0) {
        yield;
        untilStep = tasksPerStep - 1;
      }
      const task = readTask(list[ti], ti, agentIds, (w) => warnings.push(w));
      if (task !== null) tasks.push(task);
    }
    return tasks;
  });
}

/** How a framework's `tasks` list is read; it may pause (yield) between tasks. */
type TaskReader<Tasks extends TaskList> = (
  list: unknown[],
  agentIds: ReadonlyMap<string, string>,
  warnings: StateWarning[],
) => Generator<void, Tasks>;

function* validateWith<Tasks extends TaskList>(
  doc: unknown,
  master: string | undefined,
  readTasks: TaskReader<Tasks>,
): Generator<void, ValidatedState<Tasks>> {
  if (!isObj(doc)) throw new StateError('state is not a JSON object', master);
  const leader = get(doc, 'leader');
  if (typeof leader !== 'string' || leader === '') {
    throw new StateError('fetched state does not contain leader information', master);
  }
  const warnings: StateWarning[] = [];
  const frameworks: Array<Framework<Tasks>> = [];
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
      const list = arr(o, 'tasks', 'framework');
      const name = str(o, 'name', 'framework');
      const hostname = str(o, 'hostname', 'framework');
      // Only a framework that is kept has its tasks read: those of one skipped are neither validated nor counted,
      // whether they are read now or as generation reads them (`PolledTasks`).
      const tasks = yield* readTasks(list, agentIds, warnings);
      const id = idOf(o);
      frameworks.push({ ...(id !== undefined && { id }), name, pid, hostname, tasks });
    } catch (e) {
      if (!(e instanceof BadItem)) throw e;
      warnings.push({ item: 'framework', index, id: idOf(v), reason: e.message });
    }
  }

  return { state: { leader, frameworks, slaves }, warnings };
}
