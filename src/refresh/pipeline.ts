import { networkInterfaces } from 'node:os';
import type { Logger } from 'pino';
import type { Config } from '../config/types.js';
import { componentLogger } from '../log.js';
import { nameServerAddresses } from '../net/interface-addresses.js';
import { fetchState, type FetchOptions, type PreviousState } from '../mesos/fetch/fetch.js';
import { nextSerial, recordDigest } from '../records/digest.js';
import { MemoryBudget } from '../records/budget.js';
import { generate } from '../records/generator.js';
import { TYPE_A, TYPE_AAAA, TYPE_NAMES, TYPE_SRV, type RecordStore } from '../records/store.js';
import type { Enumeration } from '../records/types.js';
import type { AxfrMeta } from '../records/views.js';
import { validateState, type MesosState } from '../state/state.js';
import type { Change } from '../mesos/stream/model.js';
import { tableMetaFor } from '../table/meta.js';
import { buildTable } from '../table/build.js';
import { RecordTable } from '../table/table.js';
import { OverlayBuilder, type OverlayInput } from './overlay.js';
import { hostsToResolve, resolveHosts } from './resolve-hosts.js';

/** What one refresh produced for DNS: a new table, or proof that the served one is still current. */
export type PipelineResult =
  | {
      kind: 'table';
      /** the table's buffer, transferred to the main thread */
      tableBuffer: ArrayBuffer;
      serial: number;
      leader: string;
      master: string;
      counts: { a: number; aaaa: number; srv: number; names: number; tasks: number };
      /** which generation of records the HTTP views now render (see `Generation`) */
      generation: number;
      timings: Timings;
      skippedItems: number;
      /** size of the state as received */
      stateBytes: number;
      /** the table replaced a base that had overlays (`applyChanges` compacted them) */
      compaction: boolean;
    }
  | {
      /** an overlay over the last table this pipeline produced (see overlay.ts) */
      kind: 'overlay';
      overlayBuffer: ArrayBuffer;
      hiddenBuffer: ArrayBuffer;
      /** the serial of the table it goes over, to check it is the one served */
      baseSerial: number;
      serial: number;
      leader: string;
      master: string;
      counts: { a: number; aaaa: number; srv: number; names: number; tasks: number };
      /** names with records in the overlay and names it hides */
      overlayNames: number;
      generation: number;
      timings: Timings;
    }
  | {
      kind: 'unchanged';
      /** why no table was built: the state's bytes, or the records made from them, are as before */
      reason: 'same state' | 'same records';
      serial: number;
      leader: string;
      master: string;
      generation: number;
      timings: Timings;
      stateBytes: number;
    };

export interface Timings {
  fetchMs: number;
  generateMs: number;
  buildMs: number;
  totalMs: number;
}

/**
 * The records the HTTP views render: the store and enumeration of the last
 * successful generation, kept in the worker after the table went to the main
 * thread. A generation number tells the main thread when a cached body is
 * out of date (records can stay the same while `/v1/enumerate` changes).
 */
export interface Generation {
  number: number;
  store: RecordStore;
  enumeration: Enumeration;
  axfr: AxfrMeta;
}

function logRecords(log: Logger, store: RecordStore): void {
  for (const type of [TYPE_A, TYPE_AAAA, TYPE_SRV] as const) {
    for (let id = 0; id < store.nameCount; id++) {
      for (let n = store.firstNode(type, id); n >= 0; n = store.nextNode(type, n)) {
        log.trace({ rtype: TYPE_NAMES[type], name: store.nameText(id), value: store.text(type, n) }, 'record');
      }
    }
  }
}

/**
 * One refresh: fetch → validate → resolve host names → generate → build the
 * table. Runs in the refresh worker thread so none of this blocks answering.
 * Work that changes nothing is skipped: a state byte for byte as before (with
 * the same masters and config, and no host names to look up again) ends the
 * refresh after the fetch; records as before end it before the table build.
 * Nothing for HTTP is rendered here: the views are made on request from
 * `generation`.
 */
export class RefreshPipeline {
  private previous: { serial: number; digest: string } | null = null;
  /** what the last refresh that produced records started from, to tell an identical state */
  private lastInput: { state: PreviousState; masters: string; config: Config } | null = null;
  private leader = '';
  private master = '';
  /** the records the HTTP views render; null until the first refresh produced some */
  generation: Generation | null = null;
  /** after an overlay: the state the views must show, generated only when a view is asked for */
  private viewState: { state: MesosState; number: number } | null = null;
  /** the last table built from a state given to `applyChanges`, which overlays go over; null after a poll */
  private overlays: {
    builder: OverlayBuilder;
    serial: number;
    counts: { a: number; aaaa: number; srv: number; names: number; tasks: number };
    tasks: number;
  } | null = null;
  /** the masters list of the last poll, which the event stream does not give */
  private masters: string[];
  /** host names in states given to `applyChanges`, as resolved for the last full build */
  private resolved: ReadonlyMap<string, readonly string[]> = new Map();
  private readonly log: Logger;
  private readonly fetchLog: Logger;

