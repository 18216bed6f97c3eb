import type { IPSource } from '../config/types.js';
import type { MesosState, Task } from '../mesos/state.js';
import { parsePortRanges } from '../mesos/ports.js';
import { parseIP, splitHostPort, type ParsedIP } from './ip.js';
import { domainFrag, labelFor, type LabelFn } from './labels.js';
import { slaveIdTail, taskHash } from './hash.js';
import { latestRunningStatus, taskIPs } from './task-ips.js';
import { valuesOf } from './record-set.js';
import type { EnumFramework, EnumTask, Generated, RecordSet, RecordType, Values } from './types.js';

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

/** Below this many values a name's array is replaced by an exactly sized copy on each add (no growth slack). */
const EXACT_UNDER = 8;
/** From this many values on, a side Set answers "already there?" instead of a scan. */
const INDEXED_FROM = 24;

class RecordBuilder {
  readonly records: RecordSet = { a: new Map(), aaaa: new Map(), srv: new Map() };
  /**
   * While a task is inserted (`journalled` ≥ 0): the records it added that did
   * not exist before, as name, host, rtype triples in `journal[0, journalled)`.
   * One scratch array for all tasks; each keeps an exactly sized copy.
   */
  private readonly journal: string[] = [];
  private journalled = -1;
  /** value index of the arrays that grew large; dropped with the builder */
  private readonly index = new Map<string[], Set<string>>();

  beginTask(): void {
    this.journalled = 0;
  }

  /** The records the task added (see `journal`), or null when none: Go's nil slice. */
  endTask(): string[] | null {
    const n = this.journalled;
    this.journalled = -1;
    return n > 0 ? this.journal.slice(0, n) : null;
  }

  private record(name: string, value: string, rtype: RecordType): void {
    if (this.journalled < 0) return;
    const j = this.journal;
    const at = this.journalled;
    j[at] = name;
    j[at + 1] = value;
    j[at + 2] = rtype;
    this.journalled = at + 3;
  }

  map(rtype: RecordType): Map<string, Values> {
    return rtype === 'A' ? this.records.a : rtype === 'AAAA' ? this.records.aaaa : this.records.srv;
  }

  /**
   * Adds `value` to `name`'s values unless present, journalling it when new.
   * `held` is the name's stored array when the caller holds it (see
   * NameSets). Returns the name's array afterwards, if it has one: small
   * arrays are replaced rather than grown, and the replaced one is emptied so
   * that a holder can tell it is stale (a stored array is never empty).
   */
  add(rtype: RecordType, name: string, held: string[] | undefined, value: string): string[] | undefined {
    const map = this.map(rtype);
    let values = held;
    if (values === undefined) {
      const stored = map.get(name);
      if (stored === undefined || typeof stored === 'string') {
        if (stored === value) return undefined;
        values = stored === undefined ? undefined : [stored, value];
        map.set(name, values ?? value);
        this.record(name, value, rtype);
        return values;
      }
      values = stored;
    }
    const n = values.length;
    if (n < EXACT_UNDER) {
      for (let i = 0; i < n; i++) if (values[i] === value) return values;
      const grown = new Array<string>(n + 1);
      for (let i = 0; i < n; i++) grown[i] = values[i]!;
      grown[n] = value;
      values.length = 0;
      values = grown;
      map.set(name, values);
    } else if (n < INDEXED_FROM) {
      if (values.includes(value)) return values;
      values.push(value);
    } else {
      let seen = this.index.get(values);
      if (seen === undefined) {
        seen = new Set(values);
        this.index.set(values, seen);
      }
      if (seen.has(value)) return values;
      seen.add(value);
      values.push(value);
    }
    this.record(name, value, rtype);
    return values;
  }

  insert(rtype: RecordType, name: string, value: string): void {
    this.add(rtype, name, undefined, value);
  }

  insertIP(name: string, ip: ParsedIP): void {
    this.add(ip.family === 4 ? 'A' : 'AAAA', name, undefined, ip.text);
  }
}

/**
 * One name's value arrays, once it has them, held so that an application's
 * names (which receive records from every one of its tasks) are not looked up
 * in the record maps again. An emptied array was replaced through another
 * path (two frameworks of one name share names): it is looked up again.
 */
class NameSets {
  private a: string[] | undefined;
  private aaaa: string[] | undefined;
  private srv: string[] | undefined;

  constructor(readonly name: string) {}

  insertIP(b: RecordBuilder, ip: ParsedIP): void {
    if (ip.family === 4) this.a = b.add('A', this.name, live(this.a), ip.text);
    else this.aaaa = b.add('AAAA', this.name, live(this.aaaa), ip.text);
  }

