import { describe, expect, it } from 'vitest';
import { prng } from '../../bench/prng.js';
import { answer } from '../../src/dns/answer/answer.js';
import type { AnswerContext } from '../../src/dns/answer/verdict.js';
import { DnsStats } from '../../src/dns/stats/counters.js';
import type { Change } from '../../src/mesos/stream/model.js';
import { generate, type GenerateInput } from '../../src/records/generator.js';
import { scannedView } from '../helpers/cluster-view.js';
import { OverlayBuilder } from '../../src/refresh/overlay.js';
import { validateState, type MesosState, type Task } from '../../src/state/state.js';
import { buildTableBuffer } from '../../src/table/build.js';
import { httpOnlyNames, openHttpNames, patchHttpNames, type HttpNamesView } from '../../src/table/http-names.js';
import type { NameAnswers } from '../../src/table/packed-answers.js';
import { hostsBody } from '../../src/http/lookups.js';
import { wireToName } from '../../src/table/encode.js';
import { E, ENTRY_SLOTS } from '../../src/table/layout.js';
import { LiveTable, type TableView } from '../../src/table/live.js';
import { NameMarks } from '../../src/table/name-marks.js';
import { RecordTable, type TableMeta } from '../../src/table/table.js';
import { QTYPE } from '../../src/wire/constants.js';
import { buildQuery, decodeMessage, type DecodedRecord } from '../helpers/dns-msg.js';
import { TEST_META, fixtureGenerateInput, fixtureNames, fixtureState } from '../helpers/fixtures.js';

const TYPES = [QTYPE.A, QTYPE.AAAA, QTYPE.SRV, QTYPE.ANY, QTYPE.SOA, QTYPE.NS];

function metaFor(input: GenerateInput, serial: number): TableMeta {
  return { ...TEST_META, domain: input.domain, soaMname: input.soaMname, serial };
}

function stateOf(name: string): MesosState {
  return validateState(fixtureState(name)).state;
}

/** Every name a table has an entry for, as text. */
function entryNames(t: RecordTable): string[] {
  const out: string[] = [];
  for (let i = 0; i < t.entryCount; i++) out.push(wireToName(t.u8, t.u32[t.entriesOff + i * ENTRY_SLOTS + E.nameOff]!));
  return out;
}

const CTX: AnswerContext = {
  transport: 'tcp',
  domain: 'mesos',
  recursionAvailable: false,
  externalOn: false,
  setTruncateBit: true,
  ednsMaxUdpSize: 4096,
  stats: new DnsStats(),
};

/** A reply as sets: rcode, flags and each section's records in a fixed order (answers come shuffled). */
function replyAsSets(view: TableView, name: string, qtype: number): unknown {
  const v = answer(buildQuery(name, { qtype }), view, CTX);
  if (v.kind !== 'reply') return v.kind;
  const m = decodeMessage(v.reply);
  const set = (rrs: DecodedRecord[]) =>
    rrs.map((r) => JSON.stringify([r.name.toLowerCase(), r.type, r.ttl, r.data])).sort();
  return { rcode: m.rcode, aa: m.aa, tc: m.tc, an: set(m.answers), ns: set(m.authorities), ar: set(m.additionals) };
}

/**
 * One random change to a state, and the Change the cluster model would report
 * for it; with `tasksOnly`, a change of tasks alone (agents and frameworks stay).
 */
