import type { Config } from '../config/types.js';
import { MasterUnavailableError, MesosDnsError, StateError, errorCode, errorMessage } from '../errors.js';
import type { FetchOptions } from '../mesos/fetch/fetch.js';
import type { LogOptions } from '../log.js';
import type { RefreshFailure } from '../serving.js';
import type { PipelineResult } from './pipeline.js';

/** What the refresh worker is started with (`workerData`). */
export interface WorkerInit {
  config: Config;
  fetchOptions: FetchOptions;
  log: LogOptions;
  /** the SOA serial being served when the worker starts (null before the first table): a new worker never goes below it */
  servedSerial: number | null;
}

export type ToWorker =
  | { type: 'refresh'; id: number; masters: string[] }
  | { type: 'reconfigure'; config: Config; fetchOptions: FetchOptions };

export type FromWorker =
  | { type: 'result'; id: number; ok: true; result: PipelineResult }
  | { type: 'result'; id: number; ok: false; error: RefreshFailure };

/** A thrown error as plain data that can cross to the main thread, with the context `/ready` shows. */
export function refreshFailure(err: unknown): RefreshFailure {
  const failure: RefreshFailure = { code: errorCode(err, 'MESOS_DNS_REFRESH_FAILED'), message: errorMessage(err) };
  if ((err instanceof MasterUnavailableError || err instanceof StateError) && err.master !== undefined) {
    failure.master = err.master;
  }
  if (err instanceof MesosDnsError && err.cause instanceof MesosDnsError) failure.cause = err.cause.code;
  return failure;
}
