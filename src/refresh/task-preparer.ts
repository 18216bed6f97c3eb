/**
 * The first load's second core. Until the first table is served, the main
 * thread has nothing to answer and one core sits idle, while the refresh
 * worker reads every task of the state and inserts its records, one after
 * the other. The task preparer is a thread that reads and validates the
 * tasks, and reduces each to what its records need (`PreparedTask`: parse,
 * validation, ports, addresses, hash: about half of generation), while
 * generation inserts the records of the ones before. The insertions stay
 * in one thread and in the state's order, so the records are exactly those
 * generation makes alone.
 *
 * Afterwards the second core belongs to DNS: the preparer serves one state,
 * and later builds read their tasks themselves.
 *
 * The tasks go in chunks of a few hundred, which either thread takes by
 * moving a shared counter past it: the thread takes the next one free as it
 * finishes each; generation takes the one it needs when the thread has not,
 * and while it waits for one the thread is still preparing, it prepares the
 * next free one itself instead. Neither waits long for the other, whichever
 * is faster. Generation is synchronous: it takes the thread's chunks with
 * `receiveMessageOnPort` and waits with `Atomics.wait`. A chunk generation
 * takes when it needs it is read as it goes, as generation alone reads its
 * tasks; only those it prepares ahead, and the thread's, are encoded. Should
 * the thread fail or stall, generation prepares the rest itself: the
 * preparer can slow a first load down, never fail it.
 */
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { Logger } from 'pino';
import { generate, type GenerateInput, type Preparation, type PreparedTasks } from '../records/generator.js';
import type { LabelFn } from '../records/labels.js';
import {
  FRAMEWORK_DONE,
  PreparedReader,
  agentIndexOf,
  type PreparedChunk,
  type PreparedCursor,
} from '../records/prepared-codec.js';
import type { Agents, PrepareOptions } from '../records/prepared-task.js';
import type { Generated } from '../records/types.js';
import type { MesosState, TaskList } from '../state/state.js';
import { DeferredTask } from '../state/state-json.js';
import { PolledTasks, type PolledItems } from '../state/task.js';
import {
  CONTROL,
  ChunkReading,
  chunkPlan,
  prepareChunk,
  type ChunkMessage,
  type ChunkWarnings,
  type PrepareJob,
  type PreparerInit,
  type TaskSource,
} from './task-preparer-job.js';

/** How long generation waits, with nothing left to prepare itself, for a chunk the thread took: each takes ~5 ms. */
const STALL_MS = 2000;
/**
 * Below this many tasks, generation takes a quarter of a second or less (1.4 s
 * at 50,000), and what the thread could save is hardly more than its start
 * costs the other core (~0.1 s), while its heap and malloc arena would stay in
 * the process's memory.
 */
const MIN_TASKS = 10_000;
/**
 * Its young generation: 16 MiB, more than the refresh worker's 12 (worker-thread.ts).
 * The thread parses every task, ~25 MB of garbage that dies young, and ends
 * with the first load, so a larger young generation costs no memory
 * afterwards. At 50,000 tasks on a 2-core VM it collected 230 times (236 ms)
 * with 3 MiB and 55 times (71 ms) with 16, CPU the refresh worker's
 * insertions, which the first answer waits for, get instead.
 */
const YOUNG_MIB = 16;

/**
 * `generate`, the tasks read with `preparer`'s thread when there is one,
 * which then closes: whatever the build, only the first has its help. It
 * resolves once the thread has ended, so that the body it shares is no
 * longer held when the table build starts.
 */
export async function generateWith(
  preparer: TaskPreparer | null,
  state: MesosState<TaskList>,
  input: GenerateInput,
  warn: (msg: string) => void,
): Promise<Generated> {
  if (preparer === null) return generate(state, input, warn);
  try {
    return generate(state, { ...input, preparation: preparer.take(state, input) }, warn);
  } finally {
    await preparer.close();
  }
}

/**
 * The deferred tasks of one body: the bytes, every task as a [start, end)
 * pair of them, framework after framework, how many each framework has, and
 * the agent ids validation checks a task's against.
 */
interface Deferred {
  bytes: Buffer;
  ranges: Float64Array;
  counts: number[];
  agentIds: ReadonlyMap<string, string>;
}

export class TaskPreparer {
  private thread: Worker | null = null;
  private closed = false;
  private readonly port: MessagePort;
  private readonly threadPort: MessagePort;
  private readonly control = new Int32Array(new SharedArrayBuffer(4 * 3));
  /** chunks the thread posted that generation has not read yet */
  private readonly received = new Map<number, PreparedChunk>();
  private readonly counts = { thread: 0, here: 0, waitedMs: 0 };

