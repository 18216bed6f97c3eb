import type { IPSource } from '../config/types.js';
import type { MesosState, Task, TaskList } from '../state/state.js';
import { splitHostPort } from '../net/host-port.js';
import { parseAddr, type Addr } from '../net/ip.js';
import { type AppNames, FrameworkNames } from './app-names.js';
import { slaveIdTail } from './hash.js';
import { cachedLabel, domainFrag, labelFor, type LabelFn } from './labels.js';
import type { MemoryBudget } from './budget.js';
import {
  prepareTask,
  type Agent,
  type Agents,
  type PrepareOptions,
  type PreparedDiscovery,
  type PreparedTask,
} from './prepared-task.js';
import { RecordStore, type StoreSize } from './store.js';
import type { EnumFramework, EnumTask, Generated } from './types.js';

export interface GenerateInput {
  /** lower-case, no trailing dot */
  domain: string;
  enforceRFC952: boolean;
  ipSources: readonly IPSource[];
  /** with its trailing dot */
  soaMname: string;
  listener: string;
  /** ordered masters list (leader candidate first, may hold "") */
  masters: readonly string[];
  healthyOnly: boolean;
  /** also collect PTR pairs (`store.ptr`) for the task, agent and master addresses (default false) */
  ptrOn?: boolean;
  /** addresses of the host names (not IP literals) that appear in the state */
  resolved: ReadonlyMap<string, readonly string[]>;
  /** non-loopback interface addresses, used when the listener is 0.0.0.0 */
  interfaceAddrs: readonly string[];
  /** caps what the records and their table may allocate (none when absent) */
  budget?: MemoryBudget;
  /**
   * Only the tasks' records and the name server's (the apex's NS needs its
   * address), none of the frameworks', agents' or masters' (default false): an
   * overlay whose changes reached none of those names leaves them to its base
   * (refresh/overlay.ts).
   */
  tasksOnly?: boolean;
  /**
   * Where the tasks come from once read and reduced (`PreparedTask`), given
   * the state's agents: framework by framework, in the state's order. By
   * default generation reads them itself; the first load has another thread
   * do it (refresh/task-preparer.ts).
   */
  preparation?: Preparation;
}

/**
 * The next prepared task of a framework (by its index in the state), or null
 * once its tasks are done; frameworks are asked for in the state's order. A
 * task is valid until the next call: what generation keeps of it, it copies.
 * A call rather than an iterator, whose result objects were one more
 * allocation per task in the thread the first answer waits for.
 */
export type PreparedTasks = (framework: number) => PreparedTask | null;

/**
 * Where generation gets its prepared tasks from, once it knows the state's
 * agents (`GenerateInput.preparation`); `label` is generation's own, for the
 * tasks prepared in its thread.
 */
export type Preparation = (agents: Agents, warn: (msg: string) => void, label: LabelFn) => PreparedTasks;

/**
 * State + config → the record set and enumeration the Go Mesos-DNS produces
 * (docs/compatibility.md, Generated names), in its generation order. Pure: host names were resolved
 * beforehand into `input.resolved`.
 */
