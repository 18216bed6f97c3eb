/**
 * Incremental tables (pure): after a full build (the base), a batch of task
 * changes makes a small overlay table instead of a new 50,000-task table.
 *
 * Which names a change touches is told by keys (name-keys.ts). An overlay is
 * cumulative since the base: `touched` holds the keys of every task changed
 * since, closed so that every name generated from the tasks with
 * those keys has its keys in `touched` too. The real generator runs on two
 * small states — the tasks with a touched key, now and in the base — so every
 * such name gets its whole RRset, as a full rebuild would give it. The
 * frameworks', agents' and masters' names are generated too only once a change
 * reached one of them (`whole`); until then the base's are current. The overlay table
 * is built from the first by the ordinary table build (answers, SRV glue and
 * compression are the same code); the names with records in the second and
 * none in the first, and the names above them that no longer exist, are the
 * names the overlay hides in the base (see table/live.ts).
 */
import type { Change, TaskOf } from '../mesos/stream/model.js';
import { generate, tasksWithRecords, type GenerateInput } from '../records/generator.js';
import { cachedLabel, labelFor, type LabelFn } from '../records/labels.js';
import type { RecordStore } from '../records/store.js';
import { TYPE_A, TYPE_AAAA, TYPE_SRV } from '../records/store.js';
import type { MesosState, Task } from '../state/state.js';
import { TaskKeys, canonicalApp, keysOfNames } from './name-keys.js';
import { buildTableBuffer } from '../table/build.js';
import { httpOnlyNames, namesWithValues, type HttpNamesPatch } from '../table/http-names.js';
import { hostNameToWire } from '../table/encode.js';
import { MARK_EMPTY, MARK_GONE } from '../table/live.js';
import { buildNameMarks, type MarkedName } from '../table/name-marks.js';
import type { TablePlan } from '../table/plan.js';
import { RecordTable, type TableMeta } from '../table/table.js';
import type { Generated } from '../records/types.js';

/**
 * The cluster as a batch of changes leaves it: whole, and the changed tasks
 * found by id, which the stream's model (`ClusterModel`) does without a pass
 * over every task.
 */
export interface ClusterView {
  state(): MesosState;
  /** the tasks with one of `ids` (task ids are unique within a framework only) */
  tasksWithIds(ids: ReadonlySet<string>): TaskOf[];
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
  /** touched keys whose base tasks are not selected yet (`selectBase`) */
  private readonly pending: string[] = [];
  /** the base's tasks with a touched key; only grows, as `touched` does */
  private readonly selectedBase = new Set<Indexed>();
  /** the base's tasks by application key, and by id */
  private readonly byKey = new Map<string, Indexed[]>();
  private readonly byId = new Map<string, Indexed[]>();
  /** the base's tasks by canonical key, for the applications looked up so far (`byCanonical`) */
  private readonly canonical = new Map<string, Indexed[]>();
  private readonly canonicalApps = new Set<string>();
  /** tasks changed since the base, by id: how they are now (none when gone) */
  private readonly changed = new Map<string, Indexed[]>();
  /** the frameworks', agents' and masters' names, which overlays leave out (`GenerateInput.tasksOnly`) until a change reaches them */
  private ownNames: ReadonlySet<string> | null = null;
  /** whether the overlay must carry those names too; stays so until the next base */
  private whole = false;
  /** the base's side of the last overlay, kept while the base's selected tasks stay the same */
  private before: Before | null = null;
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
      if (plan.entryHasRecords(e)) below[e]!++;
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

