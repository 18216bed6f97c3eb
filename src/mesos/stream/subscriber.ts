/**
 * The operator API event stream (`POST /api/v1` SUBSCRIBE): subscribes to the
 * first master of the list that accepts (subscribe.ts opens the stream,
 * reader.ts reads it into a `ClusterModel`), hands on the model and each of
 * its changes, and resubscribes
 * (exponential backoff with jitter) when the stream fails, ends, or goes
 * silent for 3 heartbeats; at once when the masters list names another leader.
 * Authentication, TLS, deadlines and the size cap are the state fetch's.
 */
import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import { FetchFailure, MesosDnsError, StreamFailure } from '../../errors.js';
import { dispatcherFor, plainDispatcherFor } from '../fetch/agent.js';
import { toFetchFailure } from '../fetch/failure.js';
import type { FetchOptions } from '../fetch/options.js';
import type { ClusterModel, Change } from './model.js';
import { readStream, type StreamCounters } from './reader.js';
import { openSubscription, type Opened } from './subscribe.js';

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
      await readStream(opened, controller, {
        options: this.options,
        log: this.log,
        counters: this.counters,
        dispatcher: this.dispatcher(),
        authDispatcher: this.authDispatcher(),
        subscribed: (model, master, heartbeatSeconds) => {
          clearTimeout(deadline);
          this.subscribed(model, master, entry, heartbeatSeconds);
        },
        changed: (change, model, master) => this.consume(() => this.callbacks.onChange(change, model), master),
      });
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

  private subscribed(model: ClusterModel, master: string, entry: string, heartbeatSeconds: number | null): void {
    this.via = entry;
    this.failures = 0;
    this.counters.subscriptions++;
    this.log.info({ master, ...model.counts, heartbeatSeconds }, 'subscribed to the event stream');
    this.consume(() => this.callbacks.onSnapshot(model, master), master);
    this.emit({ state: 'subscribed', master, failures: 0 });
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
