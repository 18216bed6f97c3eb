/**
 * What the refresh worker and the task preparer's thread share
 * (task-preparer.ts): the job, its chunks, who takes which, and how a chunk
 * is prepared, the same in either thread.
 */
import type { MessagePort } from 'node:worker_threads';
import { PreparedWriter, type PreparedChunk } from '../records/prepared-codec.js';
import { prepareTask, type Agent, type Agents, type PrepareOptions } from '../records/prepared-task.js';
import type { StateWarning } from '../state/state.js';
import { readTask } from '../state/task.js';

/** What the task preparer's thread starts with. */
export interface PreparerInit {
  /** the job comes in, chunks go out */
  port: MessagePort;
  /** an Int32Array's buffer, indexed by `CONTROL` */
  control: SharedArrayBuffer;
}

/** The slots of the shared control array. */
export const CONTROL = {
  /** the next chunk nobody has taken: either thread takes one by moving this past it */
  next: 0,
  /** chunks the thread has posted: what the refresh worker waits on */
  posted: 1,
  /** set when the thread failed */
  failed: 2,
} as const;

/** One state's tasks to prepare: all of its frameworks', in order. */
export interface PrepareJob {
  /** the state body's bytes: `body[offset, offset + length)` */
  body: SharedArrayBuffer;
  offset: number;
  length: number;
  /** each framework's tasks, as [start, end) byte ranges of the body, one pair per task */
  frameworks: Float64Array[];
  /** the ids of the state's valid agents, as validation checks a task's */
  validAgentIds: string[];
  /** the agents generation knows (`Agents`): by id, an index into `agents` */
  agentIndex: Array<[string, number]>;
  agents: Agent[];
  options: PrepareOptions;
}

/** A chunk posted by the thread. */
export interface ChunkMessage {
  index: number;
  chunk: PreparedChunk;
}

/** Tasks per chunk: ~5 ms of work, so the first comes soon and neither thread waits long for the other. */
const TASKS_PER_CHUNK = 256;

/** A run of one framework's tasks: `[from, to)`. */
export interface ChunkRange {
  framework: number;
  from: number;
  to: number;
}

/** The chunks of frameworks with `counts` tasks, in the order generation reads them. */
export function chunkRanges(counts: readonly number[]): ChunkRange[] {
  const out: ChunkRange[] = [];
  counts.forEach((n, framework) => {
    for (let from = 0; from < n; from += TASKS_PER_CHUNK) {
      out.push({ framework, from, to: Math.min(n, from + TASKS_PER_CHUNK) });
    }
  });
  return out;
}

/** What reading a framework's tasks needs: item `k`, and where validation checks and reports. */
export interface TaskSource {
  item: (k: number) => unknown;
  agentIds: ReadonlyMap<string, string>;
}

/** Tasks `range` read, validated and prepared, with their warnings, as one chunk. */
export function prepareChunk(
  range: ChunkRange,
  source: TaskSource,
  agents: Agents,
  options: PrepareOptions,
): PreparedChunk {
  const out = new PreparedWriter(agents.list);
  const report = (w: StateWarning) => out.badTask(w.index, w.id, w.reason);
  const warn = (msg: string) => out.warning(msg);
  for (let k = range.from; k < range.to; k++) {
    const task = readTask(source.item(k), k, source.agentIds, report);
    const prepared = task === null ? null : prepareTask(task, agents, options, warn);
    if (prepared !== null) out.task(prepared);
  }
  return out.take();
}
