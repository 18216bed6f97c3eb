/**
 * The operator API event stream (`POST /api/v1` SUBSCRIBE): subscribes to the
 * first master of the list that accepts (subscribe.ts opens the stream),
 * turns each event into a change of the `ClusterModel`, and resubscribes
 * (exponential backoff with jitter) when the stream fails, ends, or goes
 * silent for 3 heartbeats; at once when the masters list names another leader.
 * Authentication, TLS, deadlines and the size cap are the state fetch's.
 */
import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import { FetchFailure, MesosDnsError, StreamFailure } from '../../errors.js';
import { dispatcherFor, plainDispatcherFor } from '../fetch/agent.js';
import { toFetchFailure } from '../fetch/failure.js';
import { ensureRoomToParse } from '../fetch/heap-room.js';
import type { FetchOptions } from '../fetch/options.js';
import { fetchFrameworkPids, fetchLeader, type CallContext } from './calls.js';
import { ClusterModel, type Change } from './model.js';
import { RecordIoDecoder } from './recordio.js';
import { openSubscription, type Opened } from './subscribe.js';
import { parseRecord, readEvent, type StreamEvent, type StreamEventType, type StreamWarning } from './v1.js';

export type StreamState = 'connecting' | 'subscribed' | 'unsupported' | 'failing';

export interface StreamStatus {
  state: StreamState;
  /** `host:port` of the master subscribed to (`subscribed`), or of the last failure */
  master?: string;
  /** the error code of the last failure (`failing`, `unsupported`) */
  code?: string;
  /** subscriptions failed in a row; a stream that ends after SUBSCRIBED counts as the first */
  failures: number;
}

export interface StreamCallbacks {
  /** a new subscription's cluster; every later change applies to this model */
  onSnapshot(model: ClusterModel, master: string): void;
  /** after each event that changed the model (heartbeats and unknown events change nothing) */
  onChange(change: Change, model: ClusterModel): void;
  onState(status: StreamStatus): void;
}

export interface StreamSubscriberOptions {
  /** authentication, TLS, `timeoutMs` (a subscription's deadline) and `maxStateBytes` (the largest record) */
  fetch: FetchOptions;
  /** the `stream` component's logger */
  log: Logger;
  callbacks: StreamCallbacks;
  /** delay before the first retry, doubled per failure up to `maxMs` (default 500 ms to 30 s) */
  backoff?: { initialMs: number; maxMs: number };
  /** a number in [0, 1) (default `Math.random`), for the jitter */
  random?: () => number;
}

export interface StreamCounters {
  /** subscriptions that reached SUBSCRIBED */
  subscriptions: number;
  /** subscriptions that failed, or streams that ended */
  failures: number;
  /** events applied to the model */
  events: number;
  /** of which, by type (SUBSCRIBED counted once per subscription, heartbeats included) */
  eventsByType: Partial<Record<StreamEventType, number>>;
  /** Date.now() when the last record of any kind arrived (0: none yet), to tell a live stream */
  lastEventAt: number;
  /** events of a type we do not know, ignored */
  unknownEvents: number;
  /** frameworks, agents and tasks skipped as unusable */
  skippedItems: number;
}

/** Redirect hops followed per master: a non-leader points at the leader, which answers. */
/** Records above this size are checked against the heap left before they are parsed. */
const LARGE_RECORD = 1024 * 1024;

/** Why a subscription was abandoned from outside: a new masters list, or `close()`. */
class Interrupt {
  constructor(readonly why: 'masters' | 'closed') {}
}

/** How one round over the masters list ended. */
type Outcome =
  | { kind: 'interrupted' }
  | { kind: 'unsupported'; error: MesosDnsError; master: string }
  /** `subscribed`: it had reached SUBSCRIBED before it failed */
  | { kind: 'failed'; error: MesosDnsError; master: string; subscribed: boolean };

