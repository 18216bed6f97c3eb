import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { Config } from '../../config/types.js';
import { RCODE } from '../../wire/constants.js';
import type { ForwardRequest } from '../answer/verdict.js';
import type { DnsStats } from '../stats/counters.js';
import { ForwardLatency } from '../stats/latency.js';
import { ForwardCache } from './cache.js';
import { Exchange } from './exchange.js';
import { InFlight } from './inflight.js';
import { questionKey, upstreamQuery } from './question.js';
import { errorFor, replyFits, replyFor, type ClientSide, type ReplyOptions, type UpstreamAnswer } from './reply.js';
import { UpstreamRouter } from './router.js';

export type ForwarderConfig = Pick<
  Config,
  | 'resolvers'
  | 'zoneResolvers'
  | 'timeout'
  | 'setTruncateBit'
  | 'maxForwardsInFlight'
  | 'maxForwardsPerClient'
  | 'forwardCacheSize'
  | 'forwardCacheBytes'
  | 'ednsMaxUdpSize'
>;

export interface ForwarderOptions {
  config: ForwarderConfig;
  stats: DnsStats;
  log: Logger;
  /** where forward latency is recorded; a new one when omitted */
  latency?: ForwardLatency;
  /** clock for the cache (tests) */
  now?: () => number;
}

/** Receives the reply for the client together with the caller's own target (socket, address). */
export type ReplyCallback<T> = (reply: Buffer, target: T) => void;

/** A client query waiting for an exchange: its header and question (a copy), and how to reply. */
interface Waiter {
  client: string;
  query: Buffer;
  request: ForwardRequest;
  /** performance.now() when it arrived */
  arrived: number;
  deliver: (reply: Buffer) => void;
}

/**
 * Answers names outside the domain as a resolver does, not as a packet relay
 * (RFC 5452, RFC 7873): from the cache, or by asking the zone's or the default
 * upstreams our own question (`upstreamQuery`), one exchange for all identical
 * questions in flight, each reply checked before it counts (`verifyReply`),
 * and each client's reply built for that client (`replyFor`). Never throws.
 */
export class Forwarder {
  readonly latency: ForwardLatency;
  private readonly cache: ForwardCache | null;
  private readonly router: UpstreamRouter;
  private readonly inflight: InFlight<Waiter>;
  private readonly timeoutMs: number;
  private readonly shape: ReplyOptions;
  private readonly stats: DnsStats;
  private readonly log: Logger;
  private closed = false;

  constructor(opts: ForwarderOptions) {
    const c = opts.config;
    this.router = new UpstreamRouter(c.resolvers, c.zoneResolvers);
    this.timeoutMs = (c.timeout > 0 ? c.timeout : 5) * 1000;
    this.inflight = new InFlight({
      maxWaiting: Math.max(1, c.maxForwardsInFlight),
      maxPerClient: Math.max(1, c.maxForwardsPerClient),
    });
    this.shape = { udpSize: c.ednsMaxUdpSize, setTruncateBit: c.setTruncateBit };
    this.stats = opts.stats;
    this.log = opts.log;
    this.latency = opts.latency ?? new ForwardLatency();
    this.cache =
      c.forwardCacheSize > 0 && c.forwardCacheBytes > 0
        ? new ForwardCache({ maxEntries: c.forwardCacheSize, maxBytes: c.forwardCacheBytes }, opts.now)
        : null;
  }

  /** Client queries waiting for an upstream (several may share one exchange). */
  get inFlight(): number {
    return this.inflight.size;
  }

  /** Upstream exchanges in flight. */
  get exchanges(): number {
    return this.inflight.exchanges;
  }

  /**
   * The reply to send now (a cache hit, REFUSED, or SERVFAIL when no exchange
   * can start), or null: then `cb` is called exactly once, later, from a
   * socket or timer event, never during this call.
   */
  forward<T>(query: Buffer, req: ForwardRequest, client: string, target: T, cb: ReplyCallback<T>): Buffer | null {
    this.stats.forwarded++;
    const key = questionKey(query, req);
    const hit = this.cache?.lookup(key) ?? null;
    if (hit !== null) {
      this.stats.cacheHits++;
      return this.reply(hit.answer, query, req, hit.ageSeconds);
    }
    const upstreams = this.router.route(query, req.qnameEnd);
    if (upstreams.length === 0) {
      this.stats.refused++;
      return errorFor(query, req, RCODE.REFUSED, this.shape.udpSize);
    }
    if (this.closed) return this.fail(query, req);
    if (!this.inflight.admits(client)) {
      this.stats.forwardLimited++;
      return this.fail(query, req);
    }
    const waiter: Waiter = {
      client,
      // A copy of what the reply needs: a TCP query may be a view of a 64 KB read.
      query: Buffer.from(query.subarray(0, req.questionEnd)),
      request: req,
      arrived: performance.now(),
      deliver: (reply) => cb(reply, target),
    };
    if (this.inflight.join(key, waiter)) return null;
    const exchange = new Exchange({
      query: upstreamQuery(query, req, this.shape.udpSize),
      questionEnd: req.questionEnd,
      upstreams,
      timeoutMs: this.timeoutMs,
      log: this.log,
      onAttempt: this.countAttempt,
      onIgnored: this.countIgnored,
      done: (answer) => this.settle(key, answer),
    });
    this.inflight.open(key, exchange, waiter);
    exchange.start();
    return null;
  }

  /** Stops every exchange; the clients waiting get SERVFAIL. */
  close(): Promise<void> {
    this.closed = true;
    for (const w of this.inflight.abortAll()) w.deliver(this.fail(w.query, w.request));
    return Promise.resolve();
  }

  private readonly countAttempt = (): void => {
    this.stats.upstreamQueries++;
  };

  private readonly countIgnored = (): void => {
    this.stats.upstreamRepliesIgnored++;
  };

  private settle(key: string, answer: UpstreamAnswer | null): void {
    const waiters = this.inflight.settle(key);
    if (answer === null) {
      for (const w of waiters) w.deliver(this.fail(w.query, w.request));
      return;
    }
    this.cache?.store(key, answer);
    const now = performance.now();
    for (const w of waiters) {
      this.latency.observe((now - w.arrived) / 1000);
      w.deliver(this.reply(answer, w.query, w.request, 0));
    }
  }

  private reply(answer: UpstreamAnswer, query: Buffer, client: ClientSide, ageSeconds: number): Buffer {
    if (!replyFits(answer, client)) this.stats.truncated++;
    return replyFor(answer, query, client, ageSeconds, this.shape);
  }

  private fail(query: Buffer, client: ClientSide): Buffer {
    this.stats.forwardFailures++;
    this.stats.servfail++;
    return errorFor(query, client, RCODE.SERVFAIL, this.shape.udpSize);
  }
}
