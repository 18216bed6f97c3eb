import type { Logger } from 'pino';
import type { Config } from '../config/types.js';
import { componentLogger } from '../log.js';
import type { FetchOptions, PreviousState } from '../mesos/fetch/fetch.js';
import { generate, tasksWithRecords } from '../records/generator.js';
import { TYPE_A, TYPE_AAAA, TYPE_SRV, type RecordStore } from '../records/store.js';
import { recordTexts } from '../records/store-text.js';
import type { Change } from '../mesos/stream/model.js';
import type { MesosState, TaskList } from '../state/state.js';
import { tableMetaFor } from '../table/meta.js';
import { planTable } from '../table/build.js';
import { httpOnlyNames, type HttpNames } from '../table/http-names.js';
import type { TablePlan } from '../table/plan.js';
import { RecordTable } from '../table/table.js';
import {
  axfrMetaFor,
  budgetFor,
  generateInputFor,
  type BuildInput,
  type Reconcile,
  type StreamInput,
} from './build-inputs.js';
import { BuildQueue } from './build-queue.js';
import { OverlayBuilder, type ClusterView } from './overlay.js';
import { fetchValidated, TASKS_AS_READ, TASKS_FIRST } from './polled-state.js';
import type { BuildSource, Counts, Generation, PipelineResult, Timings } from './results.js';
import { hostsToResolve, resolveHosts } from './resolve-hosts.js';
import { ServedSerial } from './served-serial.js';
import { generateWith, type TaskPreparer } from './task-preparer.js';

/**
 * One refresh: fetch → validate → resolve host names → generate → build the table; or, from the event stream, the
 * model's state → generate → build. Runs in the refresh worker thread so none of this blocks answering. Builds never
 * overlap, whatever their source, and are numbered in the order they start. The stream's changes mostly make overlays
 * over the last table (`applyChanges`). Work that changes nothing is skipped: a state byte for byte as before (same
 * masters and config, no host names to look up again) ends the refresh after the fetch; records as before end it
 * before the table build. Nothing for HTTP is rendered here: the views are made on request from `generation`, and
 * the HTTP-only names of a table once it has gone out (`takeHttpNames`).
 */
export class RefreshPipeline {
  private readonly served: ServedSerial;
  /** what the last refresh that produced records started from, to tell an identical state */
  private lastInput: { state: PreviousState; masters: string; config: Config } | null = null;
  private leader = '';
  private master = '';
  /** the masters list of the last poll or `setMasters`; the stream's builds name these */
  private masters: string[] = [];
  /** the master the stream's model came from */
  private streamMaster = '';
  private readonly builds = new BuildQueue<PipelineResult>();
  /** the records the HTTP views render; null until the first refresh produced some, and after an overlay */
  generation: Generation | null = null;
  /** after an overlay: the state the views must show, generated only when a view is asked for */
  private viewState: { state: MesosState; number: number } | null = null;
  /** the last table built from the stream's model, which overlays go over; null after a poll */
  private overlays: { builder: OverlayBuilder; serial: number; counts: Counts } | null = null;
  /** the counts of the last table built, which records as before keep */
  private counts: Counts | null = null;
  /** what the HTTP-only names of the last table are made from, until they are (`takeHttpNames`) */
  private httpNamesFrom: { serial: number; store: RecordStore; plan: TablePlan } | null = null;
  /** host names in the states the stream gives, as resolved for the last build */
  private resolved: ReadonlyMap<string, readonly string[]> = new Map();
  private readonly log: Logger;
  private readonly logs: { fetch: Logger; refresh: Logger };

  /** `servedSerial`: the serial served now, when this pipeline replaces one whose worker died */
  constructor(
    private config: Config,
    private fetchOptions: FetchOptions,
    root: Logger,
    servedSerial: number | null = null,
    /** reads the first build's tasks on the second core (task-preparer.ts) */
    private readonly firstLoad: TaskPreparer | null = null,
  ) {
    this.log = componentLogger(root, 'refresh');
    this.logs = { fetch: componentLogger(root, 'fetch'), refresh: this.log };
    // The digest of the served records died with the old worker: the next table gets a newer serial, never an older one.
    this.served = new ServedSerial(servedSerial);
  }

