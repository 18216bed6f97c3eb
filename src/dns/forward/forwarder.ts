import { randomInt } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { Config } from '../../config/types.js';
import type { DnsStats } from '../stats/counters.js';
import { ForwardCache, cacheKey } from './cache.js';
import { ForwardLatency } from '../stats/latency.js';
import { scanMessage, sameQuestion, type MessageScan } from '../../wire/scan.js';
import { fitReply } from './relay.js';
import { tcpExchange } from './tcp-upstream.js';
import { UdpUpstreamPool, type ExchangeCallback } from './udp-upstream.js';
import { UpstreamRouter, type Upstream } from './router.js';
import { CD, HDR_FLAGS_LO, HEADER_LEN, OPT_TTL_DO, QR, RCODE, RCODE_MASK, RD } from '../../wire/constants.js';
import { servfailFor } from '../../wire/reply.js';
import type { ForwardRequest } from '../answer/answer.js';

export type ForwarderConfig = Pick<
  Config,
  | 'resolvers'
  | 'zoneResolvers'
  | 'timeout'
  | 'setTruncateBit'
  | 'maxForwardsInFlight'
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
  /** UDP sockets per address family shared by all forwarded queries (default 4) */
  udpSockets?: number;
}

/** Receives the reply for the client together with the caller's own target (socket, address). */
export type ReplyCallback<T> = (reply: Buffer, target: T) => void;

/**
 * Relays queries outside the domain to upstream resolvers (RFC 5625: the
 * reply's bytes as received, with the client's ID), trying them in order,
 * over the client's transport, with a cache in front and a cap on queries in
 * flight. Never throws, and calls back exactly once for any query `answer()`
 * chose to forward (only a message without a readable header gets no reply).
 */
export class Forwarder {
  readonly latency: ForwardLatency;
  readonly cache: ForwardCache | null;
  private readonly router: UpstreamRouter;
  private readonly pool: UdpUpstreamPool;
  private readonly tcpAborts = new Set<() => void>();
  private readonly timeoutMs: number;
  private readonly maxInFlight: number;
  private readonly setTruncateBit: boolean;
  private readonly ednsMaxUdpSize: number;
  private readonly stats: DnsStats;
  private readonly log: Logger;
  private active = 0;
  private closed = false;

  constructor(opts: ForwarderOptions) {
    const c = opts.config;
    this.router = new UpstreamRouter(c.resolvers, c.zoneResolvers);
    this.timeoutMs = (c.timeout > 0 ? c.timeout : 5) * 1000;
    this.maxInFlight = Math.max(1, c.maxForwardsInFlight);
    this.setTruncateBit = c.setTruncateBit;
    this.ednsMaxUdpSize = c.ednsMaxUdpSize;
    this.stats = opts.stats;
    this.log = opts.log;
    this.latency = opts.latency ?? new ForwardLatency();
    this.cache =
      c.forwardCacheSize > 0 && c.forwardCacheBytes > 0
        ? new ForwardCache({ maxEntries: c.forwardCacheSize, maxBytes: c.forwardCacheBytes }, opts.now)
        : null;
    this.pool = new UdpUpstreamPool({ socketsPerFamily: opts.udpSockets ?? 4, log: opts.log });
  }

  /** Forwarded queries waiting for an upstream. */
  get inFlight(): number {
    return this.active;
  }

  /** Open upstream UDP sockets (bounded by the pool size, whatever the load). */
  get udpSocketCount(): number {
    return this.pool.socketCount;
  }

