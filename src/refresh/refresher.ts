import type { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { Config } from '../config/types.js';
import { MesosDnsError } from '../errors.js';
import type { FetchOptions } from '../mesos/fetch/fetch.js';
import type { LogOptions } from '../log.js';
import type { ServingState, Snapshot, StreamReport } from '../serving.js';
import { refreshFailure, type FromWorker, type ToWorker, type WorkerInit } from './messages.js';
import type { ViewName } from '../records/views.js';
import { Swaps } from './swaps.js';
import { type EarlyWorker, spawnRefreshWorker } from './worker-thread.js';
import { ViewRequests } from './view-requests.js';

type RefreshReply = Extract<FromWorker, { type: 'result' }>;

export interface RefresherOptions {
  config: Config;
  fetchOptions: FetchOptions;
  serving: ServingState;
  log: Logger;
  logOptions: LogOptions;
  /** the compiled worker entry; tests running from sources point it at dist/ */
  workerUrl?: URL;
  /** a worker the process started before reading its config, to be used by the first refresh if it fits */
  earlyWorker?: EarlyWorker;
  /** called after every successful swap (e.g. to hand the table to DNS worker processes) */
  onSwap?: (snapshot: Snapshot) => void;
}

/**
 * Main-thread side of refreshing: a poll at start, every `refreshSeconds`, and
 * whenever master detection reports a new list. Runs one poll at a time in
 * the worker thread; requests arriving meanwhile are coalesced into one more run
 * (Go drops ticks that pass during a reload). A failure keeps the current table.
 * With `stateSource` "stream" the worker also pushes tables built from the
 * event stream; those are swapped in the same way, and the polls go on as a
 * full resync. Each result carries the number of its build, and one numbered
 * below the table served is never swapped in.
 */
export class Refresher {
  private worker: Worker | null = null;
  /** the heap limit the running worker was started with; a SIGHUP may change the config's */
  private workerHeapMiB = 0;
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private pending = false;
  private nextId = 1;
  private inFlight: { id: number; resolve: (msg: RefreshReply) => void } | null = null;
  private idleWaiters: Array<() => void> = [];
  private stopped = false;
  /** the source last logged, to log only its changes */
  private loggedSource: 'stream' | 'poll' | null = null;
  private readonly views: ViewRequests;
  private readonly swaps: Swaps;

  constructor(private readonly opts: RefresherOptions) {
    this.views = new ViewRequests(opts.serving, () => this.worker);
    this.swaps = new Swaps({
      serving: opts.serving,
      log: opts.log,
      onSwap: opts.onSwap,
      // Not with DNS worker processes: their IPC may hold a table's message, unserialised, behind a handle being sent.
      release: (buffers) => {
        if (this.worker !== null && this.opts.config.workers <= 1) {
          this.worker.postMessage({ type: 'release', buffers } satisfies ToWorker, buffers);
        }
      },
    });
  }

  /**
   * Starts the worker ahead of the first refresh (or gives the early one its
   * config): it loads its modules while the caller goes on loading its own,
   * rather than after.
   */
  prepare(): void {
    if (!this.stopped) this.ensureWorker();
  }

  start(): void {
    this.timer = setInterval(() => this.request(), this.opts.config.refreshSeconds * 1000);
    this.timer.unref();
  }

  /** A new ordered masters list from detection: refresh at once with it. */
  setMasters(masters: string[]): void {
    this.opts.serving.masters = [...masters];
    // The stream resubscribes at once, without waiting for a poll running now.
    this.worker?.postMessage({ type: 'masters', masters } satisfies ToWorker);
    this.request();
  }

  /** Ask for a refresh; coalesced with one already running. */
  request(): void {
    if (this.stopped) return;
    if (this.running) {
      this.pending = true;
      return;
    }
    void this.loop();
  }

  /** Resolves when no refresh is running or queued (tests, SIGHUP). */
  whenIdle(): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  reconfigure(config: Config, fetchOptions: FetchOptions): void {
    this.opts.config = config;
    this.opts.fetchOptions = fetchOptions;
    const msg: ToWorker = { type: 'reconfigure', config, fetchOptions };
    this.worker?.postMessage(msg);
    if (config.stateSource !== 'stream') this.opts.serving.stream = null;
    if (this.timer) {
      clearInterval(this.timer);
      this.start();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.opts.earlyWorker?.discard();
    if (this.timer) clearInterval(this.timer);
    const w = this.worker;
    this.worker = null;
    this.inFlight?.resolve({
      type: 'result',
      id: this.inFlight.id,
      ok: false,
      error: { code: 'MESOS_DNS_STOPPED', message: 'stopped' },
    });
    if (w) await w.terminate();
  }

  private async loop(): Promise<void> {
    this.running = true;
    try {
      do {
        this.pending = false;
        try {
          await this.refreshOnce();
        } catch (err) {
          // Whatever went wrong, the current table stays and the next refresh is still scheduled.
          this.opts.serving.recordOutcome({ at: Date.now(), ok: false, error: refreshFailure(err), durationMs: 0 });
          this.opts.log.error({ err }, 'refresh failed; keeping the current table');
        }
      } while (this.pending && !this.stopped);
    } finally {
      this.running = false;
      for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  /**
   * The worker for the next refresh: the running one, or a new one when there
   * is none (the first refresh, or the last worker died) or when `refreshHeapMiB`
   * changed. Only called between refreshes, so retiring a worker loses no work.
   */
  private ensureWorker(): Worker {
    const heapMiB = this.opts.config.refreshHeapMiB;
    if (this.worker && this.workerHeapMiB === heapMiB) return this.worker;
    if (this.worker) {
      // Idle between refreshes: nothing to wait for. Its exit is ignored, as it is no longer `this.worker`.
      void this.worker.terminate();
      this.worker = null;
      this.swaps.workerReplaced();
    }
    this.views.workerGone();
    const init: WorkerInit = {
      config: this.opts.config,
      fetchOptions: this.opts.fetchOptions,
      log: this.opts.logOptions,
      servedSerial: this.opts.serving.current?.serial ?? null,
    };
    const early = this.opts.earlyWorker;
    this.opts.earlyWorker = undefined;
    const w = early?.adopt(heapMiB) ?? spawnRefreshWorker(heapMiB, this.opts.workerUrl);
    w.postMessage({ type: 'init', init } satisfies ToWorker);
    w.on('message', (msg: FromWorker) => {
      if (msg.type === 'result') {
        if (this.inFlight && msg.id === this.inFlight.id) this.inFlight.resolve(msg);
      } else if (msg.type === 'pushed') {
        if (this.worker === w && !this.stopped) this.pushed(msg);
      } else if (msg.type === 'stream') {
        if (this.worker === w && !this.stopped) this.streamReport(msg.report);
      } else if (msg.type === 'http-names') {
        if (this.worker === w && !this.stopped) this.swaps.httpNames(msg);
      } else {
        this.views.reply(msg);
      }
    });
    const died = (err: MesosDnsError) => {
      if (this.worker !== w) return;
      this.worker = null;
      this.swaps.workerReplaced();
      this.opts.serving.stream = null;
      this.views.workerGone();
      this.opts.log.error({ err }, 'refresh worker died; a new one starts with the next refresh');
      this.inFlight?.resolve({
        type: 'result',
        id: this.inFlight.id,
        ok: false,
        error: { code: err.code, message: err.message },
      });
    };
    w.on('error', (err) => died(workerDeath(err, heapMiB)));
    w.on('exit', (code) =>
      died(new MesosDnsError('MESOS_DNS_REFRESH_WORKER_DIED', `the refresh worker exited with code ${code}`)),
    );
    this.worker = w;
    this.workerHeapMiB = heapMiB;
    // Build numbers start again in a new worker.
    this.swaps.workerReplaced();
    return w;
  }

  private async refreshOnce(): Promise<void> {
    const started = Date.now();
    const masters = this.opts.serving.masters;
    const id = this.nextId++;
    const reply = await new Promise<RefreshReply>((resolve) => {
      this.inFlight = { id, resolve };
      const msg: ToWorker = { type: 'refresh', id, masters };
      this.ensureWorker().postMessage(msg);
    });
    this.inFlight = null;
    if (this.stopped) return;
    const { serving, log } = this.opts;
    const durationMs = Date.now() - started;
    if (!reply.ok) {
      serving.recordOutcome({ at: Date.now(), ok: false, error: reply.error, durationMs });
      log.error({ err: reply.error, masters }, 'refresh failed; keeping the current table');
      return;
    }
    this.swaps.result(reply.result, durationMs);
  }

  /** A table the worker built from the event stream. */
  private pushed(msg: Extract<FromWorker, { type: 'pushed' }>): void {
    const { serving, log } = this.opts;
    if (!msg.ok) {
      serving.recordOutcome({ at: Date.now(), ok: false, stream: true, error: msg.error, durationMs: 0 });
      log.error({ err: msg.error }, 'build from the event stream failed; keeping the current table');
      return;
    }
    this.swaps.result(msg.result, msg.result.timings.totalMs);
  }

  /** The stream's state: the source of the data is logged when it changes (stream, or polls only). */
  private streamReport(report: StreamReport): void {
    const { serving, log } = this.opts;
    if (this.opts.config.stateSource !== 'stream') return;
    serving.stream = report;
    // Connecting between attempts changes nothing yet.
    if (report.state === 'connecting') return;
    const source = report.state === 'subscribed' ? 'stream' : 'poll';
    if (source === this.loggedSource) return;
    this.loggedSource = source;
    if (source === 'stream') log.info({ source, master: report.master }, 'state source: the event stream');
    else
      log.warn(
        { source, stream: report.state, master: report.master, code: report.code },
        `state source: a poll every ${this.opts.config.refreshSeconds}s until the event stream is back`,
      );
  }

  /** A view's body, rendered by the worker from its latest records (`ViewRequests.body`). */
  view(view: ViewName): AsyncGenerator<Buffer> {
    return this.views.body(this.swaps.generation, view);
  }
}

/** Why a worker died: out of its heap (the operator can raise `refreshHeapMiB`), or anything else. */
function workerDeath(err: Error, heapMiB: number): MesosDnsError {
  if ((err as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return new MesosDnsError(
      'MESOS_DNS_REFRESH_OUT_OF_MEMORY',
      `the refresh needed more than refreshHeapMiB (${heapMiB} MiB) of heap`,
      { cause: err },
    );
  }
  return new MesosDnsError('MESOS_DNS_REFRESH_WORKER_DIED', `the refresh worker failed: ${err.message}`, {
    cause: err,
  });
}
