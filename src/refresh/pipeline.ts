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
import { tableMetaFor } from '../table/meta.js';
import { RecordTable } from '../table/table.js';
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
      return this.unchanged('same records', fetched.bytes, {
        fetchMs: t1 - t0,
        generateMs: t2 - t1,
        buildMs: 0,
        totalMs: t2 - t0,
      });
    }

    const table = RecordTable.build(generated.store, tableMetaFor(c, serial));
    const t3 = performance.now();
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
        ptr: table.counts.ptr,
        names: table.counts.names,
        tasks,
      },
      generation: this.generation.number,
      timings: { fetchMs: t1 - t0, generateMs: t2 - t1, buildMs: t3 - t2, totalMs: t3 - t0 },
      skippedItems: warnings.length,
      stateBytes: fetched.bytes,
    };
  }

  private unchanged(reason: 'same state' | 'same records', stateBytes: number, timings: Timings): PipelineResult {
    return {
      kind: 'unchanged',
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