  reconfigure(config: Config, fetchOptions: FetchOptions): void {
    this.config = config;
    this.fetchOptions = fetchOptions;
    // New TTLs or SOA fields change the answers even when the records do not.
    this.served.forgetRecords();
    this.overlays = null;
  }

  /** The number of the records the views show now (see `viewGeneration`). */
  get generationNumber(): number {
    return this.viewState?.number ?? this.generation?.number ?? 0;
  }

  /**
   * The records the HTTP views render. After overlays the kept ones are out of
   * date: the live state is generated whole now, once per change, only when a
   * view is asked for (the overlays themselves never need the whole records).
   */
  viewGeneration(): Generation | null {
    const pending = this.viewState;
    if (pending !== null) {
      const c = this.config;
      this.viewState = null;
      const input = { ...generateInputFor(c, this.masters, this.resolved), budget: budgetFor(c) };
      const generated = generate(pending.state, input, (msg) => this.log.debug({ leader: pending.state.leader }, msg));
      this.generation = { number: pending.number, ...generated, axfr: axfrMetaFor(c, this.served.serial) };
    }
    return this.generation;
  }

  /**
   * What `/v1/hosts` and `/v1/services` answer beside the table of `serial`,
   * made once that table has gone to the main thread: a pass over every name
   * (≈100 ms at 50,000 tasks) that DNS has no use for. Null when that table is
   * not the last one built (a build queued behind it may end before its result
   * is posted: the newer table's names wait for its own post), and once they
   * have been taken.
   */
  takeHttpNames(serial: number): { serial: number; httpNames: HttpNames } | null {
    const from = this.httpNamesFrom;
    if (from === null || from.serial !== serial) return null;
    this.httpNamesFrom = null;
    return { serial, httpNames: httpOnlyNames(from.store, from.plan) };
  }

  /** The masters list the stream's builds name (master records); a poll brings its own. */
  setMasters(masters: string[]): void {
    this.masters = [...masters];
  }

  /** A poll: fetch `GET /master/state` and build from it. */
  run(masters: string[]): Promise<PipelineResult> {
    this.masters = [...masters];
    return this.builds.run((seq) => this.poll(masters, seq));
  }

  /**
   * The periodic full poll while the event stream is live: the fetched state
   * goes to `reconcile`, and only what it repaired is built (an overlay, as for
   * events), or nothing when the stream missed nothing. The fetch and the
   * validation take no turn among the builds, so the stream's changes go on
   * being built meanwhile (at 50,000 tasks they take seconds); `reconcile`
   * leaves alone what changed since. When it declines, a poll taken in turn is
   * built from instead, so no stream build made meanwhile is undone by older
   * data.
   */
  async resync(masters: string[], reconcile: Reconcile): Promise<PipelineResult> {
    this.masters = [...masters];
    // Validated before `reconcile`, which reads the tasks synchronously: in turns, so events go on being read.
    const polled = await fetchValidated(masters, null, this.fetchOptions, this.logs, TASKS_FIRST);
    return this.builds.run(async (seq) => {
      const repaired = polled.unchanged ? null : reconcile(polled.state, polled.master);
      if (polled.unchanged || repaired === null) return this.poll(masters, seq);
      const r = await this.changed(seq, repaired.cluster, repaired.changes);
      // The refresh asked for was a poll, whatever the repair built from: it is reported as one.
      const timings = { ...r.timings, fetchMs: polled.fetchMs, totalMs: r.timings.totalMs + polled.fetchMs };
      return r.kind === 'overlay'
        ? { ...r, source: 'poll', timings }
        : { ...r, source: 'poll', timings, stateBytes: polled.bytes };
    });
  }

  /**
   * A new subscription's cluster (`SUBSCRIBED`), from `master`: a full build,
   * as for a poll. `state` is read when the build starts, so events applied to
   * the model meanwhile are in it.
   */
  fromSnapshot(state: () => MesosState, master: string): Promise<PipelineResult> {
    return this.builds.run((seq) => {
      this.streamMaster = master;
      return this.build(seq, {
        kind: 'stream',
        state: state(),
        master,
        masters: this.masters,
        started: performance.now(),
      });
    });
  }