  /** `minTasks`: fewer tasks are read here, faster than a thread starts */
  constructor(
    private readonly log: Logger,
    private readonly heapMiB: number,
    private readonly entry: URL = new URL('./task-preparer-entry.js', import.meta.url),
    private readonly minTasks = MIN_TASKS,
  ) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.threadPort = port2;
  }

  /**
   * Hands `state`'s tasks over (they count as read), and returns how
   * generation gets them: in chunks prepared by both threads when they are
   * the deferred items of one body, as a poll's are; read here otherwise.
   * Undefined, the tasks left alone, when the preparer is closed, the tasks
   * are not a poll's, or there are fewer than `minTasks`.
   */
  take(state: MesosState<TaskList>, options: PrepareOptions): Preparation | undefined {
    if (this.closed) return undefined;
    let tasks = 0;
    for (const fw of state.frameworks) {
      if (!(fw.tasks instanceof PolledTasks)) return undefined;
      tasks += fw.tasks.length;
    }
    if (tasks < this.minTasks) return undefined;
    const handed = state.frameworks.map((fw) => (fw.tasks as PolledTasks).handOver());
    const deferred = deferredRanges(handed);
    const helped = deferred !== null && this.start();
    return (agents, warn, label) => this.read(handed, helped ? deferred : null, agents, options, label, warn);
  }

  /** Ends the thread, if it started; resolves once it has. What it still prepares is not needed. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.port.close();
    this.received.clear();
    const thread = this.thread;
    if (thread === null) return;
    this.thread = null;
    const { thread: fromThread, here, waitedMs } = this.counts;
    this.log.debug({ chunks: { thread: fromThread, here }, waitedMs: Math.round(waitedMs) }, 'task preparer closed');
    await thread.terminate();
  }

  /** Starts the thread; false, generation then alone, when it cannot be. */
  private start(): boolean {
    const init: PreparerInit = { port: this.threadPort, control: this.control.buffer as SharedArrayBuffer };
    try {
      this.thread = new Worker(this.entry, {
        workerData: init,
        transferList: [this.threadPort],
        resourceLimits: { maxOldGenerationSizeMb: this.heapMiB, maxYoungGenerationSizeMb: YOUNG_MIB },
      });
    } catch (err) {
      this.log.warn({ err }, 'task preparer thread not started; generation reads the tasks alone');
      return false;
    }
    this.thread.on('error', (err) => this.log.warn({ err }, 'task preparer thread failed'));
    this.thread.unref();
    return true;
  }

  private read(
    handed: PolledItems[],
    deferred: Deferred | null,
    agents: Agents,
    options: PrepareOptions,
    label: LabelFn,
    warn: (msg: string) => void,
  ): PreparedTasks {
    const chunks = chunkPlan(handed.map((h) => h.items.length));
    const sources: TaskSource[] = handed.map(({ items, agentIds }) => ({ item: (k) => items[k], agentIds }));
    const warnings: ChunkWarnings = { warn, report: (f, w) => handed[f]!.report(w) };
    const agentIndex = agentIndexOf(agents.list);
    // Prepared here while the thread prepared the chunk generation needed: read later, so encoded.
    const ahead = new Map<number, PreparedChunk>();
    const prepareAhead = (index: number): void => {
      this.counts.here++;
      ahead.set(index, prepareChunk(chunks[index]!, sources, agents, agentIndex, options, label));
    };
    const takeFree = (): boolean => {
      const free = Atomics.load(this.control, CONTROL.next);
      if (free >= chunks.length) return false;
      if (Atomics.compareExchange(this.control, CONTROL.next, free, free + 1) === free) prepareAhead(free);
      return true;
    };
    const readHere = (index: number): PreparedCursor => {
      this.counts.here++;
      return new ChunkReading(chunks[index]!, sources, agents, options, label, warnings);
    };
    let current = 0;
    const reader = new PreparedReader(agents.list, warn, (w) => warnings.report(current, w));
    const encoded = (chunk: PreparedChunk): PreparedCursor => {
      reader.load(chunk);
      return reader;
    };
    let helped = deferred !== null && this.send(deferred, agents, options);
    const cursorOf = (index: number): PreparedCursor => {
      const early = ahead.get(index);
      if (early !== undefined) {
        ahead.delete(index);
        return encoded(early);
      }
      if (!helped || Atomics.compareExchange(this.control, CONTROL.next, index, index + 1) === index) {
        return readHere(index);
      }
      const theirs = this.fromThread(index, takeFree);
      if (theirs !== null) return encoded(theirs);
      helped = false;
      // Every chunk left is taken, so the thread stops; those it took and never sent are prepared here.
      Atomics.store(this.control, CONTROL.next, chunks.length);
      this.log.warn({ chunk: index, of: chunks.length }, 'task preparer failed or stalled; the rest is read here');
      return readHere(index);
    };

    let next = 0;
    let cursor: PreparedCursor | null = null;
    return (framework) => {
      current = framework;
      for (;;) {
        if (cursor === null) {
          if (next >= chunks.length) return null;
          cursor = cursorOf(next++);
        }
        const entry = cursor.next();
        if (entry === null) cursor = null;
        else if (entry === FRAMEWORK_DONE) return null;
        else return entry;
      }
    };
  }

  /** Sends the job; false when it cannot be (no room to share the body). */
  private send({ bytes, ranges, counts, agentIds }: Deferred, agents: Agents, options: PrepareOptions): boolean {
    let body = bytes.buffer;
    let offset = bytes.byteOffset;
    if (!(body instanceof SharedArrayBuffer)) {
      // A fetched body is always shared (mesos/fetch/body.ts); any other is copied, unless there is no room for that.
      try {
        body = new SharedArrayBuffer(bytes.length);
      } catch (err) {
        this.log.warn({ err }, 'no room to share the state body; generation reads the tasks alone');
        return false;
      }
      Buffer.from(body).set(bytes);
      offset = 0;
    }
    const job: PrepareJob = {
      body: body as SharedArrayBuffer,
      offset,
      length: bytes.length,
      ranges,
      counts,
      validAgentIds: [...agentIds.keys()],
      agentIndex: [...agents.byId],
      agents: [...agents.list],
      options: { ipSources: options.ipSources, healthyOnly: options.healthyOnly, enforceRFC952: options.enforceRFC952 },
    };
    this.port.postMessage(job, [ranges.buffer as ArrayBuffer]);
    return true;
  }

  /**
   * Chunk `index`, which the thread took; meanwhile `takeFree` prepares
   * others here. Null when the thread failed, or sent nothing for `STALL_MS`
   * while nothing was left to prepare here.
   */
  private fromThread(index: number, takeFree: () => boolean): PreparedChunk | null {
    let progress = performance.now();
    for (;;) {
      // Read before looking: a chunk posted after the look changes it, and the wait returns at once.
      const posted = Atomics.load(this.control, CONTROL.posted);
      for (let m = receiveMessageOnPort(this.port); m !== undefined; m = receiveMessageOnPort(this.port)) {
        const msg = m.message as ChunkMessage;
        this.received.set(msg.index, msg.chunk);
      }
      const chunk = this.received.get(index);
      if (chunk !== undefined) {
        this.received.delete(index);
        this.counts.thread++;
        return chunk;
      }
      if (Atomics.load(this.control, CONTROL.failed) !== 0) return null;
      if (takeFree()) {
        progress = performance.now();
        continue;
      }
      const now = performance.now();
      const left = progress + STALL_MS - now;
      if (left <= 0) return null;
      Atomics.wait(this.control, CONTROL.posted, posted, left);
      this.counts.waitedMs += performance.now() - now;
    }
  }
}

/** Every task as a byte range of one body, or null when any is not a deferred item of that body. */
function deferredRanges(handed: PolledItems[]): Deferred | null {
  let bytes: Buffer | null = null;
  const counts = handed.map((h) => h.items.length);
  const ranges = new Float64Array(2 * counts.reduce((a, b) => a + b, 0));
  let at = 0;
  // Indexed loops: run once, before anything is compiled, an iterator's step is an object, 50,000 of them.
  for (let f = 0; f < handed.length; f++) {
    const items = handed[f]!.items;
    for (let k = 0; k < items.length; k++) {
      const item = items[k];
      if (!(item instanceof DeferredTask) || (bytes !== null && item.bytes !== bytes)) return null;
      bytes = item.bytes;
      ranges[at++] = item.start;
      ranges[at++] = item.end;
    }
  }
  // Every framework's tasks were validated against the same agents (state.ts, `validateFrameworksAndAgents`).
  return bytes === null ? null : { bytes, ranges, counts, agentIds: handed[0]!.agentIds };
}
