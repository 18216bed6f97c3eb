import type { IPSource } from '../config/types.js';
import type { Addr } from '../net/ip.js';
import type { Discovery, Task } from '../state/state.js';
import { MAX_PORTS_PER_TASK, parsePortRanges } from '../state/ports.js';
import { taskHash } from './hash.js';
import type { LabelFn } from './labels.js';
import { latestRunningStatus, taskIPs } from './task-ips.js';

/** An agent as generation sees it. */
export interface Agent {
  /** Go remembers an unresolved host as a bogus "IP"; it can never be served, so we keep nothing. */
  ips: Addr[];
  /** `slaveIdTail` of the agent id */
  tail: string;
}

/**
 * The agents of a state: by id, and in the order the state lists them (the
 * index a prepared task names its agent by when it crosses threads).
 */
export interface Agents {
  byId: ReadonlyMap<string, number>;
  list: readonly Agent[];
}

/** What a task's records depend on, the state's task read and reduced: the part of generation that needs no store. */
export interface PreparedTask {
  name: string;
  id: string;
  agent: Agent;
  ips: readonly Addr[];
  /** false when `ips` are the agent's own (IP source `host`): those point back to the agent, not the task */
  ownIPs: boolean;
  ports: readonly number[];
  /** the label of its application: its name, or its DiscoveryInfo name, sanitised */
  app: string;
  /** `<app>-<hash>-<agent tail>`, its canonical label, with `hash` = `taskHash(id)` */
  canonical: string;
  discovery: PreparedDiscovery | null;
}

/**
 * A task's DiscoveryInfo as its records need it. Labels come ready, made
 * where the task is prepared (a thread of their own at the first load), so
 * that the thread inserting the records neither sanitises nor concatenates.
 */
export interface PreparedDiscovery {
  /** its ports, protocol and name sanitised as labels ('' stays '') */
  ports: ReadonlyArray<{ number: number; protocol: string; name: string }>;
  /**
   * The DiscoveryInfo name as given and its canonical label, when that name
   * is not already a clean label: its records are made under it as well
   * (docs/compatibility.md, Task records). Null otherwise.
   */
  raw: { app: string; canonical: string } | null;
}

export interface PrepareOptions {
  ipSources: readonly IPSource[];
  healthyOnly: boolean;
  /** which label rules (labels.ts, `labelFor`): the thread that prepares makes its own `LabelFn` from this */
  enforceRFC952: boolean;
}

/**
 * The task reduced to what its records need, or null when it makes none: not
 * running, on an unknown agent, or unhealthy under `healthyOnly`.
 */
export function prepareTask(
  task: Task,
  agents: Agents,
  options: PrepareOptions,
  label: LabelFn,
  warn: (msg: string) => void,
): PreparedTask | null {
  if (task.state !== 'TASK_RUNNING') return null;
  const index = agents.byId.get(task.slaveId);
  if (index === undefined) return null;
  const agent = agents.list[index]!;
  const status = latestRunningStatus(task);
  if (options.healthyOnly && status?.healthy === false) return null;
  const ports = taskPorts(task, warn);
  const { ips, source } = taskIPs(status, options.ipSources, agent.ips);
  const tail = `-${taskHash(task.id)}-${agent.tail}`;
  const d = task.discovery;
  const app = label(d === null ? task.name : d.name);
  return {
    name: task.name,
    id: task.id,
    agent,
    ips,
    ownIPs: source !== 'host',
    ports,
    app,
    canonical: app + tail,
    discovery: d === null ? null : preparedDiscovery(d, app, tail, label),
  };
}

function preparedDiscovery(d: Discovery, app: string, tail: string, label: LabelFn): PreparedDiscovery {
  return {
    ports: d.ports.map((p) => ({ number: p.number, protocol: label(p.protocol), name: label(p.name) })),
    // A name that is already a clean label would make the very same records twice: every insert a duplicate.
    raw: app === d.name ? null : { app: d.name, canonical: d.name + tail },
  };
}

/** Longest piece of a bad port range quoted in a warning: the text comes from the master. */
const QUOTED_RANGE_MAX = 64;

/** A task's ports; what was skipped is reported once per task and refresh, not once per range or name. */
function taskPorts(task: Task, warn: (msg: string) => void): number[] {
  let bad = 0;
  let firstBad = '';
  let total = 0;
  const ports = parsePortRanges(task.ports, {
    badRange: (range) => {
      if (bad++ === 0) firstBad = range;
    },
    tooMany: (n) => (total = n),
  });
  if (bad === 0 && total === 0) return ports;
  const id = JSON.stringify(task.id);
  if (bad > 0) {
    const quoted = JSON.stringify(
      firstBad.length > QUOTED_RANGE_MAX ? `${firstBad.slice(0, QUOTED_RANGE_MAX)}…` : firstBad,
    );
    warn(`task ${id}: skipped ${bad} bad port range(s) in resources.ports, the first ${quoted}`);
  }
  if (total > 0) {
    warn(
      `task ${id}: resources.ports holds ${total} ports, more than ${MAX_PORTS_PER_TASK}; only the first ${MAX_PORTS_PER_TASK} get SRV records`,
    );
  }
  return ports;
}
