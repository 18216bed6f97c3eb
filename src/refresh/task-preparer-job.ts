/**
 * What the refresh worker and the task preparer's thread share
 * (task-preparer.ts): the job, its chunks, who takes which, and how a chunk
 * is prepared, the same in either thread.
 */
import type { MessagePort } from 'node:worker_threads';
import type { LabelFn } from '../records/labels.js';
import { FRAMEWORK_DONE, PreparedWriter, type PreparedChunk, type PreparedCursor } from '../records/prepared-codec.js';
import {
  prepareTask,
  type Agent,
  type Agents,
  type PrepareOptions,
  type PreparedTask,
} from '../records/prepared-task.js';
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
  /** every task, framework after framework, as a [start, end) pair of byte offsets in the body */
  ranges: Float64Array;
  /** how many tasks each framework has */
  counts: number[];
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

/** A run of one framework's tasks, `[from, to)`; `last` when it ends the framework's. */
export interface Segment {
  framework: number;
  from: number;
  to: number;
  last: boolean;
}

/**
 * The chunks of frameworks with `counts` tasks, in the order generation reads
 * them: up to `TASKS_PER_CHUNK` tasks each, across frameworks (a state of
 * many small frameworks makes no more chunks than one of a few large ones);
 * a framework without tasks is an empty segment, so that its end is there.
 */
export function chunkPlan(counts: readonly number[]): Segment[][] {
  const chunks: Segment[][] = [];
  let chunk: Segment[] = [];
  let room = TASKS_PER_CHUNK;
  counts.forEach((n, framework) => {
    let from = 0;
    do {
      if (room === 0) {
        chunks.push(chunk);
        chunk = [];
        room = TASKS_PER_CHUNK;
      }
      const to = Math.min(n, from + room);
      chunk.push({ framework, from, to, last: to === n });
      room -= to - from;
      from = to;
    } while (from < n);
  });
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

/** What reading a framework's tasks needs: item `k`, and the agent ids validation checks a task's against. */
export interface TaskSource {
  item: (k: number) => unknown;
  agentIds: ReadonlyMap<string, string>;
}

/** Where a chunk's warnings go: a task's bad ports, and a bad task of framework `framework`. */
export interface ChunkWarnings {
  warn: (msg: string) => void;
  report: (framework: number, warning: StateWarning) => void;
}

/** A chunk's tasks read, validated and prepared one at a time, its warnings passed on as they are met. */
export class ChunkReading implements PreparedCursor {
  private segment = 0;
  private k: number;

  constructor(
    private readonly chunk: readonly Segment[],
    private readonly sources: readonly TaskSource[],
    private readonly agents: Agents,
    private readonly options: PrepareOptions,
    private readonly label: LabelFn,
    private readonly warnings: ChunkWarnings,
  ) {
    this.k = chunk[0]?.from ?? 0;
  }

  next(): PreparedTask | typeof FRAMEWORK_DONE | null {
    for (;;) {
      const seg = this.chunk[this.segment];
      if (seg === undefined) return null;
      if (this.k >= seg.to) {
        this.k = this.chunk[++this.segment]?.from ?? 0;
        if (seg.last) return FRAMEWORK_DONE;
        continue;
      }
      const k = this.k++;
      const { item, agentIds } = this.sources[seg.framework]!;
      const task = readTask(item(k), k, agentIds, (w) => this.warnings.report(seg.framework, w));
      const prepared =
        task === null ? null : prepareTask(task, this.agents, this.options, this.label, this.warnings.warn);
      if (prepared !== null) return prepared;
    }
  }
}

/** A chunk's tasks prepared in one go, with their warnings, to be read later or in another thread. */
export function prepareChunk(
  chunk: readonly Segment[],
  sources: readonly TaskSource[],
  agents: Agents,
  agentIndex: ReadonlyMap<Agent, number>,
  options: PrepareOptions,
  label: LabelFn,
): PreparedChunk {
  const out = new PreparedWriter(agentIndex);
  const warnings: ChunkWarnings = {
    warn: (msg) => out.warning(msg),
    report: (_, w) => out.badTask(w.index, w.id, w.reason),
  };
  const reading = new ChunkReading(chunk, sources, agents, options, label, warnings);
  for (let e = reading.next(); e !== null; e = reading.next()) {
    if (e === FRAMEWORK_DONE) out.frameworkEnd();
    else out.task(e);
  }
  return out.take();
}
