import { parentPort } from 'node:worker_threads';
import { closeFetchAgents } from '../mesos/fetch/fetch.js';
import { getHeapStatistics } from 'node:v8';
import { componentLogger, createLogger } from '../log.js';
import { axfrChunks, enumerateChunks, prepareViews } from '../records/views.js';
import { RefreshPipeline } from './pipeline.js';
import type { PipelineResult } from './results.js';
import { StreamSource } from './stream-source.js';
import { TaskPreparer } from './task-preparer.js';
import { ViewRenders } from './view-renders.js';
import { refreshFailure, type FromWorker, type ToWorker, type WorkerInit } from './messages.js';
import type { ViewName } from '../records/views.js';

/**
 * The refresh worker thread: fetching, JSON parsing, generation and the table
 * build all happen here, so the main thread keeps answering queries while a
 * 50,000-task state is processed. Polls as the main thread asks; with
 * `stateSource` "stream", also builds from the event stream and pushes those
 * tables unasked; its polls then check the stream's records instead of
 * replacing them (`StreamSource.resync`). The pipeline runs one build at a time, in order. Between
 * the steps of a build it also renders the HTTP views, one chunk per request
 * from the main thread, so a large body never delays a build by more than a
 * chunk and is never held whole.
 */
const port = parentPort!;

/**
 * Starts handling the main thread's messages. The first says what to do
 * (worker-thread.ts); every later one is handled in order. Messages posted
 * before this wait for it, so none is missed.
 */
export function runRefreshWorker(): void {
  let handle: ((msg: ToWorker) => void) | null = null;
  port.on('message', (msg: ToWorker) => {
    if (handle !== null) handle(msg);
    else if (msg.type === 'init') handle = begin(msg.init);
  });
}