export class StreamSubscriber {
  readonly counters: StreamCounters = {
    subscriptions: 0,
    failures: 0,
    events: 0,
    eventsByType: {},
    lastEventAt: 0,
    unknownEvents: 0,
    skippedItems: 0,
  };
  private masters: string[];
  private readonly log: Logger;
  private readonly callbacks: StreamCallbacks;
  private readonly options: FetchOptions;
  private readonly backoff: { initialMs: number; maxMs: number };
  private readonly random: () => number;
  private loop: Promise<void> | null = null;
  private closed = false;
  /** the current attempt's; aborted with an `Interrupt` from outside */
  private controller: AbortController | null = null;
  /** ends the wait between attempts early */
  private wake: (() => void) | null = null;
  /** the masters-list entry the current stream was reached through (null: not subscribed) */
  private via: string | null = null;
  private failures = 0;

  constructor(masters: readonly string[], options: StreamSubscriberOptions) {
    this.masters = [...masters];
    this.log = options.log;
    this.callbacks = options.callbacks;
    this.options = options.fetch;
    this.backoff = options.backoff ?? { initialMs: 500, maxMs: 30_000 };
    this.random = options.random ?? Math.random;
  }

  start(): void {
    if (this.loop !== null || this.closed) return;
    // run() handles every failure of its own; this only keeps a bug of ours from ending the process.
    this.loop = this.run().catch((err: unknown) => this.log.error({ err }, 'the event stream stopped'));
  }

  /**
   * A new masters list (leader first). Subscribes again at once unless the
   * stream is already with the list's first master.
   */
  setMasters(masters: readonly string[]): void {
    const next = [...masters];
    const same = next.length === this.masters.length && next.every((m, i) => m === this.masters[i]);
    this.masters = next;
    if (same || (this.via !== null && firstUsable(next) === this.via)) return;
    this.interrupt(new Interrupt('masters'));
  }

  /** Stops: the stream and any request are abandoned, no timer is left. */
  async close(): Promise<void> {
    this.closed = true;
    this.interrupt(new Interrupt('closed'));
    await this.loop;
  }

  private interrupt(reason: Interrupt): void {
    this.controller?.abort(reason);
    this.wake?.();
  }

  private async run(): Promise<void> {
    while (!this.closed) {
      const outcome = await this.round();
      if (this.closed) break;
      if (outcome.kind === 'interrupted') continue;
      this.counters.failures++;
      this.failures = outcome.kind === 'failed' && outcome.subscribed ? 1 : this.failures + 1;
      const { master } = outcome;
      const delay = outcome.kind === 'unsupported' ? this.backoff.maxMs : this.delay(this.failures);
      if (outcome.kind === 'unsupported') {
        this.log.warn({ master, err: outcome.error, retryInMs: delay }, 'master has no event stream; poll instead');
        this.emit({ state: 'unsupported', master, code: outcome.error.code, failures: this.failures });
      } else {
        const msg = outcome.subscribed ? 'event stream ended' : 'event stream subscription failed';
        this.log.warn({ master, err: outcome.error, failures: this.failures, retryInMs: delay }, msg);
        this.emit({ state: 'failing', master, code: outcome.error.code, failures: this.failures });
      }
      await this.pause(delay);
    }
  }

