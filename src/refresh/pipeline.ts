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
import type { Change } from '../mesos/stream/model.js';
import { validateState, type MesosState } from '../state/state.js';
import { tableMetaFor } from '../table/meta.js';
import type { HttpNames } from '../table/http-names.js';
import { RecordTable } from '../table/table.js';
import { hostsToResolve, resolveHosts } from './resolve-hosts.js';

/** What one refresh produced for DNS: a new table, or proof that the served one is still current. */
export type PipelineResult =
  | {
      kind: 'table';
      /** the build's place in the order builds started (see `RefreshPipeline.exclusive`) */
      seq: number;
      source: BuildSource;
      /** the table's buffer, transferred to the main thread */
      tableBuffer: ArrayBuffer;
      /** what HTTP lookups answer beside the table (copied to the main thread) */
      httpNames: HttpNames;
      serial: number;
      leader: string;
      master: string;
      counts: { a: number; aaaa: number; srv: number; ptr: number; names: number; tasks: number };
      /** which generation of records the HTTP views now render (see `Generation`) */
      generation: number;
      timings: Timings;
      skippedItems: number;
      /** size of the state as received */
      stateBytes: number;
    }
  | {
      kind: 'unchanged';
      seq: number;
      source: BuildSource;
      /** why no table was built: the state's bytes, or the records made from them, are as before */
      reason: 'same state' | 'same records';
      serial: number;
      leader: string;
      master: string;
      generation: number;
      timings: Timings;
      stateBytes: number;
    };

/** Where a build's state came from: a poll of `GET /master/state`, or the event stream's model. */
export type BuildSource = 'poll' | 'stream';

