import { networkInterfaces } from 'node:os';
import type { Logger } from 'pino';
import type { Config } from '../config/types.js';
import { componentLogger } from '../log.js';
import { fetchState, type FetchOptions } from '../mesos/fetch/fetch.js';
import { validateState, type MesosState } from '../state/state.js';
import { generate } from '../records/generator.js';
import { RecordTable } from '../table/table.js';
import { tableMetaFor } from '../table/meta.js';
import { TYPE_A, TYPE_AAAA, TYPE_NAMES, TYPE_SRV, type RecordStore } from '../records/store.js';
import { axfrChunks, enumerateChunks, joinChunks } from '../records/views.js';
import { nextSerial, recordDigest } from '../records/digest.js';
import { hostsToResolve, resolveHosts } from './resolve-hosts.js';

export interface PipelineResult {
  /** the table's buffer, transferred to the main thread */
  tableBuffer: ArrayBuffer;
  /** `/v1/axfr` and `/v1/enumerate` bodies as UTF-8, transferred like the table */
  axfrBody: ArrayBuffer;
  enumerateBody: ArrayBuffer;
  serial: number;
  leader: string;
  master: string;
  counts: { a: number; aaaa: number; srv: number; names: number; tasks: number };
  timings: { fetchMs: number; generateMs: number; buildMs: number; renderMs: number; totalMs: number };
  skippedItems: number;
  /** size of the state document as decoded */
  stateBytes: number;
}

function nonLoopbackAddresses(): string[] {
  const out: string[] = [];
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (!a.internal) out.push(a.address.split('%')[0]!);
  }
  return out;
}

function logRecords(log: Logger, store: RecordStore): void {
  for (const type of [TYPE_A, TYPE_AAAA, TYPE_SRV] as const) {
    for (let id = 0; id < store.nameCount; id++) {
      for (let n = store.firstNode(type, id); n >= 0; n = store.nextNode(type, n)) {
        log.trace({ rtype: TYPE_NAMES[type], name: store.names[id], value: store.text(type, n) }, 'record');
      }
    }
  }
}

/**
 * One refresh: fetch → validate → resolve host names → generate → build the
 * table → render the HTTP views. Runs in the refresh worker thread so none of
 * this blocks answering. Keeps the previous digest to decide the SOA serial.
 */
export class RefreshPipeline {
  private previous: { serial: number; digest: string } | null = null;
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
    const fetched = await fetchState(masters, this.fetchOptions, this.fetchLog);
    const t1 = performance.now();

    const validated = validateState(fetched.body, fetched.master);
    let state: MesosState | null = validated.state;
    const { warnings } = validated;
    const leader = state.leader;
    // The parsed document is no longer needed: let GC reclaim it before generation (peak memory).
    fetched.body = null;
    for (const w of warnings) this.log.warn({ master: fetched.master, ...w }, 'skipped a bad state item');
    const resolved = await resolveHosts(hostsToResolve(state), (host, err) =>
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
        resolved,
        interfaceAddrs: c.listener === '0.0.0.0' ? nonLoopbackAddresses() : [],
      },
      (msg) => this.log.warn({ leader }, msg),
    );
    // eslint-disable-next-line no-useless-assignment -- a dropped reference lets GC reclaim the state before the build allocates
    state = null;
    if (this.log.isLevelEnabled('trace')) logRecords(this.log, generated.store);
    const t2 = performance.now();

    const digest = recordDigest(generated.store);
    const serial = nextSerial(this.previous, digest, Math.floor(Date.now() / 1000));
    const table = RecordTable.build(generated.store, tableMetaFor(c, serial));
    const t3 = performance.now();

    const utf8 = new TextEncoder();
    const axfrBody = utf8.encode(
      joinChunks(
        axfrChunks(generated.store, {
          ttl: c.ttl,
          serial,
          refreshSeconds: c.refreshSeconds,
          mname: c.soaMname,
          rname: c.soaRname,
          domain: c.domain,
        }),
      ),
    ).buffer as ArrayBuffer;
    const enumerateBody = utf8.encode(joinChunks(enumerateChunks(generated.store, generated.enumeration)))
      .buffer as ArrayBuffer;
    const t4 = performance.now();
    // A reconfigure during this run changes TTLs or SOA fields the next table will carry: force a new serial then.
    this.previous = { serial, digest: this.config === c ? digest : '' };

    let tasks = 0;
    for (const fw of generated.enumeration.frameworks ?? []) tasks += fw.tasks.length;
    return {
      tableBuffer: table.buffer,
      axfrBody,
      enumerateBody,
      serial,
      leader,
      master: fetched.master,
      counts: {
        a: generated.store.valueCount(TYPE_A),
        aaaa: generated.store.valueCount(TYPE_AAAA),
        srv: generated.store.valueCount(TYPE_SRV),
        names: table.counts.names,
        tasks,
      },
      timings: { fetchMs: t1 - t0, generateMs: t2 - t1, buildMs: t3 - t2, renderMs: t4 - t3, totalMs: t4 - t0 },
      skippedItems: warnings.length,
      stateBytes: fetched.bytes,
    };
  }
}
