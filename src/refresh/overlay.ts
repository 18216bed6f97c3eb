/**
 * Incremental tables (pure): after a full build (the base), a batch of task
 * changes makes a small overlay table instead of a new 50,000-task table.
 *
 * Which names a change touches. Every name a task gives records to starts with
 * a label made from the task's application name or its canonical name (or a
 * DiscoveryInfo port name followed by the application name), and the keys of
 * a name are those labels without leading underscores:
 * `_web._tcp.marathon.mesos.` and `web.marathon.mesos.` both have the key
 * `web`. `TaskKeys` lists a task's own keys so that every task that can give
 * records to a name has one of the name's keys.
 *
 * An overlay is cumulative since the base: `touched` holds the keys of every
 * task changed since, closed so that every name generated from the tasks with
 * those keys (and from the frameworks, agents and masters, generated every
 * time) has its keys in `touched` too. The real generator runs on two small
 * states — the tasks with a touched key, now and in the base — so every such
 * name gets its whole RRset, as a full rebuild would give it. The overlay table
 * is built from the first by the ordinary table build (answers, SRV glue and
 * compression are the same code); the names with records in the second and
 * none in the first, and the names above them that no longer exist, are the
 * names the overlay hides in the base (see table/live.ts).
 */
import type { Change } from '../mesos/stream/model.js';
import { cachedLabel, generate, type GenerateInput } from '../records/generator.js';
import { slaveIdTail, taskHash } from '../records/hash.js';
import { labelFor, type LabelFn } from '../records/labels.js';
import { RELATIVE } from '../records/names.js';
import type { RecordStore } from '../records/store.js';
import { TYPE_A, TYPE_AAAA, TYPE_SRV } from '../records/store.js';
import type { MesosState, Task } from '../state/state.js';
import { buildTableBuffer } from '../table/build.js';
import { httpOnlyNames, namesWithValues, type HttpNamesPatch } from '../table/http-names.js';
import { hostNameToWire } from '../table/encode.js';
import { MARK_EMPTY, MARK_GONE } from '../table/live.js';
import { buildNameMarks, type MarkedName } from '../table/name-marks.js';
import type { TablePlan } from '../table/plan.js';
import { RecordTable, type TableMeta } from '../table/table.js';
import type { Generated } from '../records/types.js';

/** A label without its leading underscores. */
function bare(label: string): string {
  let i = 0;
  while (i < label.length && label.charCodeAt(i) === 0x5f) i++;
  return i === 0 ? label : label.slice(i);
}

function firstLabel(text: string): string {
  const dot = text.indexOf('.');
  return dot < 0 ? text : text.slice(0, dot);
}

/**
 * The keys of a name from its first two labels (see above): the first, and
 * the second too when both start with `_`, as `_<port name>._<app>._<proto>`
 * does, whose tasks are known by their application.
 */
export function nameKeys(l0: string, l1: string | undefined): string[] {
  return l1 !== undefined && l0[0] === '_' && l1[0] === '_' ? [bare(l0), bare(l1)] : [bare(l0)];
}

/** `nameKeys` of a name written as text. */
export function nameKeysOf(text: string): string[] {
  const [l0, l1] = text.split('.');
  return nameKeys(l0!, l1 || undefined);
}

/**
 * The keys of the names one task can give records to, as the generator names
 * them (records/generator.ts, `insertTask` and `emit`): per application name
 * (the task's name, or the DiscoveryInfo name raw and cleaned) each of its
 * labels (one, unless a raw DiscoveryInfo name holds dots) and its canonical
 * name's first label. Canonical keys need a SHA-1, so they are made only for
 * tasks whose application key could match one (`canonicalApp`).
 */
export class TaskKeys {
  /** the application names as the generator uses them */
  readonly apps: readonly string[];
  readonly appKeys: readonly string[];
  private canonical: readonly string[] | null = null;

  constructor(
    private readonly task: Task,
    label: LabelFn,
  ) {
    const d = task.discovery;
    this.apps = d === null ? [label(task.name)] : [d.name, label(d.name)];
    this.appKeys = this.apps.flatMap((a) => a.split('.').map(bare));
  }