/** What a build starts from besides the state. */
type BuildInput =
  | {
      kind: 'poll';
      master: string;
      /** the masters list, for the master records */
      masters: string[];
      skippedItems: number;
      /** performance.now() when the refresh began */
      started: number;
      fetchMs: number;
      stateBytes: number;
      /** the fetched bytes' identity, to recognise them next time */
      polled: PreviousState;
    }
  | { kind: 'stream'; master: string; masters: string[]; skippedItems: number; started: number };

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
 * table; or, from the event stream, the model's state → generate → build.
 * Runs in the refresh worker thread so none of this blocks answering. Builds
 * never overlap, whatever their source, and are numbered in the order they
 * start. Work that changes nothing is skipped: a state byte for byte as before (with
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
  /** the masters list of the last poll or `setMasters`; the stream's builds name these */
  private masters: string[] = [];
  /** the master the stream's model came from */
  private streamMaster = '';
  /** the tail of the builds asked for, each run after the one before */
  private queue: Promise<void> = Promise.resolve();
  private seq = 0;
  /** the records the HTTP views render; null until the first refresh produced some */
  generation: Generation | null = null;
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
    // The digest of the served records died with the old worker: the next table gets a newer serial, never an older one.
    if (servedSerial !== null) this.previous = { serial: servedSerial, digest: '' };
  }

  reconfigure(config: Config, fetchOptions: FetchOptions): void {
    this.config = config;
    this.fetchOptions = fetchOptions;
    // New TTLs or SOA fields change the answers even when the records do not.
    this.previous = this.previous && { serial: this.previous.serial, digest: '' };
  }

  /** The masters list the stream's builds name (master records); a poll brings its own. */
  setMasters(masters: string[]): void {
    this.masters = [...masters];
  }

  /** A poll: fetch `GET /master/state` and build from it (the periodic full resync while streaming). */
  run(masters: string[]): Promise<PipelineResult> {
    this.masters = [...masters];
    return this.exclusive((seq) => this.poll(masters, seq));
  }

  /**
   * A new subscription's cluster (`SUBSCRIBED`), from `master`: a full build,
   * as for a poll. `state` is read when the build starts, so events applied to
   * the model meanwhile are in it.
   */
  fromSnapshot(state: () => MesosState, master: string): Promise<PipelineResult> {
    return this.exclusive((seq) => {
      this.streamMaster = master;
      return this.build(seq, state(), {
        kind: 'stream',
        master,
        masters: this.masters,
        skippedItems: 0,
        started: performance.now(),
      });
    });
  }

  /**
   * The records after `changes`, events applied to the stream's model since
   * the last build (a batch of them: several events may name the same task).
   * `state` is the model as it is now, read when the build starts, and already
   * includes every change listed; `changes` only says where the records may
   * differ, so an implementation may rebuild just those names. It may return
   * `unchanged` when no record differs. Like every build, it runs alone and in
   * order: the result's `seq` is higher than that of any build before it.
   */
  applyChanges(state: () => MesosState, _changes: readonly Change[]): Promise<PipelineResult> {
    // Today a full build; the changes are the hook for rebuilding only the names they touch.
    return this.exclusive((seq) =>
      this.build(seq, state(), {
        kind: 'stream',
        master: this.streamMaster,
        masters: this.masters,
        skippedItems: 0,
        started: performance.now(),
      }),
    );
  }

  /**
   * Runs builds one at a time in the order asked, numbering each as it starts:
   * a poll fetched before a stream build started is built before it, so no
   * older view of the cluster ever gets a higher number than a newer one.
   */
  private exclusive(job: (seq: number) => Promise<PipelineResult>): Promise<PipelineResult> {
    const run = this.queue.then(() => job(++this.seq));
    this.queue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private async poll(masters: string[], seq: number): Promise<PipelineResult> {
    const c = this.config;
    const t0 = performance.now();
    const mastersKey = masters.join(',');
    const last = this.lastInput;
    // The same masters and config, and the same bytes from the same master, make the same records.
    const comparable = this.generation !== null && last !== null && last.masters === mastersKey && last.config === c;
    const fetched = await fetchState(masters, this.fetchOptions, this.fetchLog, comparable ? last.state : null);
    const t1 = performance.now();
    if (fetched.unchanged) {
      return this.unchanged(seq, 'poll', 'same state', fetched.bytes, {
        fetchMs: t1 - t0,
        generateMs: 0,
        buildMs: 0,
        totalMs: t1 - t0,
      });
    }

    const validated = validateState(fetched.body, fetched.master);
    const { warnings } = validated;
    // The parsed document is no longer needed: let GC reclaim it before generation (peak memory).
    fetched.body = null;
    for (const w of warnings) this.log.warn({ master: fetched.master, ...w }, 'skipped a bad state item');
    return this.build(seq, validated.state, {
      kind: 'poll',
      master: fetched.master,
      masters,
      skippedItems: warnings.length,
      started: t0,
      fetchMs: t1 - t0,
      stateBytes: fetched.bytes,
      polled: { master: fetched.master, digest: fetched.digest },
    });
  }

  /** The part poll and stream share: MesosState → records → table → result. */
  private async build(seq: number, input: MesosState, from: BuildInput): Promise<PipelineResult> {
    const c = this.config;
    const { masters } = from;
    const mastersKey = masters.join(',');
    const fetchMs = from.kind === 'poll' ? from.fetchMs : 0;
    const stateBytes = from.kind === 'poll' ? from.stateBytes : 0;
    const t1 = from.started + fetchMs;
    let state: MesosState | null = input;
    const leader = state.leader;
    const hosts = hostsToResolve(state);
    const resolved = await resolveHosts(hosts, (host, err) =>
      this.log.debug({ host, err }, 'host name did not resolve'),
    );
    const generated = generate(
      state,
      {
        domain: c.domain,
        enforceRFC952: c.enforceRFC952,
        ipSources: c.ipSources,
        soaMname: c.soaMname,
        listener: c.listener,
        masters,
        healthyOnly: c.healthyOnly,
        ptrOn: c.ptrOn,
        resolved,
        interfaceAddrs: c.listener === '0.0.0.0' ? nameServerAddresses(networkInterfaces()) : [],
        budget: new MemoryBudget(c.refreshHeapMiB * 1024 * 1024),
      },
      (msg) => this.log.warn({ leader }, msg),
    );
    // eslint-disable-next-line no-useless-assignment -- a dropped reference lets GC reclaim the state before the build allocates
    state = null;
    if (this.log.isLevelEnabled('trace')) logRecords(this.log, generated.store);
    // Names looked up in DNS may resolve differently next time, even from the same bytes; and after a stream build
    // the served records no longer come from the last polled bytes.
    this.lastInput =
      from.kind === 'poll' && hosts.length === 0 ? { state: from.polled, masters: mastersKey, config: c } : null;
    this.leader = leader;
    this.master = from.master;
    const t2 = performance.now();

    const digest = recordDigest(generated.store);
    const serial = nextSerial(this.previous, digest, Math.floor(Date.now() / 1000));
    const axfr: AxfrMeta = {
      ttl: c.ttl,
      serial,
      refreshSeconds: c.refreshSeconds,
      mname: c.soaMname,
      rname: c.soaRname,
      domain: c.domain,
    };
    const unchangedRecords = this.previous !== null && this.previous.digest === digest && this.generation !== null;
    this.generation = { number: (this.generation?.number ?? 0) + 1, ...generated, axfr };
    if (unchangedRecords) {
      return this.unchanged(seq, from.kind, 'same records', stateBytes, {
        fetchMs,
        generateMs: t2 - t1,
        buildMs: 0,
        totalMs: t2 - from.started,
      });
    }

    const { table, httpNames } = RecordTable.buildWithHttpNames(generated.store, tableMetaFor(c, serial));
    const t3 = performance.now();
    // A reconfigure during this run changes TTLs or SOA fields the next table will carry: force a new serial then.
    this.previous = { serial, digest: this.config === c ? digest : '' };

    let tasks = 0;
    for (const fw of generated.enumeration.frameworks ?? []) tasks += fw.tasks.length;
    return {
      kind: 'table',
      seq,
      source: from.kind,
      tableBuffer: table.buffer,
      httpNames,
      serial,
      leader,
      master: from.master,
      counts: {
        a: generated.store.valueCount(TYPE_A),
        aaaa: generated.store.valueCount(TYPE_AAAA),
        srv: generated.store.valueCount(TYPE_SRV),
        ptr: table.counts.ptr,
        names: table.counts.names,
        tasks,
      },
      generation: this.generation.number,
      timings: { fetchMs, generateMs: t2 - t1, buildMs: t3 - t2, totalMs: t3 - from.started },
      skippedItems: from.skippedItems,
      stateBytes,
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
      serial: this.previous?.serial ?? 0,
      leader: this.leader,
      master: this.master,
      generation: this.generation?.number ?? 0,
      timings,
      stateBytes,
    };
  }
}