  /** `servedSerial`: the serial served now, when this pipeline replaces one whose worker died */
  constructor(
    private config: Config,
    private fetchOptions: FetchOptions,
    root: Logger,
    servedSerial: number | null = null,
  ) {
    this.log = componentLogger(root, 'refresh');
    this.fetchLog = componentLogger(root, 'fetch');
    this.masters = config.masters ?? [];
    // The digest of the served records died with the old worker: the next table gets a newer serial, never an older one.
    if (servedSerial !== null) this.previous = { serial: servedSerial, digest: '' };
  }

  reconfigure(config: Config, fetchOptions: FetchOptions): void {
    this.config = config;
    this.fetchOptions = fetchOptions;
    // New TTLs or SOA fields change the answers even when the records do not.
    this.previous = this.previous && { serial: this.previous.serial, digest: '' };
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
      const input = { ...this.generateInput(this.masters, this.resolved), budget: this.budget() };
      const generated = generate(pending.state, input, (msg) => this.log.debug({ leader: pending.state.leader }, msg));
      this.generation = { number: pending.number, ...generated, axfr: this.axfrMeta(c, this.previous?.serial ?? 0) };
    }
    return this.generation;
  }

  async run(masters: string[]): Promise<PipelineResult> {
    const c = this.config;
    const t0 = performance.now();
    const mastersKey = masters.join(',');
    const last = this.lastInput;
    // The same masters and config, and the same bytes from the same master, make the same records.
    const comparable = this.generation !== null && last !== null && last.masters === mastersKey && last.config === c;
    const fetched = await fetchState(masters, this.fetchOptions, this.fetchLog, comparable ? last.state : null);
    const t1 = performance.now();
    if (fetched.unchanged) {
      return this.unchanged('same state', fetched.bytes, {
        fetchMs: t1 - t0,
        generateMs: 0,
        buildMs: 0,
        totalMs: t1 - t0,
      });
    }

    const validated = validateState(fetched.body, fetched.master);
    let state: MesosState | null = validated.state;
    const { warnings } = validated;
    const leader = state.leader;
    // The parsed document is no longer needed: let GC reclaim it before generation (peak memory).
    fetched.body = null;
    for (const w of warnings) this.log.warn({ master: fetched.master, ...w }, 'skipped a bad state item');
    const hosts = hostsToResolve(state);
    const resolved = await resolveHosts(hosts, (host, err) =>
      this.log.debug({ host, err }, 'host name did not resolve'),
    );
    const generated = generate(state, { ...this.generateInput(masters, resolved), budget: this.budget() }, (msg) =>
      this.log.warn({ leader }, msg),
    );
    // eslint-disable-next-line no-useless-assignment -- a dropped reference lets GC reclaim the state before the build allocates
    state = null;
    if (this.log.isLevelEnabled('trace')) logRecords(this.log, generated.store);
    // Names looked up in DNS may resolve differently next time, even from the same bytes.
    this.lastInput =
      hosts.length === 0
        ? { state: { master: fetched.master, digest: fetched.digest }, masters: mastersKey, config: c }
        : null;
    this.leader = leader;
    this.master = fetched.master;
    const t2 = performance.now();

    const digest = recordDigest(generated.store);
    const serial = nextSerial(this.previous, digest, Math.floor(Date.now() / 1000));
    const axfr = this.axfrMeta(c, serial);
    const unchangedRecords = this.previous !== null && this.previous.digest === digest && this.generation !== null;
    this.masters = masters;
    this.viewState = null;
    this.generation = { number: this.generationNumber + 1, ...generated, axfr };
    if (unchangedRecords) {
      return this.unchanged('same records', fetched.bytes, {
        fetchMs: t1 - t0,
        generateMs: t2 - t1,
        buildMs: 0,
        totalMs: t2 - t0,
      });
    }

    const table = buildTable(generated.store, tableMetaFor(c, serial));
    const t3 = performance.now();
    // Overlays go over a table made from a state the stream gave; this one came from a poll.
    this.overlays = null;
    // A reconfigure during this run changes TTLs or SOA fields the next table will carry: force a new serial then.
    this.previous = { serial, digest: this.config === c ? digest : '' };

    let tasks = 0;
    for (const fw of generated.enumeration.frameworks ?? []) tasks += fw.tasks.length;
    return {
      kind: 'table',
      tableBuffer: table.buffer,
      serial,
      leader,
      master: fetched.master,
      counts: {
        a: generated.store.valueCount(TYPE_A),
        aaaa: generated.store.valueCount(TYPE_AAAA),
        srv: generated.store.valueCount(TYPE_SRV),
        names: RecordTable.fromBuffer(table.buffer).counts.names,
        tasks,
      },
      generation: this.generation.number,
      timings: { fetchMs: t1 - t0, generateMs: t2 - t1, buildMs: t3 - t2, totalMs: t3 - t0 },
      skippedItems: warnings.length,
      stateBytes: fetched.bytes,
      compaction: false,
    };
  }

  private unchanged(reason: 'same state' | 'same records', stateBytes: number, timings: Timings): PipelineResult {
    return {
      kind: 'unchanged',
      reason,
      serial: this.previous?.serial ?? 0,
      leader: this.leader,
      master: this.master,
      generation: this.generationNumber,
      timings,
      stateBytes,
    };
  }

  /**
   * The event stream's way in: `state` is the cluster now, `changes` what
   * changed since the last call (coalesced). The first call, one after a poll
   * or a reconfigure, one that meets a host name not looked up yet or a new
   * leader, and one whose overlay has grown past its bound (compaction) build
   * a whole table, which later overlays go over; any other builds an overlay
   * of every change since that table, in milliseconds. Either way the result
   * answers exactly as a whole table of `state` would.
   */
  async applyChanges(state: MesosState, changes: readonly Change[]): Promise<PipelineResult> {
    const c = this.config;
    const t0 = performance.now();
    const fresh = hostsToResolve(state).filter((h) => !this.resolved.has(h));
    const base = this.overlays;
    if (base === null || fresh.length > 0 || state.leader !== this.leader || base.builder.due(base.tasks)) {
      return this.rebuild(state, t0);
    }
    if (changes.every((x) => x.tasks.length + x.agents.length + x.frameworks.length === 0)) {
      const ms = performance.now() - t0;
      return this.unchanged('same records', 0, { fetchMs: 0, generateMs: 0, buildMs: 0, totalMs: ms });
    }
    const serial = Math.max(Math.floor(Date.now() / 1000), (this.previous?.serial ?? 0) + 1) >>> 0;
    const overlay = base.builder.build(state, changes, tableMetaFor(c, serial));
    const t1 = performance.now();
    this.previous = { serial, digest: '' };
    this.viewState = { state, number: this.generationNumber + 1 };
    this.generation = null;
    const counts = {
      a: base.counts.a + overlay.delta.a,
      aaaa: base.counts.aaaa + overlay.delta.aaaa,
      srv: base.counts.srv + overlay.delta.srv,
      names: base.counts.names + overlay.delta.names,
      tasks: base.counts.tasks + overlay.delta.tasks,
    };
    return {
      kind: 'overlay',
      overlayBuffer: overlay.table,
      hiddenBuffer: overlay.hidden,
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

  /** A whole table of `state`, which later overlays go over. */
  private async rebuild(state: MesosState, t0: number): Promise<PipelineResult> {
    const c = this.config;
    const compaction = this.overlays !== null && this.overlays.builder.overlaid;
    const resolved = await resolveHosts(hostsToResolve(state), (host, err) =>
      this.log.debug({ host, err }, 'host name did not resolve'),
    );
    const input = this.generateInput(this.masters, resolved);
    const generated = generate(state, { ...input, budget: this.budget() }, (msg) =>
      this.log.warn({ leader: state.leader }, msg),
    );
    const t1 = performance.now();
    const digest = recordDigest(generated.store);
    const serial = nextSerial(this.previous, digest, Math.floor(Date.now() / 1000));
    const table = buildTable(generated.store, tableMetaFor(c, serial));
    const t2 = performance.now();
    this.previous = { serial, digest };
    this.leader = state.leader;
    this.resolved = resolved;
    this.lastInput = null;
    this.viewState = null;
    this.generation = { number: this.generationNumber + 1, ...generated, axfr: this.axfrMeta(c, serial) };
    let tasks = 0;
    for (const fw of generated.enumeration.frameworks ?? []) tasks += fw.tasks.length;
    const counts = {
      a: generated.store.valueCount(TYPE_A),
      aaaa: generated.store.valueCount(TYPE_AAAA),
      srv: generated.store.valueCount(TYPE_SRV),
      names: RecordTable.fromBuffer(table.buffer).counts.names,
      tasks,
    };
    const builder = new OverlayBuilder({ state, store: generated.store, plan: table.plan }, input);
    this.overlays = { builder, serial, counts, tasks };
    return {
      kind: 'table',
      tableBuffer: table.buffer,
      serial,
      leader: state.leader,
      master: this.master,
      counts,
      generation: this.generation.number,
      timings: { fetchMs: 0, generateMs: t1 - t0, buildMs: t2 - t1, totalMs: t2 - t0 },
      skippedItems: 0,
      stateBytes: 0,
      compaction,
    };
  }

  /** What a generation of records may allocate outside the heap (`refreshHeapMiB`). */
  private budget(): MemoryBudget {
    return new MemoryBudget(this.config.refreshHeapMiB * 1024 * 1024);
  }

  private generateInput(masters: readonly string[], resolved: ReadonlyMap<string, readonly string[]>): OverlayInput {
    const c = this.config;
    return {
      domain: c.domain,
      enforceRFC952: c.enforceRFC952,
      ipSources: c.ipSources,
      soaMname: c.soaMname,
      listener: c.listener,
      masters,
      healthyOnly: c.healthyOnly,
      resolved,
      interfaceAddrs: c.listener === '0.0.0.0' ? nameServerAddresses(networkInterfaces()) : [],
    };
  }

  private axfrMeta(c: Config, serial: number): AxfrMeta {
    return {
      ttl: c.ttl,
      serial,
      refreshSeconds: c.refreshSeconds,
      mname: c.soaMname,
      rname: c.soaRname,
      domain: c.domain,
    };
  }
}
