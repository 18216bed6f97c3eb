/**
 * The task preparer's thread (task-preparer.ts): takes chunks of the job's
 * tasks one after the other, and posts each prepared, until none is left.
 */
import { workerData } from 'node:worker_threads';
import type { Agents } from '../records/prepared-task.js';
import { DeferredTask } from '../state/state-json.js';
import {
  CONTROL,
  chunkRanges,
  prepareChunk,
  type ChunkMessage,
  type PrepareJob,
  type PreparerInit,
} from './task-preparer-job.js';
import { REFRESH_THREAD_NICENESS, lowerThreadPriority } from './thread-priority.js';

lowerThreadPriority(REFRESH_THREAD_NICENESS);
const { port, control: controlBuffer } = workerData as PreparerInit;
const control = new Int32Array(controlBuffer);

function run(job: PrepareJob): void {
  const bytes = Buffer.from(job.body, job.offset, job.length);
  const agentIds = new Map(job.validAgentIds.map((id) => [id, id]));
  const agents: Agents = { byId: new Map(job.agentIndex), list: job.agents };
  const ranges = chunkRanges(job.frameworks.map((r) => r.length / 2));
  for (;;) {
    const index = Atomics.add(control, CONTROL.next, 1);
    if (index >= ranges.length) return;
    const range = ranges[index]!;
    const r = job.frameworks[range.framework]!;
    const item = (k: number) => new DeferredTask(bytes, r[2 * k]!, r[2 * k + 1]!);
    const msg: ChunkMessage = { index, chunk: prepareChunk(range, { item, agentIds }, agents, job.options) };
    port.postMessage(msg, [msg.chunk.nums.buffer as ArrayBuffer]);
    Atomics.add(control, CONTROL.posted, 1);
    Atomics.notify(control, CONTROL.posted);
  }
}

port.once('message', (job: PrepareJob) => {
  try {
    run(job);
  } catch {
    // The refresh worker reads the chunks this thread took itself, where a failure is that refresh's.
    Atomics.store(control, CONTROL.failed, 1);
    Atomics.notify(control, CONTROL.posted);
  }
});