  /** Exponential, capped, and jittered over its upper half so that many instances do not resubscribe together. */
  private delay(failures: number): number {
    const full = Math.min(this.backoff.maxMs, this.backoff.initialMs * 2 ** Math.min(failures - 1, 30));
    return Math.round(full / 2 + (this.random() * full) / 2);
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  /** Tries the masters in order until one streams; returns when that stream ends, or when none did. */
  private async round(): Promise<Outcome> {
    this.emit({ state: 'connecting', failures: this.failures });
    const candidates = [...new Set(this.masters.filter((m) => m !== ''))];
    if (candidates.length === 0) {
      const error = new FetchFailure('MESOS_DNS_FETCH_BAD_ADDRESS', 'no masters to subscribe to');
      return { kind: 'failed', error, master: '', subscribed: false };
    }
    let unsupported: Outcome | null = null;
    let last: Outcome | null = null;
    for (const entry of candidates) {
      const controller = new AbortController();
      this.controller = controller;
      const outcome = await this.attempt(entry, controller);
      this.controller = null;
      this.via = null;
      if (outcome.kind === 'interrupted' || this.closed) return { kind: 'interrupted' };
      if (outcome.kind === 'failed' && outcome.subscribed) return outcome;
      if (outcome.kind === 'unsupported') unsupported = outcome;
      else last = outcome;
      this.log.debug({ master: outcome.master, err: outcome.error }, 'no event stream from this master');
    }
    return unsupported ?? last!;
  }

  /** One master: subscribe (with its deadline), then follow the stream until it ends. */
  private async attempt(entry: string, controller: AbortController): Promise<Outcome> {
    const { signal } = controller;
    const deadline = setTimeout(() => {
      controller.abort(
        new StreamFailure('MESOS_DNS_STREAM_TIMEOUT', `not subscribed within ${this.options.timeoutMs} ms`, entry),
      );
    }, this.options.timeoutMs);
    let opened: Opened | null = null;
    try {
      opened = await openSubscription(entry, {
        options: this.options,
        dispatcher: this.dispatcher(),
        authDispatcher: this.authDispatcher(),
        log: this.log,
        signal,
      });
      await this.follow(opened, controller, entry, () => clearTimeout(deadline));
      throw new StreamFailure('MESOS_DNS_STREAM_CLOSED', 'the master ended the stream', opened.master);
    } catch (err) {
      const reason: unknown = signal.aborted ? signal.reason : err;
      if (reason instanceof Interrupt) return { kind: 'interrupted' };
      const master = opened?.master ?? (reason instanceof StreamFailure ? reason.master : undefined) ?? entry;
      const error = this.failure(reason, master);
      if (error.code === 'MESOS_DNS_STREAM_UNSUPPORTED') return { kind: 'unsupported', error, master };
      return { kind: 'failed', error, master, subscribed: this.via !== null };
    } finally {
      clearTimeout(deadline);
      opened?.body.destroy();
    }
  }

  private failure(err: unknown, master: string): MesosDnsError {
    if (err instanceof StreamFailure && err.master === undefined) {
      return new StreamFailure(err.code, err.message, master, { cause: err.cause });
    }
    if (err instanceof MesosDnsError) return err;
    return toFetchFailure(err, false, this.options.timeoutMs);
  }

  /**
   * Reads the stream: the first record must be SUBSCRIBED, which becomes the
   * model once the leader and the framework pids are known; every later record
   * is an event. Returns when the master ends the stream.
   */
  private async follow(
    opened: Opened,
    controller: AbortController,
    entry: string,
    subscribedNow: () => void,
  ): Promise<void> {
    const decoder = new RecordIoDecoder(this.options.maxStateBytes);
    const calls: CallContext = {
      options: this.options,
      dispatcher: this.dispatcher(),
      authDispatcher: this.authDispatcher(),
      signal: controller.signal,
    };
    let model: ClusterModel | null = null;
    let silenceMs = 0;
    let watchdog: NodeJS.Timeout | undefined;
    try {
      for await (const chunk of opened.body as AsyncIterable<Buffer>) {
        // The watchdog measures the master's silence, not our time spent on what it sent.
        clearTimeout(watchdog);
        for (const record of decoder.push(chunk)) {
          this.counters.lastEventAt = Date.now();
          if (record.length === 0) continue;
          if (model === null) {
            const first = await this.snapshot(record, opened, calls);
            model = first.model;
            silenceMs = first.heartbeatSeconds === null ? 0 : first.heartbeatSeconds * 3000;
            subscribedNow();
            this.subscribed(model, opened.master, entry, first.heartbeatSeconds);
          } else {
            await this.event(record, model, opened, calls);
          }
        }
        if (silenceMs > 0) {
          watchdog = setTimeout(() => {
            controller.abort(
              new StreamFailure('MESOS_DNS_STREAM_SILENT', `nothing for ${silenceMs} ms (3 heartbeats)`, opened.master),
            );
          }, silenceMs);
        }
      }
    } finally {
      clearTimeout(watchdog);
    }
  }

  private subscribed(model: ClusterModel, master: string, entry: string, heartbeatSeconds: number | null): void {
    this.via = entry;
    this.failures = 0;
    this.counters.subscriptions++;
    this.count('SUBSCRIBED');
    this.log.info({ master, ...model.counts, heartbeatSeconds }, 'subscribed to the event stream');
    this.consume(() => this.callbacks.onSnapshot(model, master), master);
    this.emit({ state: 'subscribed', master, failures: 0 });
  }

  private async snapshot(
    record: Buffer,
    opened: Opened,
    calls: CallContext,
  ): Promise<{ model: ClusterModel; heartbeatSeconds: number | null }> {
    const decoded = this.decode(record);
    if (decoded.kind !== 'event' || decoded.event.type !== 'SUBSCRIBED') {
      throw new StreamFailure('MESOS_DNS_STREAM_BAD_EVENT', 'the first event is not SUBSCRIBED', opened.master);
    }
    this.warn(decoded.warnings, opened.master, 'SUBSCRIBED');
    const { subscribed } = decoded.event;
    const [leader, framePids] = await Promise.all([
      fetchLeader(opened.origin, calls),
      fetchFrameworkPids(opened.origin, calls),
    ]);
    this.warnPids(framePids.warnings, opened.master);
    for (const framework of subscribed.frameworks) framework.pid = framePids.pids.get(framework.id) ?? null;
    return { model: ClusterModel.fromSubscribed(subscribed, leader), heartbeatSeconds: subscribed.heartbeatSeconds };
  }

  private async event(record: Buffer, model: ClusterModel, opened: Opened, calls: CallContext): Promise<void> {
    const decoded = this.decode(record);
    if (decoded.kind === 'unknown') {
      this.counters.unknownEvents++;
      this.log.debug({ master: opened.master, type: decoded.type }, 'ignored an event of an unknown type');
      return;
    }
    if (decoded.kind === 'skipped') {
      this.warn([decoded.warning], opened.master, decoded.type);
      return;
    }
    const event: StreamEvent = decoded.event;
    if (event.type === 'SUBSCRIBED') {
      throw new StreamFailure('MESOS_DNS_STREAM_BAD_EVENT', 'a second SUBSCRIBED on one stream', opened.master);
    }
    // A pid that cannot be read fails the stream: the next subscription reads them all again, where going on
    // would show the framework without the records its pid gives.
    if (event.type === 'FRAMEWORK_ADDED' || event.type === 'FRAMEWORK_UPDATED') {
      const found = await fetchFrameworkPids(opened.origin, calls, event.framework.id);
      this.warnPids(found.warnings, opened.master);
      event.framework.pid = found.pids.get(event.framework.id) ?? null;
    }
    const change = model.apply(event);
    this.counters.events++;
    this.count(event.type);
    if (change.tasks.length + change.agents.length + change.frameworks.length === 0) return;
    this.consume(() => this.callbacks.onChange(change, model), opened.master);
  }

  private count(type: StreamEventType): void {
    this.counters.eventsByType[type] = (this.counters.eventsByType[type] ?? 0) + 1;
  }

  private decode(record: Buffer): ReturnType<typeof readEvent> {
    // A SUBSCRIBED of a large cluster is tens of megabytes: parse it only with room for it.
    if (record.length > LARGE_RECORD) ensureRoomToParse(record);
    return readEvent(parseRecord(record));
  }

  /** A consumer that throws gets a fresh snapshot: its view may be half-updated. */
  private consume(callback: () => void, master: string): void {
    try {
      callback();
    } catch (err) {
      throw new StreamFailure('MESOS_DNS_STREAM_CONSUMER_FAILED', `a stream callback threw: ${String(err)}`, master, {
        cause: err,
      });
    }
  }

  private emit(status: StreamStatus): void {
    try {
      this.callbacks.onState(status);
    } catch (err) {
      this.log.error({ err }, 'the stream state callback threw');
    }
  }

  private warn(warnings: readonly StreamWarning[], master: string, type: string): void {
    this.counters.skippedItems += warnings.length;
    for (const w of warnings) this.log.warn({ master, event: type, ...w }, 'skipped a bad stream item');
  }

  private warnPids(warnings: ReadonlyArray<{ id: string; reason: string }>, master: string): void {
    for (const w of warnings) this.log.warn({ master, item: 'framework', ...w }, 'framework pid unusable');
  }

  private dispatcher(): Dispatcher {
    return plainDispatcherFor(this.options, this.log);
  }

  private authDispatcher(): Dispatcher {
    return dispatcherFor(this.options, this.log);
  }
}

function firstUsable(masters: readonly string[]): string | undefined {
  return masters.find((m) => m !== '');
}
