/**
 * The event stream as a source of tables, in the refresh worker: a
 * `StreamSubscriber` whose snapshot becomes a full build and whose events,
 * coalesced over a few milliseconds, become one build per batch. Every result
 * is pushed to the main thread unasked; the stream's state and counters are
 * reported as they change (at most once a second for the counters).
 */
import type { Logger } from 'pino';
import { componentLogger } from '../log.js';
import type { FetchOptions } from '../mesos/fetch/options.js';
import type { Change, ClusterModel } from '../mesos/stream/model.js';
import { Touched } from '../mesos/stream/reconcile.js';
import { StreamSubscriber, type StreamStatus } from '../mesos/stream/subscriber.js';
import type { StreamReport } from '../serving.js';
import { Batcher } from './batch.js';
import type { Reconcile } from './build-inputs.js';
import type { RefreshPipeline } from './pipeline.js';
import type { PipelineResult } from './results.js';

/** Events arriving within this long of the first become one build. */
export const COALESCE_MS = 10;
/**
 * The least pause between two builds (see `Batcher`): at 50,000 tasks and 20
 * changes a second it keeps the refresh worker below half a core, and a change
 * still reaches DNS well within a second.
 */
export const BUILD_REST_MS = 200;
/** How often changed counters (events, last event time) are reported. */
const REPORT_EVERY_MS = 1000;

export interface StreamSourceOptions {
  pipeline: RefreshPipeline;
  fetchOptions: FetchOptions;
  /** the root logger; the subscriber logs as `stream` */
  log: Logger;
  /** a build's outcome, to hand to the main thread */
  push: (outcome: { ok: true; result: PipelineResult } | { ok: false; error: unknown }) => void;
  report: (report: StreamReport) => void;
  /** for tests: the subscriber's backoff */
  backoff?: { initialMs: number; maxMs: number };
}

export class StreamSource {
  private subscriber: StreamSubscriber | null = null;
  private model: ClusterModel | null = null;
  private status: StreamStatus = { state: 'connecting', failures: 0 };
  private readonly builds = { snapshot: 0, changes: 0 };
  private readonly resyncs = { agreed: 0, repaired: 0 };
  private readonly batcher: Batcher<Change>;
  private readonly reportTimer: NodeJS.Timeout;
  /** the counters that change most, as last reported */
  private reported = { events: -1, lastEventAt: -1, builds: -1 };
  private masters: string[] = [];
  private closing: Promise<void> | null = null;
  private readonly log: Logger;
  /** one per poll under way (`resync`): what events changed since it began */
  private readonly touched = new Set<Touched>();

  constructor(private readonly opts: StreamSourceOptions) {
    this.log = componentLogger(opts.log, 'stream');
    this.batcher = new Batcher(COALESCE_MS, (changes) => this.applyBatch(changes), BUILD_REST_MS);
    this.reportTimer = setInterval(() => this.reportIfChanged(), REPORT_EVERY_MS);
    this.reportTimer.unref();
  }

  /** The masters list (leader first): subscribes on the first, resubscribes at once when the leader moves. */
  setMasters(masters: string[]): void {
    this.masters = [...masters];
    if (this.subscriber === null) this.subscribe();
    else this.subscriber.setMasters(masters);
  }

  /** New TLS, authentication or limits: a new subscription with them (the current one is dropped). */
  reconfigure(fetchOptions: FetchOptions): void {
    if (JSON.stringify(fetchOptions) === JSON.stringify(this.opts.fetchOptions)) return;
    this.opts.fetchOptions = fetchOptions;
    const old = this.subscriber;
    if (old === null) return;
    this.subscribe();
    void old.close();
  }

