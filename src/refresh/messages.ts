import type { Config } from '../config/types.js';
import { MasterUnavailableError, MesosDnsError, StateError, errorCode, errorMessage } from '../errors.js';
import type { FetchOptions } from '../mesos/fetch/fetch.js';
import type { LogOptions } from '../log.js';
import type { RefreshFailure, StreamReport } from '../serving.js';
import type { ViewName } from '../records/views.js';
import type { HttpNames } from '../table/http-names.js';
import type { PipelineResult } from './results.js';

/** What the refresh worker is told first, before anything else (worker-thread.ts). */
export interface WorkerInit {
  config: Config;
  fetchOptions: FetchOptions;
  log: LogOptions;
  /** the SOA serial being served when the worker starts (null before the first table): a new worker never goes below it */
  servedSerial: number | null;
}

export type ToWorker =
  /** the first message, and only the first */
  | { type: 'init'; init: WorkerInit }
  /** a poll (while streaming, the periodic full resync) */
  | { type: 'refresh'; id: number; masters: string[] }
  /** a new masters list from detection: the stream resubscribes at once when the leader moved */
  | { type: 'masters'; masters: string[] }
  | { type: 'reconfigure'; config: Config; fetchOptions: FetchOptions }
  /** start rendering a view; the worker answers with its first chunk */
  | { type: 'render'; id: number; view: ViewName }
  /** the previous chunk was written out (`free`: its slot, which may be rendered into again): send the next */
  | { type: 'more'; id: number; free: number | null }
  /** the client is gone: drop the render */
  | { type: 'cancel'; id: number }
  /** table buffers no longer served, transferred back to be collected here (see `Refresher.release`) */
  | { type: 'release'; buffers: ArrayBuffer[] };

export type FromWorker =
  | { type: 'result'; id: number; ok: true; result: PipelineResult }
  | { type: 'result'; id: number; ok: false; error: RefreshFailure }
  /** a build from the event stream, sent unasked */
  | { type: 'pushed'; ok: true; result: PipelineResult }
  | { type: 'pushed'; ok: false; error: RefreshFailure }
  /** the event stream's state and counters, when they change */
  | { type: 'stream'; report: StreamReport }
  /** what HTTP lookups answer beside the table of `serial`, sent right after that table's result */
  | { type: 'http-names'; serial: number; httpNames: HttpNames }
  /**
   * a piece of a view's body (UTF-8), of generation `generation`: `length` bytes at `offset` of `data`, either
   * `slot` of the render's shared buffer (not to be kept once written out) or a transferred buffer (`slot` null);
   * `done` on the last, which is empty
   */
  | {
      type: 'chunk';
      id: number;
      generation: number;
      data: ArrayBuffer | SharedArrayBuffer;
      offset: number;
      length: number;
      slot: number | null;
      done: boolean;
    }
  /** nothing (more) to render: no refresh has produced records in this worker yet, or the render's generation was dropped */
  | { type: 'no-view'; id: number };

/** A thrown error as plain data that can cross to the main thread, with the context `/ready` shows. */
export function refreshFailure(err: unknown): RefreshFailure {
  const failure: RefreshFailure = { code: errorCode(err, 'MESOS_DNS_REFRESH_FAILED'), message: errorMessage(err) };
  if ((err instanceof MasterUnavailableError || err instanceof StateError) && err.master !== undefined) {
    failure.master = err.master;
  }
  if (err instanceof MesosDnsError && err.cause instanceof MesosDnsError) failure.cause = err.cause.code;
  return failure;
}