  /**
   * The reply to send now (a cache hit, REFUSED, or SERVFAIL when no exchange
   * can start), or null: then `cb` is called exactly once, later, from a
   * socket or timer event, never during this call.
   */
  forward<T>(query: Buffer, req: ForwardRequest, _client: string, target: T, cb: ReplyCallback<T>): Buffer | null {
    this.stats.forwarded++;
    const q = scanMessage(query);
    if (q === null || q.qdcount === 0) return this.fail(query);
    const transport = req.transport;
    const qname = presentationName(query, req.qnameEnd);
    const limit = req.limit;
    let key = '';
    if (this.cache !== null) {
      key = cacheKey({
        qname,
        qtype: query.readUInt16BE(q.questionEnd - 4),
        qclass: query.readUInt16BE(q.questionEnd - 2),
        transport,
        edns: q.optStart >= 0,
        dnssecOk: (q.optTtl & OPT_TTL_DO) !== 0,
        rd: (q.flagsHi & RD) !== 0,
        cd: (q.flagsLo & CD) !== 0,
      });
      const hit = this.cache.lookup(key, query, q.questionEnd);
      if (hit !== null) {
        this.stats.cacheHits++;
        return fitReply(hit.reply, hit.scan, limit, this.setTruncateBit);
      }
    }
    const upstreams = this.router.route(query, req.qnameEnd);
    if (upstreams.length === 0) {
      this.stats.refused++;
      const refused = servfailFor(query, this.ednsMaxUdpSize);
      if (refused === null) return null;
      refused[HDR_FLAGS_LO] = (refused[HDR_FLAGS_LO]! & ~RCODE_MASK) | RCODE.REFUSED;
      return refused;
    }
    if (this.active >= this.maxInFlight || this.closed) return this.fail(query);
    this.active++;
    const started = performance.now();
    const attempt = (i: number): void => {
      const upstream = upstreams[i]!;
      const onReply: ExchangeCallback = (reply, failure) => {
        const s = reply === null ? null : this.validate(reply, query, q);
        if (reply !== null && s !== null) {
          this.active--;
          this.latency.observe((performance.now() - started) / 1000);
          reply[0] = query[0]!;
          reply[1] = query[1]!;
          if (this.cache !== null) this.cache.store(key, reply, s);
          return cb(fitReply(reply, s, limit, this.setTruncateBit), target);
        }
        if (this.log.isLevelEnabled('debug')) {
          this.log.debug(
            { upstream: upstream.label, qname, failure: failure || 'bad reply' },
            'forward attempt failed',
          );
        }
        if (i + 1 < upstreams.length && !this.closed) return attempt(i + 1);
        this.active--;
        const failed = this.fail(query);
        if (failed !== null) cb(failed, target);
      };
      this.send(query, transport, upstream, onReply);
    };
    attempt(0);
    return null;
  }

  close(): Promise<void> {
    this.closed = true;
    for (const abort of [...this.tcpAborts]) abort();
    return this.pool.close();
  }

  private send(query: Buffer, transport: 'udp' | 'tcp', upstream: Upstream, cb: ExchangeCallback): void {
    if (transport === 'udp') return this.pool.exchange(query, upstream, this.timeoutMs, cb);
    const msg = Buffer.from(query);
    msg.writeUInt16BE(randomInt(0x10000), 0);
    const abort = tcpExchange(msg, upstream, this.timeoutMs, (reply, failure) => {
      this.tcpAborts.delete(abort);
      cb(reply, failure);
    });
    this.tcpAborts.add(abort);
  }

  /** The scan of a usable reply to `query`: a response that parses and carries the same question. */
  private validate(reply: Buffer, query: Buffer, q: MessageScan): MessageScan | null {
    const s = scanMessage(reply);
    if (s === null || (s.flagsHi & QR) === 0 || s.qdcount !== 1) return null;
    if (!sameQuestion(reply, s.questionEnd, query, q.questionEnd)) return null;
    return s;
  }

  private fail(query: Buffer): Buffer | null {
    this.stats.forwardFailures++;
    this.stats.servfail++;
    return servfailFor(query, this.ednsMaxUdpSize);
  }
}

/**
 * The question name in presentation form, ASCII-lower-cased, for the cache key. Dots and backslashes inside a label and bytes that are not
 * printable ASCII are escaped (`\.`, `\\`, `\DDD`), so a one-label name holding
 * `www.google.com` can never share a key with the real name.
 */
function presentationName(query: Uint8Array, qnameEnd: number): string {
  let name = '';
  for (let at = HEADER_LEN; at < qnameEnd - 1; at += query[at]! + 1) {
    if (at > HEADER_LEN) name += '.';
    for (let j = at + 1, end = at + 1 + query[at]!; j < end; j++) {
      let b = query[j]!;
      if (b >= 0x41 && b <= 0x5a) b |= 0x20;
      if (b === 0x2e || b === 0x5c) name += '\\' + String.fromCharCode(b);
      else if (b < 0x21 || b > 0x7e) name += '\\' + String(b).padStart(3, '0');
      else name += String.fromCharCode(b);
    }
  }
  return name;
}