  /** Ends the subscription and any pending batch; a build already running finishes on its own. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      clearInterval(this.reportTimer);
      this.batcher.clear();
      await this.subscriber?.close();
    })();
    return this.closing;
  }

  private subscribe(): void {
    const sub: StreamSubscriber = new StreamSubscriber(this.masters, {
      fetch: this.opts.fetchOptions,
      log: this.log,
      ...(this.opts.backoff !== undefined && { backoff: this.opts.backoff }),
      callbacks: {
        // A replaced subscriber may still call back while it closes: only the current one counts.
        onSnapshot: (model, master) => {
          if (this.subscriber === sub) this.snapshot(model, master);
        },
        onChange: (change) => {
          if (this.subscriber !== sub) return;
          for (const t of this.touched) t.add(change);
          this.batcher.add(change);
        },
        onState: (status) => {
          if (this.subscriber !== sub) return;
          this.status = status;
          this.report();
        },
      },
    });
    this.subscriber = sub;
    sub.start();
  }

  /**
   * The periodic full poll, while subscribed: the polled state repairs the
   * model (`ClusterModel.repair`) instead of replacing the table, so a poll
   * costs one comparison and the build of what the stream had missed, usually
   * nothing; and what it repairs stays repaired, since later events apply to
   * the repaired model. Null when there is no live subscription to check: the
   * caller polls as without a stream.
   */
  resync(masters: string[]): Promise<PipelineResult> | null {
    const model = this.model;
    const master = this.status.master;
    if (model === null || this.status.state !== 'subscribed' || master === undefined || this.closing !== null) {
      return null;
    }
    const touched = new Touched();
    this.touched.add(touched);
    const reconcile: Reconcile = (polled, polledFrom) => {
      // A new subscription since, or a poll of another master: the poll says nothing about this model.
      if (this.model !== model || this.status.master !== master || polledFrom !== master) return null;
      const change = model.repair(polled, touched);
      if (change === null) return null;
      if (change.tasks.length + change.agents.length + change.frameworks.length === 0) {
        this.resyncs.agreed++;
      } else {
        this.resyncs.repaired++;
        this.log.warn(
          { master, tasks: change.tasks.length, agents: change.agents.length, frameworks: change.frameworks.length },
          'the full poll found changes the event stream had not reported; repaired',
        );
      }
      this.report();
      return { changes: [change], cluster: model };
    };
    return this.opts.pipeline.resync(masters, reconcile).finally(() => this.touched.delete(touched));
  }

  private snapshot(model: ClusterModel, master: string): void {
    // The snapshot holds every change not built yet.
    this.batcher.clear();
    this.model = model;
    this.builds.snapshot++;
    this.opts.pipeline
      .fromSnapshot(() => model.state(), master)
      .then(
        (result) => this.opts.push({ ok: true, result }),
        (error: unknown) => this.opts.push({ ok: false, error }),
      );
  }

  private async applyBatch(changes: Change[]): Promise<void> {
    const model = this.model;
    if (model === null || this.closing !== null) return;
    this.builds.changes++;
    try {
      // The model as it is when the build starts: the latest subscription's, with every event applied so far.
      const result = await this.opts.pipeline.applyChanges(() => this.model ?? model, changes);
      this.opts.push({ ok: true, result });
    } catch (error) {
      this.opts.push({ ok: false, error });
    }
  }

  private reportIfChanged(): void {
    const c = this.subscriber?.counters;
    const r = this.reported;
    const builds = this.builds.snapshot + this.builds.changes;
    if (c === undefined || (c.events === r.events && c.lastEventAt === r.lastEventAt && builds === r.builds)) return;
    this.report();
  }

  private report(): void {
    const c = this.subscriber?.counters;
    this.reported = {
      events: c?.events ?? 0,
      lastEventAt: c?.lastEventAt ?? 0,
      builds: this.builds.snapshot + this.builds.changes,
    };
    this.opts.report({
      state: this.status.state,
      master: this.status.master ?? null,
      code: this.status.code ?? null,
      failures: this.status.failures,
      subscriptions: c?.subscriptions ?? 0,
      failuresTotal: c?.failures ?? 0,
      eventsByType: { ...c?.eventsByType },
      lastEventAt: c?.lastEventAt ?? 0,
      builds: { ...this.builds },
      resyncs: { ...this.resyncs },
    });
  }
}