/** Sets the worker up as `init` says; returns the handler of every later message. */
function begin(init: WorkerInit): (msg: ToWorker) => void {
  const root = createLogger(init.log);
  // Nothing served yet: the second core is idle until the first table is (task-preparer.ts).
  const firstLoad =
    init.servedSerial === null ? new TaskPreparer(componentLogger(root, 'refresh'), init.config.refreshHeapMiB) : null;
  const pipeline = new RefreshPipeline(init.config, init.fetchOptions, root, init.servedSerial, firstLoad);
  let config = init.config;
  let fetchOptions = init.fetchOptions;
  /** the event stream, while `stateSource` is "stream" and a masters list is known */
  let stream: StreamSource | null = null;
  let latestMasters: string[] | null = null;
  let firstPollSettled = false;
  const renders = new ViewRenders((msg, transfer) => port.postMessage(msg, transfer));

  function startRender(id: number, view: ViewName): void {
    const g = pipeline.viewGeneration();
    if (g === null) {
      port.postMessage({ type: 'no-view', id } satisfies FromWorker);
      return;
    }
    renders.start(
      id,
      (source) =>
        view === 'axfr' ? axfrChunks(g.store, g.axfr, source) : enumerateChunks(g.store, g.enumeration, source),
      g.number,
    );
  }

  let prepareTimer: NodeJS.Timeout | undefined;

  /** Present when node runs with `--expose-gc`, as bin/mesos-dns starts it. */
  const fullCollection = (globalThis as { gc?: () => void }).gc;
  const idleLog = componentLogger(root, 'refresh');

  /**
   * A full collection once builds have paused. The last build's garbage (its
   * state, records and table arrays) is otherwise kept until the heap nears a
   * limit V8 sized for the largest build, and so are the pages it sits on: at
   * 5,000 tasks the process grew by 10–20 MiB over ten refreshes of a changing
   * state, and by 0–10 MiB with this.
   */
  function collectIdleGarbage(): void {
    if (fullCollection === undefined) return;
    const before = getHeapStatistics();
    const started = performance.now();
    fullCollection();
    const after = getHeapStatistics();
    const mib = (bytes: number) => Math.round(bytes / 104857.6) / 10;
    idleLog.debug(
      {
        ms: Math.round(performance.now() - started),
        heapUsedMiB: [mib(before.used_heap_size), mib(after.used_heap_size)],
        externalMiB: [mib(before.external_memory), mib(after.external_memory)],
      },
      'refresh worker idle: garbage collected',
    );
  }

  function post(result: PipelineResult, reply: FromWorker): void {
    renders.dropOlderThan(pipeline.generationNumber);
    const transfer =
      result.kind === 'table'
        ? [result.tableBuffer]
        : result.kind === 'overlay'
          ? [result.overlayBuffer, result.hiddenBuffer, result.httpNames.names.hosts, result.httpNames.names.services]
          : [];
    port.postMessage(reply, transfer);
    // Made while the main thread swaps the table in, and sent before any later build's result, so they reach it
    // before an overlay that would patch them.
    const names = result.kind === 'table' ? pipeline.takeHttpNames(result.serial) : null;
    if (names !== null) {
      const msg: FromWorker = { type: 'http-names', ...names };
      port.postMessage(msg, [names.httpNames.hosts, names.httpNames.services]);
    }
    // After the reply, so the swap never waits for it, and only once builds have paused for a second, so a
    // burst of builds neither sorts names nobody asks for nor keeps old stores alive, nor collects between
    // them; a render asked before does this work itself. After an overlay there is no store yet
    // (`viewGeneration` makes it on request).
    clearTimeout(prepareTimer);
    prepareTimer = setTimeout(() => {
      // A build already under way posts again when it ends.
      if (!pipeline.idle) return;
      if (pipeline.generation !== null) prepareViews(pipeline.generation.store);
      collectIdleGarbage();
    }, 1000);
  }

  /**
   * Follows the masters list (null: unchanged) with the event stream when the
   * config asks for one; ends the stream when it no longer does. The stream
   * starts once the first poll has settled: its snapshot, as large as a state,
   * is then read after that poll's state is garbage rather than beside it.
   */
  function followStream(masters: string[] | null): void {
    if (masters !== null) {
      latestMasters = masters;
      pipeline.setMasters(masters);
    }
    if (config.stateSource !== 'stream') {
      void stream?.close();
      stream = null;
      return;
    }
    if (!firstPollSettled || latestMasters === null) return;
    stream ??= new StreamSource({
      pipeline,
      fetchOptions,
      log: root,
      push: (outcome) => {
        if (outcome.ok) post(outcome.result, { type: 'pushed', ok: true, result: outcome.result });
        else port.postMessage({ type: 'pushed', ok: false, error: refreshFailure(outcome.error) } satisfies FromWorker);
      },
      report: (report) => port.postMessage({ type: 'stream', report } satisfies FromWorker),
    });
    stream.setMasters(latestMasters);
  }

  function settled(): void {
    if (firstPollSettled) return;
    firstPollSettled = true;
    followStream(null);
  }

  const handle = (msg: ToWorker): void => {
    switch (msg.type) {
      case 'reconfigure':
        config = msg.config;
        fetchOptions = msg.fetchOptions;
        pipeline.reconfigure(msg.config, msg.fetchOptions);
        stream?.reconfigure(msg.fetchOptions);
        followStream(null);
        return;
      case 'masters':
        followStream(msg.masters);
        return;
      case 'render':
        startRender(msg.id, msg.view);
        return;
      case 'more':
        renders.send(msg.id, msg.free);
        return;
      case 'cancel':
        renders.cancel(msg.id);
        return;
      case 'release':
        return;
      case 'refresh':
        followStream(msg.masters);
        (stream?.resync(msg.masters) ?? pipeline.run(msg.masters))
          .then(
            (result) => post(result, { type: 'result', id: msg.id, ok: true, result }),
            (err: unknown) => {
              const reply: FromWorker = { type: 'result', id: msg.id, ok: false, error: refreshFailure(err) };
              port.postMessage(reply);
            },
          )
          .finally(settled);
        return;
    }
  };

  port.on('close', () => {
    void stream?.close();
    void closeFetchAgents();
  });
  return handle;
}