function mutate(
  state: MesosState,
  rand: () => number,
  serial: number,
  tasksOnly: boolean,
): { state: MesosState; change: Change } {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const change: Change = { type: 'TASK_UPDATED', tasks: [], agents: [], frameworks: [] };
  const ref = (t: Task) => change.tasks.push({ frameworkId: '', taskId: t.id });
  const all = state.frameworks.flatMap((fw, fi) => fw.tasks.map((t) => ({ fi, t })));
  const withTasks = (fi: number, tasks: Task[]): MesosState => ({
    ...state,
    frameworks: state.frameworks.map((fw, i) => (i === fi ? { ...fw, tasks } : fw)),
  });
  const replace = (fi: number, old: Task, next: Task): MesosState => {
    ref(old);
    return withTasks(
      fi,
      state.frameworks[fi]!.tasks.map((t) => (t === old ? next : t)),
    );
  };
  const r = rand() * (tasksOnly ? 0.8 : 1);
  if (all.length === 0 || r < 0.2) {
    // A new task, a copy of another (same application, so names shared with it) or of a new name.
    const fi = Math.floor(rand() * state.frameworks.length);
    const model = all.length > 0 ? pick(all).t : null;
    if (model === null || state.slaves.length === 0) return { state, change };
    const task: Task = {
      ...model,
      id: `added-${serial}-${Math.floor(rand() * 1e6)}`,
      name: rand() < 0.5 ? model.name : `new-app-${serial}`,
      slaveId: pick(state.slaves).id,
      state: 'TASK_RUNNING',
    };
    ref(task);
    return { state: withTasks(fi, [...state.frameworks[fi]!.tasks, task]), change };
  }
  const { fi, t } = pick(all);
  if (r < 0.45) {
    ref(t);
    return {
      state: withTasks(
        fi,
        state.frameworks[fi]!.tasks.filter((x) => x !== t),
      ),
      change,
    };
  }
  if (r < 0.5) return { state: replace(fi, t, { ...t, name: `${t.name}-renamed` }), change };
  // `_framework._tcp.<framework>` is the framework's name too: an overlay must then hold the framework's records.
  if (r < 0.55) return { state: replace(fi, t, { ...t, name: 'framework', discovery: null }), change };
  if (r < 0.65) {
    const next = t.state === 'TASK_RUNNING' ? 'TASK_STAGING' : 'TASK_RUNNING';
    return { state: replace(fi, t, { ...t, state: next }), change };
  }
  if (r < 0.72 && t.discovery !== null) {
    return { state: replace(fi, t, { ...t, discovery: { ...t.discovery, name: `${t.discovery.name}2` } }), change };
  }
  if (r < 0.8) return { state: replace(fi, t, { ...t, slaveId: pick(state.slaves).id }), change };
  if (r < 0.9 && state.slaves.length > 1) {
    const gone = pick(state.slaves);
    change.agents.push(gone.id);
    for (const x of all) if (x.t.slaveId === gone.id) ref(x.t);
    return { state: { ...state, slaves: state.slaves.filter((s) => s !== gone) }, change };
  }
  if (state.frameworks.length > 1) {
    const gone = Math.floor(rand() * state.frameworks.length);
    change.frameworks.push(String(gone));
    for (const x of state.frameworks[gone]!.tasks) ref(x);
    return { state: { ...state, frameworks: state.frameworks.filter((_, i) => i !== gone) }, change };
  }
  return { state, change };
}

interface Setup {
  input: GenerateInput;
  base: RecordTable;
  builder: OverlayBuilder;
  baseHttpNames: HttpNamesView;
  /** the base's HTTP-only names patched by the last overlay `liveAfter` made */
  httpNames: HttpNamesView;
}

function setUp(state: MesosState, input: GenerateInput): Setup {
  const generated = generate(state, input);
  const built = buildTableBuffer(generated.store, metaFor(input, 1));
  const httpNames = openHttpNames(httpOnlyNames(generated.store, built.plan));
  return {
    input,
    base: RecordTable.fromBuffer(built.buffer),
    builder: new OverlayBuilder({ state, store: generated.store, plan: built.plan }, input),
    baseHttpNames: httpNames,
    httpNames,
  };
}

function liveAfter(s: Setup, state: MesosState, changes: Change[], serial: number): LiveTable {
  const o = s.builder.build(scannedView(state), state, changes, metaFor(s.input, serial));
  s.httpNames = patchHttpNames(s.baseHttpNames, o.httpNames);
  return new LiveTable(s.base, RecordTable.fromBuffer(o.table), NameMarks.fromBuffer(o.hidden));
}