  insertSRV(b: RecordBuilder, value: string): void {
    this.srv = b.add('SRV', this.name, live(this.srv), value);
  }
}

function live(values: string[] | undefined): string[] | undefined {
  return values !== undefined && values.length > 0 ? values : undefined;
}

interface Agent {
  /** Go remembers an unresolved host as a bogus "IP"; it can never be served, so we keep nothing. */
  ips: ParsedIP[];
  /** `slaveIdTail` of the agent id */
  tail: string;
}

/**
 * State + config → the record set and enumeration the Go Mesos-DNS produces
 * (behaviour spec §2), in its generation order. Pure: host names were resolved
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
      insertTask(b, task, taskIPs(status, input.ipSources, agent.ips), agent, names, label);
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

/** A framework's domains, and the per-application names shared by all its tasks (built once, not per task). */
class FrameworkNames {
  readonly fd: string;
  readonly slaveFd: string;
  private readonly apps = new Map<string, AppNames>();

  constructor(f: string, d: string) {
    this.fd = `${f}.${d}.`;
    this.slaveFd = `${f}.slave.${d}.`;
  }

  app(t: string): AppNames {
    let names = this.apps.get(t);
    if (!names) {
      names = new AppNames(t, this);
      this.apps.set(t, names);
    }
    return names;
  }
}

/** An application's names, built once and shared by its tasks (their hashes are computed once, too). */
class AppNames {
  /** `<t>.<f>.<d>.` */
  readonly inFd: NameSets;
  /** `<t>.<f>.slave.<d>.` */
  readonly inSlaveFd: NameSets;
  readonly tcpSlave: NameSets;
  readonly udpSlave: NameSets;
  readonly tcp: NameSets;
  readonly udp: NameSets;
  private byProto: Map<string, NameSets> | undefined;
  private byPortName: Map<string, NameSets> | undefined;

  constructor(
    private readonly t: string,
    private readonly fw: FrameworkNames,
  ) {
    this.inFd = new NameSets(flat(`${t}.${fw.fd}`));
    this.inSlaveFd = new NameSets(flat(`${t}.${fw.slaveFd}`));
    this.tcpSlave = new NameSets(flat(`_${t}._tcp.${fw.slaveFd}`));
    this.udpSlave = new NameSets(flat(`_${t}._udp.${fw.slaveFd}`));
    this.tcp = new NameSets(flat(`_${t}._tcp.${fw.fd}`));
    this.udp = new NameSets(flat(`_${t}._udp.${fw.fd}`));
  }

  /** `_<t>._<proto>.<f>.<d>.` */
  srv(proto: string): NameSets {
    if (proto === 'tcp') return this.tcp;
    if (proto === 'udp') return this.udp;
    this.byProto ??= new Map();
    let sets = this.byProto.get(proto);
    if (sets === undefined) {
      sets = new NameSets(`_${this.t}._${proto}.${this.fw.fd}`);
      this.byProto.set(proto, sets);
    }
    return sets;
  }

  /** `_<n>._<t>._<proto>.<f>.<d>.` (labels hold no `/`, so the cache key is unambiguous) */
  namedSrv(n: string, proto: string): NameSets {
    this.byPortName ??= new Map();
    const key = `${n}/${proto}`;
    let sets = this.byPortName.get(key);
    if (sets === undefined) {
      sets = new NameSets(`_${n}._${this.t}._${proto}.${this.fw.fd}`);
      this.byPortName.set(key, sets);
    }
    return sets;
  }
}

/**
 * Makes V8 flatten a concatenated string now, while it is young: stored as a
 * rope, it would be flattened later by whoever reads its characters (the table
 * build), straight into the old generation, doubling its memory.
 */
function flat(s: string): string {
  s.charCodeAt(0);
  return s;
}

function insertTask(b: RecordBuilder, task: Task, ips: ParsedIP[], agent: Agent, names: FrameworkNames, label: LabelFn): void {
  const hash = taskHash(task.id);
  const ports = parsePortRanges(task.ports);
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
    // An empty protocol means both (spec §2.5).
    const first = p !== '' ? p : 'tcp';
    app.srv(first).insertSRV(b, v);
    if (p === '') app.udp.insertSRV(b, v);
    if (n === '') continue;
    app.namedSrv(n, first).insertSRV(b, v);
    if (p === '') app.namedSrv(n, 'udp').insertSRV(b, v);
  }
}
