import type { IPSource } from '../config/types.js';
import type { MesosState, Task } from '../state/state.js';
import { MAX_PORTS_PER_TASK, parsePortRanges } from '../state/ports.js';
import { splitHostPort } from '../net/host-port.js';
import { parseIP, type ParsedIP } from '../net/ip.js';
import { domainFrag, labelFor, type LabelFn } from './labels.js';
import { slaveIdTail, taskHash } from './hash.js';
import { latestRunningStatus, taskIPs } from './task-ips.js';
import { valuesOf } from './record-set.js';
import type { EnumFramework, EnumTask, Generated } from './types.js';
import { RecordBuilder } from './record-builder.js';
import { type AppNames, FrameworkNames, flat } from './app-names.js';

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
  /** addresses of the host names (not IP literals) that appear in the state */
  resolved: ReadonlyMap<string, readonly string[]>;
  /** non-loopback interface addresses, used when the listener is 0.0.0.0 */
  interfaceAddrs: readonly string[];
}

interface Agent {
  /** Go remembers an unresolved host as a bogus "IP"; it can never be served, so we keep nothing. */
  ips: ParsedIP[];
  /** `slaveIdTail` of the agent id */
  tail: string;
}

/**
 * State + config → the record set and enumeration the Go Mesos-DNS produces
 * (docs/compatibility.md, Generated names), in its generation order. Pure: host names were resolved
 * beforehand into `input.resolved`.
 */
export function generate(state: MesosState, input: GenerateInput, warn: (msg: string) => void = () => {}): Generated {
  const d = input.domain;
  const label = cachedLabel(labelFor(input.enforceRFC952));
  const b = new RecordBuilder();
  const hostIPs = (host: string): ParsedIP[] => {
    const lit = parseIP(host);
    if (lit) return [lit];
    const out: ParsedIP[] = [];
    for (const a of input.resolved.get(host) ?? []) {
      const ip = parseIP(a);
      if (ip) out.push(ip);
    }
    return out;
  };

  for (const fw of state.frameworks) {
    const host = fw.pid ? fw.pid.host : fw.hostname;
    const ips = hostIPs(host);
    if (ips.length === 0) continue;
    const f = domainFrag(fw.name, label);
    for (const ip of ips) b.insertIP(`${f}.${d}.`, ip);
    if (fw.pid) b.insert('SRV', `_framework._tcp.${f}.${d}.`, `${f}.${d}.:${fw.pid.port}`);
  }

  const agents = new Map<string, Agent>();
  for (const slave of state.slaves) {
    const ips = hostIPs(slave.pid.host);
    for (const ip of ips) b.insertIP(`slave.${d}.`, ip);
    if (ips.length > 0) b.insert('SRV', `_slave._tcp.${d}.`, `slave.${d}.:${slave.pid.port}`);
    agents.set(slave.id, { ips, tail: slaveIdTail(slave.id) });
  }

  insertNameServer(b, input);
  insertLeaderAndMasters(b, state.leader, input, warn);

  const frameworks: EnumFramework[] = [];
  for (const fw of state.frameworks) {
    const names = new FrameworkNames(domainFrag(fw.name, label), d);
    const tasks: EnumTask[] = [];
    for (const task of fw.tasks) {
      if (task.state !== 'TASK_RUNNING') continue;
      const agent = agents.get(task.slaveId);
      if (!agent) continue;
      const status = latestRunningStatus(task);
      if (input.healthyOnly && status?.healthy === false) continue;
      b.beginTask();
      const ports = taskPorts(task, warn);
      insertTask(b, task, taskIPs(status, input.ipSources, agent.ips), ports, agent, names, label);
      tasks.push({ name: task.name, id: task.id, records: b.endTask() });
    }
    frameworks.push({ tasks, name: fw.name });
  }

  return { records: b.records, enumeration: { frameworks: frameworks.length > 0 ? frameworks : null } };
}

/** Task and port names repeat across tasks: sanitise each distinct one once per refresh. */
function cachedLabel(label: LabelFn): LabelFn {
  const cache = new Map<string, string>();
  return (s) => {
    let out = cache.get(s);
    if (out === undefined) {
      out = label(s);
      cache.set(s, out);
    }
    return out;
  };
}

function insertNameServer(b: RecordBuilder, input: GenerateInput): void {
  if (input.listener === '0.0.0.0') {
    for (const a of input.interfaceAddrs) {
      const ip = parseIP(a);
      if (ip) b.insertIP(input.soaMname, ip);
    }
    return;
  }
  const ip = parseIP(input.listener);
  if (ip) b.insertIP(input.soaMname, ip);
}

