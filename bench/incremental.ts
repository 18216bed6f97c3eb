/**
 * `npm run bench:incremental`: what a change of a few tasks costs at 50,000
 * tasks (synthetic state). First a whole rebuild (generate + table build),
 * then `OverlayBuilder.build` for a first batch of 1, 20 and 100 changed tasks
 * over that base, three runs each; then `RefreshPipeline.applyChanges` for a
 * stream of batches of 20 (one a second at 20 changes/s), compactions
 * included. Figures in ms: min / median / max.
 */
import pino from 'pino';
import { defaultConfig } from '../src/config/defaults.js';
import { fetchOptionsFromConfig } from '../src/mesos/fetch/fetch.js';
import type { Change } from '../src/mesos/stream/model.js';
import { generate, type GenerateInput } from '../src/records/generator.js';
import { scannedView } from '../test/helpers/cluster-view.js';
import { OverlayBuilder } from '../src/refresh/overlay.js';
import { RefreshPipeline } from '../src/refresh/pipeline.js';
import { validateState, type MesosState, type Task } from '../src/state/state.js';
import { buildTableBuffer } from '../src/table/build.js';
import { tableMetaFor } from '../src/table/meta.js';
import { prng } from './prng.js';
import { syntheticState } from './synthetic-state.js';

const TASKS = Number(process.argv[2] ?? 50_000);
const RUNS = 3;
const STREAM_BATCHES = Number(process.argv[3] ?? 30);
const config = { ...defaultConfig(), listener: '127.0.0.1', masters: ['127.0.0.1:5050'] };
const input: Omit<GenerateInput, 'budget'> = {
  domain: config.domain,
  enforceRFC952: config.enforceRFC952,
  ipSources: config.ipSources,
  soaMname: config.soaMname,
  listener: config.listener,
  masters: config.masters,
  healthyOnly: false,
  resolved: new Map(),
  interfaceAddrs: [],
};

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 10) / 10;
  return { min: r(s[0]!), median: r(s[Math.floor(s.length / 2)]!), max: r(s.at(-1)!) };
};

/** `n` random task changes (a third each: killed, started as a copy of another, renamed), and what they changed. */
function changeTasks(
  state: MesosState,
  n: number,
  rand: () => number,
  tag: string,
): { state: MesosState; change: Change } {
  const frameworks = state.frameworks.map((fw) => ({ ...fw, tasks: [...fw.tasks] }));
  const change: Change = { type: 'TASK_UPDATED', tasks: [], agents: [], frameworks: [] };
  for (let i = 0; i < n; i++) {
    const fw = frameworks[Math.floor(rand() * frameworks.length)]!;
    if (fw.tasks.length === 0) continue;
    const at = Math.floor(rand() * fw.tasks.length);
    const task = fw.tasks[at]!;
    const r = rand();
    let next: Task | null;
    if (r < 1 / 3) next = null;
    else if (r < 2 / 3) next = { ...task, id: `${tag}-${i}-${task.id}` };
    else next = { ...task, name: `${task.name}-v2` };
    if (next === null) fw.tasks.splice(at, 1);
    else if (next.id !== task.id) fw.tasks.push(next);
    else fw.tasks[at] = next;
    change.tasks.push({ frameworkId: '', taskId: (next ?? task).id });
    if (next !== null && next.id !== task.id) change.tasks.push({ frameworkId: '', taskId: task.id });
  }
  return { state: { ...state, frameworks }, change };
}

const state = validateState(syntheticState(TASKS)).state;

const full: number[] = [];
let base: { store: ReturnType<typeof generate>['store']; plan: ReturnType<typeof buildTableBuffer>['plan'] } | null =
  null;
for (let run = 0; run < RUNS; run++) {
  const t0 = performance.now();
  const generated = generate(state, input);
  const built = buildTableBuffer(generated.store, tableMetaFor(config, 1));
  full.push(performance.now() - t0);
  base = { store: generated.store, plan: built.plan };
}

const firstBatch: Record<string, ReturnType<typeof stats> & { tasksRegenerated: number; overlayNames: number }> = {};
for (const size of [1, 20, 100]) {
  const times: number[] = [];
  let last = { tasks: 0, names: 0 };
  for (let run = 0; run < RUNS; run++) {
    const builder = new OverlayBuilder({ state, store: base!.store, plan: base!.plan }, input);
    const { state: next, change } = changeTasks(state, size, prng(size * 100 + run), `b${size}r${run}`);
    const t0 = performance.now();
    const overlay = builder.build(scannedView(next), next, [change], tableMetaFor(config, 2));
    times.push(performance.now() - t0);
    last = overlay;
  }
  firstBatch[`${size}`] = { ...stats(times), tasksRegenerated: last.tasks, overlayNames: last.names };
}

// The stream: applyChanges as the worker calls it, one batch of 20 per second of events.
const pipeline = new RefreshPipeline(config, fetchOptionsFromConfig(config), pino({ level: 'silent' }));
let live = state;
const first = await pipeline.applyChanges(() => scannedView(live), []);
const streamTimes: number[] = [];
const kinds = { overlay: 0, table: 0 };
const rand = prng(7);
for (let i = 0; i < STREAM_BATCHES; i++) {
  const { state: next, change } = changeTasks(live, 20, rand, `s${i}`);
  live = next;
  const t0 = performance.now();
  const r = await pipeline.applyChanges(() => scannedView(live), [change]);
  streamTimes.push(performance.now() - t0);
  if (r.kind === 'overlay' || r.kind === 'table') kinds[r.kind]++;
}

console.log(
  JSON.stringify(
    {
      tasks: TASKS,
      fullRebuildMs: stats(full),
      overlayFirstBatchMs: firstBatch,
      stream: {
        batches: STREAM_BATCHES,
        changesPerBatch: 20,
        firstCallMs: Math.round(first.timings.totalMs),
        applyChangesMs: stats(streamTimes),
        overlays: kinds.overlay,
        compactions: kinds.table,
      },
    },
    null,
    2,
  ),
);
