import type { Config } from '../config/types.js';
import type { FetchOptions } from '../mesos/fetch/fetch.js';
import type { LogOptions } from '../log.js';
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
  | { type: 'result'; id: number; ok: false; error: { code: string; message: string } };