  canonicalKeys(): readonly string[] {
    if (this.canonical === null) {
      const tail = `-${taskHash(this.task.id)}-${slaveIdTail(this.task.slaveId)}`;
      this.canonical = this.apps.map((a) => bare(firstLabel(`${a}${tail}`)));
    }
    return this.canonical;
  }

  all(): string[] {
    return [...this.appKeys, ...this.canonicalKeys()];
  }
}

/** The application part of a key that may be a canonical name's (`<app>-<hash>-<agent tail>`), or null. */
function canonicalApp(key: string): string | null {
  const last = key.lastIndexOf('-');
  const hash = last < 0 ? -1 : key.lastIndexOf('-', last - 1);
  return hash < 0 ? null : key.slice(0, hash);
}

/** The records of the last full build the overlays are made against. */
export interface OverlayBase {
  state: MesosState;
  store: RecordStore;
  plan: TablePlan;
}

/** Counts in the overlay minus the same counts in the base, for the names it recomputes. */
export interface OverlayDelta {
  a: number;
  aaaa: number;
  srv: number;
  names: number;
  tasks: number;
}

/**
 * An overlay is regenerated whole for every batch, so it costs about as much
 * as the tasks it covers: past this many (or this share of all tasks) a new
 * base is cheaper in the long run.
 */
const COMPACT_MIN_TASKS = 2_000;
const COMPACT_SHARE = 0.05;

export interface Overlay {
  /** the overlay's record table */
  table: ArrayBuffer;
  /** the names it hides in the base (name-marks.ts) */
  hidden: ArrayBuffer;
  /** names with records in the overlay, and names hidden */
  names: number;
  /** the tasks the overlay was generated from (with every touched key), now */
  tasks: number;
  delta: OverlayDelta;
  /** the HTTP-only names of every name the overlay regenerated, replacing the base's */
  httpNames: HttpNamesPatch;
}

/** The generator's inputs besides the state, as the last full build had them. */
export type OverlayInput = Omit<GenerateInput, 'budget'>;

/** A task as the index holds it: its framework's name (all its names need of the framework) and its keys. */
interface Indexed {
  fw: string;
  task: Task;
  keys: TaskKeys;
}

export class OverlayBuilder {
  private readonly label: LabelFn;
  /** keys of the names the overlay recomputes; only grows until the next base */
  private readonly touched = new Set<string>();
  /** the base's tasks by application key, and by id */
  private readonly byKey = new Map<string, Indexed[]>();
  private readonly byId = new Map<string, Indexed[]>();
  /** tasks changed since the base, by id: how they are now (none when gone) */
  private readonly changed = new Map<string, Indexed[]>();
  /** by base entry: how many entries with records lie at or below it */
  private readonly below: Uint32Array;
  private readonly baseEntryOf: Int32Array;
  private readonly baseState: MesosState;
  private readonly baseStore: RecordStore;
  /** the tasks the last overlay was generated from */
  private lastTasks = 0;

  /** Keeps of the base's plan only which node is which entry, not its value lists. */
  constructor(
    base: OverlayBase,
    private readonly input: OverlayInput,
  ) {
    this.label = cachedLabel(labelFor(input.enforceRFC952));
    this.baseState = base.state;
    this.baseStore = base.store;
    for (const fw of base.state.frameworks) {
      for (const task of fw.tasks) {
        const x = this.indexed(fw.name, task);
        for (const key of new Set(x.keys.appKeys)) push(this.byKey, key, x);
        push(this.byId, task.id, x);
      }
    }
    const plan = base.plan;
    const entries = plan.entryNode.length;
    const below = new Uint32Array(entries);
    const tree = base.store.names;
    // Entries come parents first: adding each to its parent from the last one up sums every subtree.
    for (let e = entries - 1; e >= 0; e--) {
      if (plan.count[e * 3 + TYPE_A]! + plan.count[e * 3 + TYPE_AAAA]! + plan.count[e * 3 + TYPE_SRV]! > 0) below[e]!++;
      const node = plan.entryNode[e]!;
      if (e === plan.apexEntry) continue;
      const parent = plan.entryOf[tree.parent(node)]!;
      if (parent >= 0) below[parent]! += below[e]!;
    }
    this.below = below;
    this.baseEntryOf = plan.entryOf;
  }

