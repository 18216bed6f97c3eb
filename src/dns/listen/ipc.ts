import type { Config } from '../../config/types.js';
import type { LogOptions } from '../../log.js';
import type { WorkerStatsReport } from '../stats/report.js';

/** Messages between the primary and DNS workers (IPC with `serialization: 'advanced'`). */
export type ToWorker =
  | { t: 'init'; config: Config; log: LogOptions }
  /** a new base table, without overlay */
  | { t: 'table'; buffer: ArrayBuffer }
  /** an overlay over the last base sent (IPC keeps the order), replacing any earlier overlay */
  | { t: 'overlay'; overlay: ArrayBuffer; hidden: ArrayBuffer };
export type FromWorker =
  | { t: 'hello' }
  | { t: 'ready'; udpPort: number; tcpPort: number }
  | { t: 'failed'; message: string }
  | { t: 'stats'; report: WorkerStatsReport };

/** How often a worker reports its counters to the primary. */
export const STATS_INTERVAL_MS = 1_000;