  /**
   * The overlay of everything changed since the base, once `changes` (relative
   * to the last batch) led to `cluster`, whose state is `state`.
   */
  build(cluster: ClusterView, state: MesosState, changes: readonly Change[], meta: TableMeta): Overlay {
    const ids = new Set<string>();
    for (const c of changes) {
      for (const t of c.tasks) ids.add(t.taskId);
      if (c.agents.length + c.frameworks.length > 0) this.whole = true;
    }
    // The versions before: as the last batch left them, else as in the base.
    for (const id of ids) for (const x of this.changed.get(id) ?? this.byId.get(id) ?? []) this.touch(x.keys.all());
    const now = new Map<string, Indexed[]>();
    for (const id of ids) now.set(id, []);
    for (const { framework, task } of cluster.tasksWithIds(ids)) now.get(task.id)!.push(this.indexed(framework, task));
    for (const [id, xs] of now) {
      this.changed.set(id, xs);
      for (const x of xs) this.touch(x.keys.all());
    }

    let generated = this.generateClosed(state, meta);
    let built = buildTableBuffer(generated.now.store, meta);
    let withRecords = namesWithRecords(generated.now.store, built.plan);
    // A task's name can be a framework's or the agents' (a task named `framework` gives `_framework._tcp.<framework>`).
    if (
      !this.whole &&
      [...this.ownNamesOf(meta)].some((n) => withRecords.has(n) || generated.before.withRecords.has(n))
    ) {
      this.whole = true;
      generated = this.generateClosed(state, meta);
      built = buildTableBuffer(generated.now.store, meta);
      withRecords = namesWithRecords(generated.now.store, built.plan);
    }
    const { now: genNow, before, tasks } = generated;
    this.lastTasks = tasks;
    const current = genNow.store;

    const removedBelow = new Map<string, number>();
    const removed = new Set<string>();
    const apex = meta.domain === '' ? '.' : `${meta.domain.toLowerCase().replace(/\.$/, '')}.`;
    for (const name of before.withRecords) {
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
    const delta: OverlayDelta = {
      a: current.valueCount(TYPE_A) - before.a,
      aaaa: current.valueCount(TYPE_AAAA) - before.aaaa,
      srv: current.valueCount(TYPE_SRV) - before.srv,
      names: countsNow.names - before.names,
      tasks: tasksWithRecords(genNow) - before.tasks,
    };
    // Every name with records now or in the base has its whole records in `current`, as for the table.
    const replaced = new Set([...before.withValues, ...namesWithValues(current)]);
    return {
      table: built.buffer,
      hidden: buildNameMarks(hidden),
      names: withRecords.size + hidden.length,
      tasks,
      delta,
      httpNames: { names: httpOnlyNames(current, built.plan), replaced: [...replaced] },
    };
  }

  /**
   * The selected tasks' records now and in the base, once the touched keys
   * are widened until every name generated from their tasks has its keys
   * touched.
   */
  private generateClosed(state: MesosState, meta: TableMeta): { now: Generated; before: Before; tasks: number } {
    for (;;) {
      this.selectBase();
      const size = this.touched.size;
      const tasksOnly = !this.whole;
      const selectedNow = [...this.selectedBase].filter((x) => !this.changed.has(x.task.id));
      for (const xs of this.changed.values()) selectedNow.push(...xs);
      const now = generate(miniState(state, selectedNow), { ...this.input, tasksOnly });
      const before = this.beforeSide(tasksOnly, meta);
      this.touch(keysOfNames(now.store));
      if (this.touched.size === size) return { now, before, tasks: selectedNow.length };
    }
  }

  private ownNamesOf(meta: TableMeta): ReadonlySet<string> {
    if (this.ownNames === null) {
      const withoutTasks = (tasksOnly: boolean) => {
        const store = generate(miniState(this.baseState, []), { ...this.input, tasksOnly }).store;
        return namesWithRecords(store, buildTableBuffer(store, meta).plan);
      };
      const kept = withoutTasks(true);
      this.ownNames = new Set([...withoutTasks(false)].filter((name) => !kept.has(name)));
    }
    return this.ownNames;
  }

  private indexed(fw: string, task: Task): Indexed {
    return { fw, task, keys: new TaskKeys(task, this.label) };
  }

  private touch(keys: Iterable<string>): void {
    for (const key of keys) {
      if (this.touched.has(key)) continue;
      this.touched.add(key);
      this.pending.push(key);
    }
  }

  /**
   * Adds to `selectedBase` the base's tasks with a key touched since the last
   * call. A canonical key names one task: it is looked for among the tasks of
   * its application. A selected task's canonical names join the touched keys
   * now rather than after one more generation.
   */
  private selectBase(): void {
    for (let key = this.pending.pop(); key !== undefined; key = this.pending.pop()) {
      for (const x of this.byKey.get(key) ?? []) this.selectInBase(x);
      const app = canonicalApp(key);
      if (app !== null) for (const x of this.byCanonical(app, key)) this.selectInBase(x);
    }
  }

  private selectInBase(x: Indexed): void {
    if (this.selectedBase.has(x)) return;
    this.selectedBase.add(x);
    this.touch(x.keys.canonicalKeys());
  }

  /** The base's tasks of `app` whose canonical key is `key`; each application's are hashed once per base. */
  private byCanonical(app: string, key: string): readonly Indexed[] {
    if (!this.canonicalApps.has(app)) {
      this.canonicalApps.add(app);
      for (const x of this.byKey.get(app) ?? [])
        for (const k of new Set(x.keys.canonicalKeys())) push(this.canonical, k, x);
    }
    return this.canonical.get(key) ?? [];
  }

  /** The base's records of the selected base tasks, generated again only when the selection grew. */
  private beforeSide(tasksOnly: boolean, meta: TableMeta): Before {
    const kept = this.before;
    if (kept !== null && kept.selected === this.selectedBase.size && kept.tasksOnly === tasksOnly) return kept;
    const g = generate(miniState(this.baseState, [...this.selectedBase]), { ...this.input, tasksOnly });
    this.touch(keysOfNames(g.store));
    const built = buildTableBuffer(g.store, meta);
    this.before = {
      selected: this.selectedBase.size,
      tasksOnly,
      withRecords: namesWithRecords(g.store, built.plan),
      withValues: namesWithValues(g.store),
      a: g.store.valueCount(TYPE_A),
      aaaa: g.store.valueCount(TYPE_AAAA),
      srv: g.store.valueCount(TYPE_SRV),
      names: RecordTable.fromBuffer(built.buffer).counts.names,
      tasks: tasksWithRecords(g),
    };
    return this.before;
  }

  private recordsBelowInBase(name: string): number {
    const node = this.baseStore.names.find(name);
    const e = node < 0 ? -1 : this.baseEntryOf[node]!;
    return e < 0 ? 0 : this.below[e]!;
  }
}

/** What an overlay needs of the base's records for its selected tasks: which names had records, and the counts. */
interface Before {
  /** the size of the selection, and the generation's mode, these were made for */
  selected: number;
  tasksOnly: boolean;
  withRecords: ReadonlySet<string>;
  withValues: readonly string[];
  a: number;
  aaaa: number;
  srv: number;
  names: number;
  tasks: number;
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

/** The lower-case absolute names of a built table's entries that hold records. */
function namesWithRecords(store: RecordStore, plan: TablePlan): Set<string> {
  const out = new Set<string>();
  for (let e = 0; e < plan.entryNode.length; e++) {
    if (plan.entryHasRecords(e)) {
      out.add(store.nameText(plan.entryNode[e]!));
    }
  }
  return out;
}
