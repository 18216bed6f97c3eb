/**
 * What a build starts from: the state and where it came from (`BuildInput`),
 * and what it takes from the config: generation's settings and the `/v1/axfr` header.
 */
import { networkInterfaces } from 'node:os';
import type { Config } from '../config/types.js';
import { nameServerAddresses } from '../net/interface-addresses.js';
import { MemoryBudget } from '../records/budget.js';
import type { AxfrMeta } from '../records/views.js';
import type { PreviousState } from '../mesos/fetch/fetch.js';
import type { MesosState } from '../state/state.js';
import type { PolledTasks } from '../state/task.js';
import type { ClusterView, OverlayInput } from './overlay.js';
import type { Change } from '../mesos/stream/model.js';

/** Generation's settings: `masters` for the master records, `resolved` the host names looked up for this build. */
export function generateInputFor(
  c: Config,
  masters: readonly string[],
  resolved: ReadonlyMap<string, readonly string[]>,
): OverlayInput {
  return {
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
  };
}

/** What a generation of records may allocate outside the heap (`refreshHeapMiB`). */
export function budgetFor(c: Config): MemoryBudget {
  return new MemoryBudget(c.refreshHeapMiB * 1024 * 1024);
}

/** The `/v1/axfr` body's header fields, with the serial of the table the records went into. */
export function axfrMetaFor(c: Config, serial: number): AxfrMeta {
  return {
    ttl: c.ttl,
    serial,
    refreshSeconds: c.refreshSeconds,
    mname: c.soaMname,
    rname: c.soaRname,
    domain: c.domain,
  };
}

/** What a build starts from. */
export type BuildInput = PollInput | StreamInput;

export interface PollInput {
  kind: 'poll';
  /** its tasks are validated as generation reads them */
  state: MesosState<PolledTasks>;
  master: string;
  /** the masters list, for the master records */
  masters: string[];
  /** the bad items skipped, as of when it is called */
  skippedItems: () => number;
  /** performance.now() when the refresh began */
  started: number;
  fetchMs: number;
  stateBytes: number;
  /** the fetched bytes' identity, to recognise them next time */
  polled: PreviousState;
}

/** A build from the event stream's model. */
export interface StreamInput {
  kind: 'stream';
  state: MesosState;
  master: string;
  masters: string[];
  started: number;
}

/**
 * What a poll while the event stream is live does with the state it fetched
 * (`StreamSource.resync`): repairs the stream's model from it and returns what
 * that changed, with the model to build from; or null when the poll
 * cannot be compared with the model, and is built from as any poll.
 */
export type Reconcile = (
  polled: MesosState,
  master: string,
) => { changes: readonly Change[]; cluster: ClusterView } | null;