/** The HTTP-only names after the overlays are those of a whole table of `state`. */
function expectSameHttpNames(s: Setup, state: MesosState): void {
  const store = generate(state, s.input).store;
  const full = openHttpNames(httpOnlyNames(store, buildTableBuffer(store, metaFor(s.input, 1)).plan));
  const sorted = (m: NameAnswers) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  expect(sorted(s.httpNames.hosts)).toEqual(sorted(full.hosts));
  expect(sorted(s.httpNames.services)).toEqual(sorted(full.services));
}

/** Every answer of `live` equals the answer of a whole table of `state`, for every name either knows and some neither does. */
function expectSameAnswers(
  live: LiveTable,
  state: MesosState,
  input: GenerateInput,
  serial: number,
  only?: string[],
): void {
  const full = RecordTable.fromBuffer(buildTableBuffer(generate(state, input).store, metaFor(input, serial)).buffer);
  const names = new Set(only ?? [...entryNames(full), ...entryNames(live.base), ...entryNames(live.overlay!)]);
  for (const n of [...names].slice(0, 40)) {
    names.add(`nothere.${n}`);
    names.add(`_nothere._tcp.${n}`);
  }
  names.add(`nothere.${input.domain}.`);
  const differ: string[] = [];
  for (const name of names) {
    for (const qtype of TYPES) {
      const want = replyAsSets(full, name, qtype);
      const got = replyAsSets(live, name, qtype);
      if (JSON.stringify(got) !== JSON.stringify(want)) differ.push(`${name} type ${qtype}`);
    }
  }
  expect(differ).toEqual([]);
}

describe('overlays answer exactly as a whole table of the final state', () => {
  for (const [fixture, tasksOnly] of fixtureNames().flatMap((f) => [[f, false] as const, [f, true] as const])) {
    it(`${fixture}: random changes${tasksOnly ? ' of tasks alone' : ''}, batch by batch`, () => {
      const input = fixtureGenerateInput(fixture);
      for (const seed of [1, 2, 3]) {
        const rand = prng(seed * 7919);
        let state = stateOf(fixture);
        const s = setUp(state, input);
        for (let batch = 0; batch < 4; batch++) {
          const changes: Change[] = [];
          const size = 1 + Math.floor(rand() * 6);
          for (let i = 0; i < size; i++) {
            const next = mutate(state, rand, batch * 10 + i, tasksOnly);
            state = next.state;
            changes.push(next.change);
          }
          const serial = 10 + batch;
          const live = liveAfter(s, state, changes, serial);
          // Every batch is checked on the names it touched; the last, on every name.
          if (batch === 3) expectSameAnswers(live, state, input, serial);
          else expectSameAnswers(live, state, input, serial, entryNames(live.overlay!));
          expectSameHttpNames(s, state);
        }
      }
    }, 300_000);
  }
});