export function generate(
  state: MesosState<TaskList>,
  input: GenerateInput,
  warn: (msg: string) => void = () => {},
): Generated {
  const d = input.domain;
  const label = cachedLabel(labelFor(input.enforceRFC952));
  const store = new RecordStore(input.budget, expectedSize(state));
  const hostIPs = (host: string): Addr[] => {
    const lit = parseAddr(host);
    if (lit) return [lit];
    const out: Addr[] = [];
    for (const a of input.resolved.get(host) ?? []) {
      const ip = parseAddr(a);
      if (ip) out.push(ip);
    }
    return out;
  };

  const own = input.tasksOnly !== true;
  for (const fw of own ? state.frameworks : []) {
    const host = fw.pid ? fw.pid.host : fw.hostname;
    const ips = hostIPs(host);
    if (ips.length === 0) continue;
    const f = domainFrag(fw.name, label);
    const name = store.id(`${f}.${d}.`);
    for (const ip of ips) store.addAddr(name, ip);
    if (fw.pid) addSrvText(store, store.id(`_framework._tcp.${f}.${d}.`), name, fw.pid.port);
  }

  const ptrOn = input.ptrOn === true;
  const byId = new Map<string, number>();
  const list: Agent[] = [];
  const slaveName = store.id(`slave.${d}.`);
  for (const slave of state.slaves) {
    const ips = hostIPs(slave.pid.host);
    if (own) {
      for (const ip of ips) {
        store.addAddr(slaveName, ip);
        if (ptrOn) store.ptr.add(ip, slaveName);
      }
      if (ips.length > 0) addSrvText(store, store.id(`_slave._tcp.${d}.`), slaveName, slave.pid.port);
    }
    byId.set(slave.id, list.length);
    list.push({ ips, tail: slaveIdTail(slave.id) });
  }
  const agents: Agents = { byId, list };

  insertNameServer(store, input);
  if (own) insertLeaderAndMasters(store, state.leader, input, warn, ptrOn);

  const nextTask = input.preparation?.(agents, warn, label) ?? readTasks(state, agents, input, label, warn);
  const frameworks: EnumFramework[] = [];
  for (let f = 0; f < state.frameworks.length; f++) {
    const fw = state.frameworks[f]!;
    const names = new FrameworkNames(domainFrag(fw.name, label), d, store);
    const tasks: EnumTask[] = [];
    for (let task = nextTask(f); task !== null; task = nextTask(f)) {
      const from = store.beginTask();
      const canonical = insertTask(task, names);
      if (ptrOn && task.ownIPs) addTaskPtrs(store, task.ips, canonical, slaveName);
      tasks.push({ name: task.name, id: task.id, from, to: store.endTask() });
    }
    frameworks.push({ tasks, name: fw.name });
  }

  return { store, enumeration: { frameworks: frameworks.length > 0 ? frameworks : null } };
}

/** The state's tasks, read and prepared here, one framework after the other. */
function readTasks(
  state: MesosState<TaskList>,
  agents: Agents,
  options: PrepareOptions,
  label: LabelFn,
  warn: (msg: string) => void,
): PreparedTasks {
  let reading = -1;
  let tasks: Iterator<Task> = [][Symbol.iterator]();
  return (framework) => {
    if (framework !== reading) {
      reading = framework;
      tasks = state.frameworks[framework]!.tasks[Symbol.iterator]();
    }
    for (let r = tasks.next(); r.done !== true; r = tasks.next()) {
      const p = prepareTask(r.value, agents, options, label, warn);
      if (p !== null) return p;
    }
    return null;
  };
}

/** How many tasks made records (the enumeration lists those). */
export function tasksWithRecords(generated: Generated): number {
  let n = 0;
  for (const fw of generated.enumeration.frameworks ?? []) n += fw.tasks.length;
  return n;
}

/**
 * A task's own addresses point back to its canonical name. One that is also
 * an agent's (a container on the host network reports it) points to
 * `slave.<domain>` only: hundreds of tasks may share it.
 */
function addTaskPtrs(store: RecordStore, ips: readonly Addr[], canonical: number, slaveName: number): void {
  for (const ip of ips) if (!store.ptr.has(ip, slaveName)) store.ptr.add(ip, canonical);
}

/**
 * About how large the store of `state` gets, from the task count: each task
 * makes its own two or four canonical names and adds to its application's
 * shared ones (counts measured on the synthetic state of bench/synthetic-state.ts).
 */
function expectedSize(state: MesosState<TaskList>): StoreSize {
  let tasks = 0;
  for (const fw of state.frameworks) tasks += fw.tasks.length;
  return { names: 1024 + tasks * 9, values: [1024 + tasks * 4, 256 + (tasks >> 1), 1024 + tasks * 13] };
}

/**
 * An SRV value whose port comes as text (a UPID's): a number when it is one
 * in its shortest form, else kept as the text the Go program stores (a
 * service name such as `http` can never go on the wire).
 */
function addSrvText(store: RecordStore, name: number, target: number, port: string): void {
  if (/^(0|[1-9][0-9]{0,14})$/.test(port)) store.addSrv(name, target, Number(port));
  else store.addSrv(name, target, NaN, `${store.nameText(target)}:${port}`);
}

function insertNameServer(store: RecordStore, input: GenerateInput): void {
  const addrs = input.listener === '0.0.0.0' ? input.interfaceAddrs : [input.listener];
  for (const a of addrs) {
    const ip = parseAddr(a);
    if (ip) store.addAddr(store.id(input.soaMname), ip);
  }
}