/** Leader and master records (docs/compatibility.md, Leader and master records), including Go's `masterN` numbering quirks. */
function insertLeaderAndMasters(
  b: RecordBuilder,
  leader: string,
  input: GenerateInput,
  warn: (msg: string) => void,
): void {
  const d = input.domain;
  const at = leader.split('@');
  if (at.length < 2) {
    warn(`leader ${JSON.stringify(leader)} is not a UPID; no leader or master records`);
    return;
  }
  const l = at[1]!;
  const hp = splitLoose(l);
  const leaderIP = hp ? parseIP(hp.host) : null;
  if (!hp || !leaderIP) {
    warn(`leader ${JSON.stringify(leader)} has no IP address; no leader or master records`);
    return;
  }
  b.insertIP(`leader.${d}.`, leaderIP);
  b.insertIP(`master.${d}.`, leaderIP);
  b.insert('SRV', `_leader._tcp.${d}.`, `leader.${d}.:${hp.port}`);
  b.insert('SRV', `_leader._udp.${d}.`, `leader.${d}.:${hp.port}`);

  let idx = 0;
  let leaderSeen = false;
  for (const m of input.masters) {
    const mhp = splitHostPort(m);
    const ip = mhp ? parseIP(mhp.host) : null;
    if (!ip) {
      if (m !== '') warn(`unable to parse master ${JSON.stringify(m)}`);
      continue;
    }
    if (m !== l) {
      const values = (ip.family === 4 ? b.records.a : b.records.aaaa).get(`master.${d}.`);
      if (values !== undefined && valuesOf(values).includes(ip.text)) continue;
      b.insertIP(`master.${d}.`, ip);
    } else if (leaderSeen) {
      continue;
    }
    b.insertIP(`master${idx}.${d}.`, ip);
    idx++;
    if (m === l) leaderSeen = true;
  }
  if (!leaderSeen) {
    if (input.masters.some((m) => m !== '')) warn(`leader ${JSON.stringify(leader)} is not in master list`);
    b.insertIP(`master${idx}.${d}.`, leaderIP);
  }
}

function splitLoose(s: string): { host: string; port: string } | null {
  const hp = splitHostPort(s);
  if (hp) return hp;
  const i = s.indexOf(':');
  return i < 0 ? null : { host: s.slice(0, i), port: s.slice(i + 1) };
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

function insertTask(
  b: RecordBuilder,
  task: Task,
  ips: ParsedIP[],
  ports: readonly number[],
  agent: Agent,
  names: FrameworkNames,
  label: LabelFn,
): void {
  const hash = taskHash(task.id);
  if (!task.discovery) {
    const t = label(task.name);
    emit(b, names.app(t), `${t}-${hash}-${agent.tail}`, names, ips, agent.ips, ports, null, label);
    return;
  }
  const raw = task.discovery.name;
  const clean = label(raw);
  emit(b, names.app(raw), `${raw}-${hash}-${agent.tail}`, names, ips, agent.ips, ports, task.discovery, label);
  emit(b, names.app(clean), `${clean}-${hash}-${agent.tail}`, names, ips, agent.ips, ports, task.discovery, label);
}

function emit(
  b: RecordBuilder,
  app: AppNames,
  canonical: string,
  fw: FrameworkNames,
  ips: readonly ParsedIP[],
  slaveIPs: readonly ParsedIP[],
  ports: readonly number[],
  discovery: Task['discovery'],
  label: LabelFn,
): void {
  const target = flat(`${canonical}.${fw.fd}`);
  const slaveTarget = flat(`${canonical}.${fw.slaveFd}`);
  for (const ip of ips) {
    app.inFd.insertIP(b, ip);
    b.insertIP(target, ip);
  }
  for (const ip of slaveIPs) {
    app.inSlaveFd.insertIP(b, ip);
    b.insertIP(slaveTarget, ip);
  }
  for (const p of ports) {
    const v = flat(`${slaveTarget}:${p}`);
    app.tcpSlave.insertSRV(b, v);
    app.udpSlave.insertSRV(b, v);
    if (!discovery) {
      app.tcp.insertSRV(b, v);
      app.udp.insertSRV(b, v);
    }
  }
  if (!discovery) return;
  for (const port of discovery.ports) {
    const v = flat(`${target}:${port.number}`);
    const p = label(port.protocol);
    const n = label(port.name);
    // An empty protocol means both (docs/compatibility.md, Task records).
    const first = p !== '' ? p : 'tcp';
    app.srv(first).insertSRV(b, v);
    if (p === '') app.udp.insertSRV(b, v);
    if (n === '') continue;
    app.namedSrv(n, first).insertSRV(b, v);
    if (p === '') app.namedSrv(n, 'udp').insertSRV(b, v);
  }
}