describe('OverlayBuilder', () => {
  it('makes a small overlay for one new task: the base is not rebuilt', () => {
    const input = fixtureGenerateInput('nasty-300');
    const state = stateOf('nasty-300');
    const s = setUp(state, input);
    const fw = state.frameworks.find((f) => f.name === 'marathon')!;
    const model = fw.tasks.find((t) => t.state === 'TASK_RUNNING' && t.discovery === null)!;
    const task: Task = { ...model, id: 'fresh-task-1', name: 'fresh-app' };
    const next: MesosState = {
      ...state,
      frameworks: state.frameworks.map((f) => (f === fw ? { ...f, tasks: [...f.tasks, task] } : f)),
    };
    const change: Change = {
      type: 'TASK_ADDED',
      tasks: [{ frameworkId: '', taskId: task.id }],
      agents: [],
      frameworks: [],
    };
    const o = s.builder.build(scannedView(next), next, [change], metaFor(input, 2));
    const overlay = RecordTable.fromBuffer(o.table);
    // The frameworks, agents and masters are generated every time; of the tasks only the new one and a few sharing a key.
    expect(o.tasks).toBeLessThan(5);
    expect(overlay.entryCount).toBeLessThan(s.base.entryCount / 5);
    expect(overlay.lookup('fresh-app.marathon.mesos.')?.a.length).toBeGreaterThan(0);
    expect(s.base.lookup('fresh-app.marathon.mesos.')).toBeNull();
    const live = new LiveTable(s.base, overlay, NameMarks.fromBuffer(o.hidden));
    expect(live.lookup('fresh-app.marathon.mesos.')).toEqual(overlay.lookup('fresh-app.marathon.mesos.'));
    expect(live.top.meta.serial).toBe(2);
  });

  it('hides a removed name, and its parents left without names below them', () => {
    const input = fixtureGenerateInput('upstream-fake');
    const state = stateOf('upstream-fake');
    const s = setUp(state, input);
    // Every task gone: what they named no longer exists, NXDOMAIN, not NODATA.
    const empty: MesosState = { ...state, frameworks: state.frameworks.map((f) => ({ ...f, tasks: [] })) };
    const left = new Set(
      entryNames(RecordTable.fromBuffer(buildTableBuffer(generate(empty, input).store, metaFor(input, 3)).buffer)),
    );
    const names = entryNames(s.base).filter((n) => n.startsWith('_') && n.includes('._tcp.') && !left.has(n));
    expect(names.length).toBeGreaterThan(0);
    const change: Change = {
      type: 'FRAMEWORK_REMOVED',
      tasks: state.frameworks.flatMap((f) => f.tasks.map((t) => ({ frameworkId: '', taskId: t.id }))),
      agents: [],
      frameworks: [],
    };
    const live = liveAfter(s, empty, [change], 3);
    for (const n of names) expect(replyAsSets(live, n, QTYPE.SRV)).toMatchObject({ rcode: 3 });
    expectSameAnswers(live, empty, input, 3);
    expectSameHttpNames(s, empty);
  });

  it('patches the names only HTTP answers: a task added with a non-wire name is answered, and no longer once removed', () => {
    const input = fixtureGenerateInput('nasty-300');
    const state = stateOf('nasty-300');
    const s = setUp(state, input);
    const fw = state.frameworks.find((f) => f.name === 'marathon')!;
    const model = fw.tasks.find((t) => t.state === 'TASK_RUNNING' && t.discovery === null)!;
    // A DiscoveryInfo name is used raw as well as cleaned: this one cannot go on the wire.
    const task: Task = { ...model, id: 'odd-task-1', discovery: { name: 'café-app', ports: [] } };
    const key = 'café-app.marathon.mesos.';
    const change: Change = {
      type: 'TASK_ADDED',
      tasks: [{ frameworkId: '', taskId: task.id }],
      agents: [],
      frameworks: [],
    };
    const added: MesosState = {
      ...state,
      frameworks: state.frameworks.map((f) => (f === fw ? { ...f, tasks: [...f.tasks, task] } : f)),
    };
    const placeholder = hostsBody({ table: s.base, httpNames: s.baseHttpNames }, key);
    expect(JSON.parse(placeholder)).toEqual([{ host: '', ip: '' }]);
    const live = liveAfter(s, added, [change], 2);
    expect(live.lookup(key)).toBeNull();
    expect(JSON.parse(hostsBody({ table: live, httpNames: s.httpNames }, key))).not.toEqual([{ host: '', ip: '' }]);
    expectSameHttpNames(s, added);
    // Over a base that has it, removing the task removes the answer.
    const withOdd = setUp(added, input);
    expect(hostsBody({ table: withOdd.base, httpNames: withOdd.baseHttpNames }, key)).not.toBe(placeholder);
    const removed = liveAfter(withOdd, state, [change], 3);
    expect(hostsBody({ table: removed, httpNames: withOdd.httpNames }, key)).toBe(placeholder);
    expectSameHttpNames(withOdd, state);
  });
});
