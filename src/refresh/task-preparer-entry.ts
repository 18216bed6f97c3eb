/**
 * The task preparer's thread (task-preparer.ts): takes chunks of the job's
 * tasks one after the other, and posts each prepared, until none is left.
 *
 * It runs at the refresh worker's priority, which a thread inherits from the
 * one that starts it (thread-priority.ts lowered the worker's): lowering it
 * again here would put it ten steps further down, where a busy host starves it.
 */
import { workerData } from 'node:worker_threads';
import { cachedLabel, labelFor } from '../records/labels.js';
import { agentIndexOf } from '../records/prepared-codec.js';
import type { Agents } from '../records/prepared-task.js';
import { DeferredTask } from '../state/state-json.js';
import {
  CONTROL,
  chunkPlan,
  prepareChunk,
  type ChunkMessage,
  type PrepareJob,
  type PreparerInit,
  type TaskSource,
} from './task-preparer-job.js';

const { port, control: controlBuffer } = workerData as PreparerInit;
const control = new Int32Array(controlBuffer);

function run(job: PrepareJob): void {
  const bytes = Buffer.from(job.body, job.offset, job.length);
  const agentIds = new Map(job.validAgentIds.map((id) => [id, id]));
  const agents: Agents = { byId: new Map(job.agentIndex), list: job.agents };
  const agentIndex = agentIndexOf(job.agents);
  const { ranges } = job;
  let first = 0;
  const sources: TaskSource[] = job.counts.map((n) => {
    const at = first;
    first += n;
    return { item: (k) => new DeferredTask(bytes, ranges[2 * (at + k)]!, ranges[2 * (at + k) + 1]!), agentIds };
  });
  const chunks = chunkPlan(job.counts);
  // One per job, as generation has one: task and port names repeat across chunks.
  const label = cachedLabel(labelFor(job.options.enforceRFC952));
  for (;;) {
    const index = Atomics.add(control, CONTROL.next, 1);
    if (index >= chunks.length) return;
    const chunk = prepareChunk(chunks[index]!, sources, agents, agentIndex, job.options, label);
    const msg: ChunkMessage = { index, chunk };
    port.postMessage(msg, [chunk.nums.buffer as ArrayBuffer]);
    Atomics.add(control, CONTROL.posted, 1);
    Atomics.notify(control, CONTROL.posted);
  }
}

port.once('message', (job: PrepareJob) => {
  try {
    run(job);
  } catch {
    // The refresh worker prepares the chunks this thread took itself, where a failure is that refresh's. `posted`
    // moves too, so that a wait begun just after the worker last looked at `failed` still ends.
    Atomics.store(control, CONTROL.failed, 1);
    Atomics.add(control, CONTROL.posted, 1);
    Atomics.notify(control, CONTROL.posted);
  }
});