  /** True once an overlay was built over this base. */
  get overlaid(): boolean {
    return this.changed.size > 0;
  }

  /** True when the overlay has grown past its bound and the next batch should make a new base instead. */
  due(allTasks: number): boolean {
    return this.lastTasks > Math.max(COMPACT_MIN_TASKS, allTasks * COMPACT_SHARE);
  }

  /** The overlay of everything changed since the base, once `changes` (relative to the last batch) led to `state`. */
  build(state: MesosState, changes: readonly Change[], meta: TableMeta): Overlay {
    const ids = new Set<string>();
    for (const c of changes) for (const t of c.tasks) ids.add(t.taskId);
    // The versions before: as the last batch left them, else as in the base.
    for (const id of ids) for (const x of this.changed.get(id) ?? this.byId.get(id) ?? []) this.touch(x.keys.all());
    const now = new Map<string, Indexed[]>();
    for (const id of ids) now.set(id, []);
    // One pass over the state, a set lookup per task: the only work that grows with the cluster.
    for (const fw of state.frameworks) {
      for (const task of fw.tasks) if (ids.has(task.id)) now.get(task.id)!.push(this.indexed(fw.name, task));
    }
    for (const [id, xs] of now) {
      this.changed.set(id, xs);
      for (const x of xs) this.touch(x.keys.all());
    }

    // Widen the touched keys until every name generated from their tasks has its keys touched.
    let genNow: Generated;
    let genBefore: Generated;
    let tasks: number;
    for (;;) {
      const size = this.touched.size;
      const selectedNow = this.select(true);
      const selectedBefore = this.select(false);
      genNow = generate(miniState(state, selectedNow), this.input);
      genBefore = generate(miniState(this.baseState, selectedBefore), this.input);
      tasks = selectedNow.length;
      this.touchNamesOf(genNow.store);
      this.touchNamesOf(genBefore.store);
      if (this.touched.size === size) break;
    }
    this.lastTasks = tasks;
    const current = genNow.store;
    const before = genBefore.store;

    const built = buildTableBuffer(current, meta);
    const withRecords = namesWithRecords(current, built.plan);
    const builtBefore = buildTableBuffer(before, meta);
    const removedBelow = new Map<string, number>();
    const removed = new Set<string>();
    const apex = meta.domain === '' ? '.' : `${meta.domain.toLowerCase().replace(/\.$/, '')}.`;
    for (const name of namesWithRecords(before, builtBefore.plan)) {
      if (withRecords.has(name)) continue;
      removed.add(name);
      for (let p = name; p.length > apex.length; p = p.slice(p.indexOf('.') + 1)) {
        removedBelow.set(p, (removedBelow.get(p) ?? 0) + 1);
      }
    }
    const hidden: MarkedName[] = [];
    for (const [name, gone] of removedBelow) {
      const inOverlay = current.names.find(name);
      const inBase = this.recordsBelowInBase(name);
      const exists = (inOverlay >= 0 && built.plan.entryOf[inOverlay]! >= 0) || inBase - gone > 0;
      let mark = -1;
      if (removed.has(name)) mark = exists ? MARK_EMPTY : MARK_GONE;
      else if (!exists && inBase > 0) mark = MARK_GONE;
      if (mark >= 0) hidden.push({ wire: hostNameToWire(name)!, mark });
    }
    const countsNow = RecordTable.fromBuffer(built.buffer).counts;
    const countsBefore = RecordTable.fromBuffer(builtBefore.buffer).counts;
    const delta: OverlayDelta = {
      a: current.valueCount(TYPE_A) - before.valueCount(TYPE_A),
      aaaa: current.valueCount(TYPE_AAAA) - before.valueCount(TYPE_AAAA),
      srv: current.valueCount(TYPE_SRV) - before.valueCount(TYPE_SRV),
      names: countsNow.names - countsBefore.names,
      tasks: runningTasks(genNow) - runningTasks(genBefore),
    };
    // Every name with records now or in the base has its whole records in `current`, as for the table.
    const replaced = new Set([...namesWithValues(before), ...namesWithValues(current)]);
    return {
      table: built.buffer,
      hidden: buildNameMarks(hidden),
      names: withRecords.size + hidden.length,
      tasks,
      delta,
      httpNames: { names: httpOnlyNames(current, built.plan), replaced: [...replaced] },
    };
  }

