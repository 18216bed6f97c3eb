import { parentPort, workerData } from 'node:worker_threads';
import { closeFetchAgents } from '../mesos/fetch/fetch.js';
import { createLogger } from '../log.js';
import { axfrChunks, enumerateChunks } from '../records/views.js';
import { RefreshPipeline } from './pipeline.js';
import { refreshFailure, type FromWorker, type ToWorker, type WorkerInit } from './messages.js';
import type { ViewName } from '../records/views.js';

/**
 * The refresh worker thread: fetching, JSON parsing, generation and the table
 * build all happen here, so the main thread keeps answering queries while a
 * 50,000-task state is processed. One refresh at a time, as the main thread
 * asks. Between the steps of a refresh it also renders the HTTP views, one
 * chunk per request from the main thread, so a large body never delays a
 * refresh by more than a chunk and is never held whole.
 */
const init = workerData as WorkerInit;
const pipeline = new RefreshPipeline(init.config, init.fetchOptions, createLogger(init.log), init.servedSerial);
const port = parentPort!;
const utf8 = new TextEncoder();
/**
 * Renders in progress: each keeps the generation it started with, whatever
 * refreshes come meanwhile, and one chunk ahead, so the last chunk goes out
 * marked as the last.
 */
const renders = new Map<number, { chunks: Iterator<string>; ahead: string; generation: number }>();

/**
 * A render keeps its generation's records alive. One that is still going when
 * two newer generations exist belongs to a client reading slower than the
 * cluster changes: it is dropped (the client sees its reply cut short), so at
 * most two generations besides the one being built are ever held.
 */
function dropOldRenders(): void {
  const current = pipeline.generationNumber;
  for (const [id, render] of renders) {
    if (render.generation >= current - 1) continue;
    renders.delete(id);
    port.postMessage({ type: 'no-view', id } satisfies FromWorker);
  }
}

function startRender(id: number, view: ViewName): void {
  const g = pipeline.viewGeneration();
  if (g === null) {
    port.postMessage({ type: 'no-view', id } satisfies FromWorker);
    return;
  }
  const chunks = view === 'axfr' ? axfrChunks(g.store, g.axfr) : enumerateChunks(g.store, g.enumeration);
  const first = chunks.next();
  renders.set(id, { chunks, ahead: first.done === true ? '' : first.value, generation: g.number });
  sendChunk(id);
}

function sendChunk(id: number): void {
  const render = renders.get(id);
  if (render === undefined) return;
  const text = render.ahead;
  const next = render.chunks.next();
  const done = next.done === true;
  if (done) renders.delete(id);
  else render.ahead = next.value;
  const data = utf8.encode(text).buffer as ArrayBuffer;
  port.postMessage({ type: 'chunk', id, generation: render.generation, data, done } satisfies FromWorker, [data]);
}

port.on('message', (msg: ToWorker) => {
  switch (msg.type) {
    case 'reconfigure':
      pipeline.reconfigure(msg.config, msg.fetchOptions);
      return;
    case 'render':
      startRender(msg.id, msg.view);
      return;
    case 'more':
      sendChunk(msg.id);
      return;
    case 'cancel':
      renders.delete(msg.id);
      return;
    case 'refresh':
      pipeline.run(msg.masters).then(
        (result) => {
          dropOldRenders();
          const reply: FromWorker = { type: 'result', id: msg.id, ok: true, result };
          port.postMessage(reply, result.kind === 'table' ? [result.tableBuffer] : []);
        },
        (err: unknown) => {
          const reply: FromWorker = { type: 'result', id: msg.id, ok: false, error: refreshFailure(err) };
          port.postMessage(reply);
        },
      );
      return;
  }
});

port.on('close', () => {
  void closeFetchAgents();
});
