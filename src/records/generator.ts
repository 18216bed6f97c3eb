import type { IPSource } from '../config/types.js';
import type { MesosState, Task } from '../mesos/state.js';
import { parsePortRanges } from '../mesos/ports.js';
import { parseIP, splitHostPort, type ParsedIP } from './ip.js';
import { domainFrag, labelFor, type LabelFn } from './labels.js';
import { slaveIdTail, taskHash } from './hash.js';
import { latestRunningStatus, taskIPs } from './task-ips.js';
import type { EnumFramework, EnumRecord, EnumTask, Generated, RecordSet, RecordType } from './types.js';

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

class RecordBuilder {
  readonly records: RecordSet = { a: new Map(), aaaa: new Map(), srv: new Map() };
  /** records a task inserted that did not exist before, for /v1/enumerate */
  journal: EnumRecord[] | null = null;

  insert(rtype: RecordType, name: string, value: string): void {
    const map = rtype === 'A' ? this.records.a : rtype === 'AAAA' ? this.records.aaaa : this.records.srv;
    let set = map.get(name);
    if (!set) {
      set = new Set();
      map.set(name, set);
    }
    if (set.has(value)) return;
    set.add(value);
    this.journal?.push({ name, host: value, rtype });
  }

  insertIP(name: string, ip: ParsedIP): void {
    this.insert(ip.family === 4 ? 'A' : 'AAAA', name, ip.text);
  }
}

/**
 * State + config → the record set and enumeration the Go Mesos-DNS produces
 * (behaviour spec §2), in its generation order. Pure: host names were resolved
 * beforehand into `input.resolved`.
 */
export function generate(state: MesosState, input: GenerateInput, warn: (msg: string) => void = () => {}): Generated {
  const d = input.domain;
  const label = labelFor(input.enforceRFC952);
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

  const slaveIPs = new Map<string, string[]>();
  for (const slave of state.slaves) {
    const ips = hostIPs(slave.pid.host);
    for (const ip of ips) b.insertIP(`slave.${d}.`, ip);
    if (ips.length > 0) b.insert('SRV', `_slave._tcp.${d}.`, `slave.${d}.:${slave.pid.port}`);
    // Go remembers the unresolved host as a bogus "IP"; it can never be served, so we keep nothing.
    slaveIPs.set(slave.id, ips.map((ip) => ip.text));
  }

  insertNameServer(b, input);
  insertLeaderAndMasters(b, state.leader, input, warn);

  const frameworks: EnumFramework[] = [];
  for (const fw of state.frameworks) {
    const f = domainFrag(fw.name, label);
    const tasks: EnumTask[] = [];
    for (const task of fw.tasks) {
      if (task.state !== 'TASK_RUNNING') continue;
      const sIPs = slaveIPs.get(task.slaveId);
      if (!sIPs) continue;
      if (input.healthyOnly && latestRunningStatus(task)?.healthy === false) continue;
      b.journal = [];
      insertTask(b, task, f, sIPs, input, label);
      tasks.push({ name: task.name, id: task.id, records: b.journal.length > 0 ? b.journal : null });
      b.journal = null;
    }
    frameworks.push({ tasks, name: fw.name });
  }

  return { records: b.records, enumeration: { frameworks: frameworks.length > 0 ? frameworks : null } };
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

/** Leader and master records (spec §2.9), including Go's `masterN` numbering quirks. */
function insertLeaderAndMasters(b: RecordBuilder, leader: string, input: GenerateInput, warn: (msg: string) => void): void {
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
      const set = (ip.family === 4 ? b.records.a : b.records.aaaa).get(`master.${d}.`);
      if (set?.has(ip.text)) continue;
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

function insertTask(b: RecordBuilder, task: Task, f: string, sIPs: readonly string[], input: GenerateInput, label: LabelFn): void {
  const ips = taskIPs(task, input.ipSources, sIPs);
  const slaveParsed = sIPs.map((s) => parseIP(s)!);
  const ports = parsePortRanges(task.ports);
  const ctx: TaskCtx = { hash: taskHash(task.id), tail: slaveIdTail(task.slaveId), f, d: input.domain, ips, slaveParsed, ports };
  if (!task.discovery) {
    emit(b, label(task.name), ctx, null, label);
    return;
  }
  emit(b, task.discovery.name, ctx, task.discovery, label);
  emit(b, label(task.discovery.name), ctx, task.discovery, label);
}

interface TaskCtx {
  hash: string;
  tail: string;
  f: string;
  d: string;
  ips: ParsedIP[];
  slaveParsed: ParsedIP[];
  ports: number[];
}

function emit(b: RecordBuilder, t: string, c: TaskCtx, discovery: Task['discovery'], label: LabelFn): void {
  const canonical = `${t}-${c.hash}-${c.tail}`;
  const fd = `${c.f}.${c.d}.`;
  const slaveFd = `${c.f}.slave.${c.d}.`;
  for (const ip of c.ips) {
    b.insertIP(`${t}.${fd}`, ip);
    b.insertIP(`${canonical}.${fd}`, ip);
  }
  for (const ip of c.slaveParsed) {
    b.insertIP(`${t}.${slaveFd}`, ip);
    b.insertIP(`${canonical}.${slaveFd}`, ip);
  }
  const slaveTarget = `${canonical}.${slaveFd}`;
  for (const p of c.ports) {
    const v = `${slaveTarget}:${p}`;
    b.insert('SRV', `_${t}._tcp.${slaveFd}`, v);
    b.insert('SRV', `_${t}._udp.${slaveFd}`, v);
    if (!discovery) {
      b.insert('SRV', `_${t}._tcp.${fd}`, v);
      b.insert('SRV', `_${t}._udp.${fd}`, v);
    }
  }
  if (!discovery) return;
  const target = `${canonical}.${fd}`;
  for (const port of discovery.ports) {
    const v = `${target}:${port.number}`;
    const p = label(port.protocol);
    const protocols = p !== '' ? [p] : ['tcp', 'udp'];
    const n = label(port.name);
    for (const proto of protocols) b.insert('SRV', `_${t}._${proto}.${fd}`, v);
    if (n !== '') for (const proto of protocols) b.insert('SRV', `_${n}._${t}._${proto}.${fd}`, v);
  }
}