/** Leader and master records (docs/compatibility.md, Leader and master records), including Go's `masterN` numbering quirks. */
function insertLeaderAndMasters(
  store: RecordStore,
  leader: string,
  input: GenerateInput,
  warn: (msg: string) => void,
  ptrOn: boolean,
): void {
  const d = input.domain;
  const numbered = (idx: number, ip: Addr): void => {
    const name = store.id(`master${idx}.${d}.`);
    store.addAddr(name, ip);
    if (ptrOn) store.ptr.add(ip, name);
  };
  const at = leader.split('@');
  if (at.length < 2) {
    warn(`leader ${JSON.stringify(leader)} is not a UPID; no leader or master records`);
    return;
  }
  const l = at[1]!;
  const hp = splitLoose(l);
  const leaderIP = hp ? parseAddr(hp.host) : null;
  if (!hp || !leaderIP) {
    warn(`leader ${JSON.stringify(leader)} has no IP address; no leader or master records`);
    return;
  }
  const leaderName = store.id(`leader.${d}.`);
  const masterName = store.id(`master.${d}.`);
  store.addAddr(leaderName, leaderIP);
  if (ptrOn) store.ptr.add(leaderIP, leaderName);
  store.addAddr(masterName, leaderIP);
  addSrvText(store, store.id(`_leader._tcp.${d}.`), leaderName, hp.port);
  addSrvText(store, store.id(`_leader._udp.${d}.`), leaderName, hp.port);

  let idx = 0;
  let leaderSeen = false;
  for (const m of input.masters) {
    const mhp = splitHostPort(m);
    const ip = mhp ? parseAddr(mhp.host) : null;
    if (!ip) {
      if (m !== '') warn(`unable to parse master ${JSON.stringify(m)}`);
      continue;
    }
    if (m !== l) {
      if (store.hasAddr(masterName, ip)) continue;
      store.addAddr(masterName, ip);
    } else if (leaderSeen) {
      continue;
    }
    numbered(idx, ip);
    idx++;
    if (m === l) leaderSeen = true;
  }
  if (!leaderSeen) {
    if (input.masters.some((m) => m !== '')) warn(`leader ${JSON.stringify(leader)} is not in master list`);
    numbered(idx, leaderIP);
  }
}

function splitLoose(s: string): { host: string; port: string } | null {
  const hp = splitHostPort(s);
  if (hp) return hp;
  const i = s.indexOf(':');
  return i < 0 ? null : { host: s.slice(0, i), port: s.slice(i + 1) };
}

/** Inserts a task's records; returns its canonical name's node (the sanitised one, under the framework). */
function insertTask(task: PreparedTask, names: FrameworkNames): number {
  const d = task.discovery;
  if (d?.raw) emit(names.app(d.raw.app), d.raw.canonical, names, task, d);
  return emit(names.app(task.app), task.canonical, names, task, d);
}

function emit(
  app: AppNames,
  canonical: string,
  fw: FrameworkNames,
  task: PreparedTask,
  discovery: PreparedDiscovery | null,
): number {
  // Indexed loops: with the first load's lower inlining budget (refresh/inlining-budget.ts) an array's
  // iterator was not always inlined here, and each step of it was an object.
  const store = fw.store;
  const target = store.below(fw.fd, canonical);
  const slaveTarget = store.below(fw.slaveFd, canonical);
  const { ips, ports } = task;
  for (let i = 0; i < ips.length; i++) {
    store.addAddr(app.inFd, ips[i]!);
    store.addAddr(target, ips[i]!);
  }
  const agentIPs = task.agent.ips;
  for (let i = 0; i < agentIPs.length; i++) {
    store.addAddr(app.inSlaveFd, agentIPs[i]!);
    store.addAddr(slaveTarget, agentIPs[i]!);
  }
  for (let i = 0; i < ports.length; i++) {
    const p = ports[i]!;
    store.addSrv(app.tcpSlave, slaveTarget, p);
    store.addSrv(app.udpSlave, slaveTarget, p);
    if (!discovery) {
      store.addSrv(app.tcp, slaveTarget, p);
      store.addSrv(app.udp, slaveTarget, p);
    }
  }
  if (!discovery) return target;
  for (let i = 0; i < discovery.ports.length; i++) {
    const { number, protocol: p, name: n } = discovery.ports[i]!;
    // An empty protocol means both (docs/compatibility.md, Task records).
    const first = p !== '' ? p : 'tcp';
    store.addSrv(app.srv(first), target, number);
    if (p === '') store.addSrv(app.udp, target, number);
    if (n === '') continue;
    store.addSrv(app.namedSrv(n, first), target, number);
    if (p === '') store.addSrv(app.namedSrv(n, 'udp'), target, number);
  }
  return target;
}