  /**
   * The records after `changes`, events applied to the stream's model since
   * the last build (a batch of them: several events may name the same task).
   * `cluster` gives the model as it is now, read when the build starts, which
   * already includes every change listed. Like every build, it runs alone and in
   * order: the result's `seq` is higher than that of any build before it.
   *
   * The first call after a poll or a reconfigure, one that meets a host name
   * not looked up yet or a new leader, one whose overlay has grown past its
   * bound (compaction), and every call with `ptrOn` build a whole table, which
   * later overlays go over; any other builds an overlay of every change since
   * that table, in milliseconds. Either way the result answers exactly as a
   * whole table of the state would.
   */
  applyChanges(cluster: () => ClusterView, changes: readonly Change[]): Promise<PipelineResult> {
    return this.builds.run((seq) => this.changed(seq, cluster(), changes));
  }

  /** No build is running or waiting to. */
  get idle(): boolean {
    return this.builds.idle;
  }

  private async poll(masters: string[], seq: number): Promise<PipelineResult> {
    const c = this.config;
    const last = this.lastInput;
    // The same masters and config, and the same bytes from the same master, make the same records.
    const comparable =
      this.generation !== null && last !== null && last.masters === masters.join(',') && last.config === c;
    const previous = comparable ? last.state : null;
    const polled = await fetchValidated(masters, previous, this.fetchOptions, this.logs, TASKS_AS_READ);
    if (polled.unchanged) {
      const timings = { fetchMs: polled.fetchMs, generateMs: 0, buildMs: 0, totalMs: polled.fetchMs };
      return this.unchanged(seq, 'poll', 'same state', polled.bytes, timings);
    }
    return this.build(seq, {
      kind: 'poll',
      state: polled.state,
      master: polled.master,
      masters,
      skippedItems: polled.skippedItems,
      started: polled.started,
      fetchMs: polled.fetchMs,
      stateBytes: polled.bytes,
      polled: { master: polled.master, digest: polled.digest },
    });
  }

  private async changed(seq: number, cluster: ClusterView, changes: readonly Change[]): Promise<PipelineResult> {
    const c = this.config;
    const t0 = performance.now();
    const state = cluster.state();
    const base = this.overlays;
    const leaderMoved = state.leader !== this.leader;
    if (!leaderMoved && changes.every((x) => x.tasks.length + x.agents.length + x.frameworks.length === 0)) {
      const ms = performance.now() - t0;
      return this.unchanged(seq, 'stream', 'same records', 0, { fetchMs: 0, generateMs: 0, buildMs: 0, totalMs: ms });
    }
    const whole =
      base === null ||
      leaderMoved ||
      base.builder.due(base.counts.tasks) ||
      hostsToResolve(state).some((h) => !this.resolved.has(h));
    if (whole) {
      return this.build(seq, {
        kind: 'stream',
        state,
        master: this.streamMaster,
        masters: this.masters,
        started: t0,
      });
    }
    const serial = this.served.newer(Math.floor(Date.now() / 1000));
    const overlay = base.builder.build(cluster, state, changes, tableMetaFor(c, serial));
    const t1 = performance.now();
    this.served.serve(serial, null, null);
    this.viewState = { state, number: this.generationNumber + 1 };
    this.generation = null;
    const counts: Counts = {
      a: base.counts.a + overlay.delta.a,
      aaaa: base.counts.aaaa + overlay.delta.aaaa,
      srv: base.counts.srv + overlay.delta.srv,
      ptr: 0,
      names: base.counts.names + overlay.delta.names,
      tasks: base.counts.tasks + overlay.delta.tasks,
    };
    return {
      kind: 'overlay',
      seq,
      source: 'stream',
      overlayBuffer: overlay.table,
      hiddenBuffer: overlay.hidden,
      httpNames: overlay.httpNames,
      baseSerial: base.serial,
      serial,
      leader: this.leader,
      master: this.master,
      counts,
      overlayNames: overlay.names,
      generation: this.generationNumber,
      timings: { fetchMs: 0, generateMs: t1 - t0, buildMs: 0, totalMs: t1 - t0 },
    };
  }