  private indexed(fw: string, task: Task): Indexed {
    return { fw, task, keys: new TaskKeys(task, this.label) };
  }

  private touch(keys: Iterable<string>): void {
    for (const key of keys) this.touched.add(key);
  }

  private touchNamesOf(store: RecordStore): void {
    const tree = store.names;
    const label = (id: number): string | undefined => (id > RELATIVE ? tree.label(id) : undefined);
    for (let id = 0; id < store.nameCount; id++) {
      if (store.count(TYPE_A, id) + store.count(TYPE_AAAA, id) + store.count(TYPE_SRV, id) > 0) {
        this.touch(nameKeys(tree.label(id), label(tree.parent(id))));
      }
    }
  }

  /**
   * The tasks with a touched key, now (`current`) or in the base. A canonical
   * key names one task: it is looked for among the tasks of its application.
   */
  private select(current: boolean): Indexed[] {
    const out = new Set<Indexed>();
    const keep = (x: Indexed): void => {
      if (!current || !this.changed.has(x.task.id)) out.add(x);
    };
    for (const key of this.touched) {
      for (const x of this.byKey.get(key) ?? []) keep(x);
      const app = canonicalApp(key);
      if (app === null) continue;
      for (const x of this.byKey.get(app) ?? []) if (x.keys.canonicalKeys().includes(key)) keep(x);
    }
    if (current) {
      for (const xs of this.changed.values()) {
        for (const x of xs) if (x.keys.all().some((k) => this.touched.has(k))) out.add(x);
      }
    }
    // Their own canonical names join the touched keys now rather than after one more generation.
    for (const x of out) this.touch(x.keys.canonicalKeys());
    return [...out];
  }

  private recordsBelowInBase(name: string): number {
    const node = this.baseStore.names.find(name);
    const e = node < 0 ? -1 : this.baseEntryOf[node]!;
    return e < 0 ? 0 : this.below[e]!;
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

/**
 * `state` with only `tasks`, and every framework and agent. A task's names
 * depend on its framework's name only, so it goes to the first framework of
 * that name.
 */
function miniState(state: MesosState, tasks: readonly Indexed[]): MesosState {
  const frameworks = state.frameworks.map((fw) => ({ ...fw, tasks: [] as Task[] }));
  const byName = new Map<string, Task[]>();
  for (const fw of frameworks) if (!byName.has(fw.name)) byName.set(fw.name, fw.tasks);
  for (const x of tasks) byName.get(x.fw)?.push(x.task);
  return { leader: state.leader, frameworks, slaves: state.slaves };
}

/** Tasks that made records (the enumeration lists those). */
function runningTasks(g: Generated): number {
  let n = 0;
  for (const fw of g.enumeration.frameworks ?? []) n += fw.tasks.length;
  return n;
}

/** The lower-case absolute names of a built table's entries that hold records. */
function namesWithRecords(store: RecordStore, plan: TablePlan): Set<string> {
  const out = new Set<string>();
  for (let e = 0; e < plan.entryNode.length; e++) {
    if (plan.count[e * 3 + TYPE_A]! + plan.count[e * 3 + TYPE_AAAA]! + plan.count[e * 3 + TYPE_SRV]! > 0) {
      out.add(store.nameText(plan.entryNode[e]!));
    }
  }
  return out;
}