  /** The part poll and stream share: MesosState → records → table → result. */
  private async build(seq: number, from: BuildInput): Promise<PipelineResult> {
    const c = this.config;
    const { masters } = from;
    const mastersKey = masters.join(',');
    const fetchMs = from.kind === 'poll' ? from.fetchMs : 0;
    const stateBytes = from.kind === 'poll' ? from.stateBytes : 0;
    const t1 = from.started + fetchMs;
    const state: MesosState<TaskList> = from.state;
    const leader = state.leader;
    const hosts = hostsToResolve(state);
    const resolved = await resolveHosts(hosts, (host, err) =>
      this.log.debug({ host, err }, 'host name did not resolve'),
    );
    const generateInput = generateInputFor(c, masters, resolved);
    const generated = await generateWith(this.firstLoad, state, { ...generateInput, budget: budgetFor(c) }, (msg) =>
      this.log.warn({ leader }, msg),
    );
    if (this.log.isLevelEnabled('trace')) for (const r of recordTexts(generated.store)) this.log.trace(r, 'record');
    // Names looked up in DNS may resolve differently next time, even from the same bytes; and after a stream build
    // the served records no longer come from the last polled bytes.
    this.lastInput =
      from.kind === 'poll' && hosts.length === 0 ? { state: from.polled, masters: mastersKey, config: c } : null;
    this.leader = leader;
    this.master = from.master;
    this.resolved = resolved;
    const t2 = performance.now();

    const { same, serial, digest } = this.served.compare(generated.store, Math.floor(Date.now() / 1000));
    const axfr = axfrMetaFor(c, serial);
    const unchangedRecords = same && this.generationNumber > 0;
    const compaction = this.overlays !== null && this.overlays.builder.overlaid;
    this.overlays = null;
    this.generation = { number: this.generationNumber + 1, ...generated, axfr };
    this.viewState = null;
    if (unchangedRecords) {
      // The served table holds these very records: later overlays can go over it (the plan alone says how).
      if (this.overlaysOver(from, c) && this.counts !== null) {
        const base = { state: from.state, store: generated.store, plan: planTable(generated.store, c.domain) };
        this.overlays = { builder: new OverlayBuilder(base, generateInput), serial, counts: this.counts };
      }
      return this.unchanged(seq, from.kind, 'same records', stateBytes, {
        fetchMs,
        generateMs: t2 - t1,
        buildMs: 0,
        totalMs: t2 - from.started,
      });
    }

    const { table, plan } = RecordTable.buildWithPlan(generated.store, tableMetaFor(c, serial));
    const t3 = performance.now();
    this.httpNamesFrom = { serial, store: generated.store, plan };
    // A reconfigure during this run changes TTLs or SOA fields the next table will carry: force a new serial then.
    this.served.serve(serial, this.config === c ? generated.store : null, digest);

    const counts: Counts = {
      a: generated.store.valueCount(TYPE_A),
      aaaa: generated.store.valueCount(TYPE_AAAA),
      srv: generated.store.valueCount(TYPE_SRV),
      ptr: table.counts.ptr,
      names: table.counts.names,
      tasks: tasksWithRecords(generated),
    };
    this.counts = counts;
    if (this.overlaysOver(from, c)) {
      const builder = new OverlayBuilder({ state: from.state, store: generated.store, plan }, generateInput);
      this.overlays = { builder, serial, counts };
    }
    return {
      kind: 'table',
      seq,
      source: from.kind,
      tableBuffer: table.buffer,
      serial,
      leader,
      master: from.master,
      counts,
      generation: this.generation.number,
      timings: { fetchMs, generateMs: t2 - t1, buildMs: t3 - t2, totalMs: t3 - from.started },
      skippedItems: from.kind === 'poll' ? from.skippedItems() : 0,
      stateBytes,
      compaction,
    };
  }

  private unchanged(
    seq: number,
    source: BuildSource,
    reason: 'same state' | 'same records',
    stateBytes: number,
    timings: Timings,
  ): PipelineResult {
    return {
      kind: 'unchanged',
      seq,
      source,
      reason,
      serial: this.served.serial,
      leader: this.leader,
      master: this.master,
      generation: this.generationNumber,
      timings,
      stateBytes,
    };
  }

  /**
   * Whether later overlays may go over this build's table: only one made from the stream's model (a poll's
   * state is not the model's), with the config still current, and without ptrOn, as overlays hold no reverse
   * names (an address can be a task's, an agent's and a master's at once).
   */
  private overlaysOver(from: BuildInput, c: Config): from is StreamInput {
    return from.kind === 'stream' && !c.ptrOn && this.config === c;
  }
}
