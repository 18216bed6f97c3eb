import { randomFillSync } from 'node:crypto';
import type { Logger } from 'pino';
import { HDR_ID, TC } from '../../wire/constants.js';
import { keepAnswer, type UpstreamAnswer } from './reply.js';
import type { Upstream } from './router.js';
import { tcpAttempt } from './upstream-tcp.js';
import { udpAttempt } from './upstream-udp.js';
import type { AttemptCallback, IgnoredCallback } from './verify.js';

/** Query IDs from the system's CSPRNG, drawn in batches (RFC 5452 §9.2: an unpredictable ID per query). */
const ids = new Uint16Array(256);
let nextId = ids.length;

function randomId(): number {
  if (nextId === ids.length) {
    randomFillSync(ids);
    nextId = 0;
  }
  return ids[nextId++]!;
}

export interface ExchangeOptions {
  /** the query to send (`upstreamQuery`); each attempt sends a copy with an ID of its own */
  query: Buffer;
  questionEnd: number;
  /** tried in this order; never empty */
  upstreams: readonly Upstream[];
  /** for each attempt */
  timeoutMs: number;
  log: Logger;
  /** told of each attempt as it starts */
  onAttempt: () => void;
  onIgnored: IgnoredCallback;
  /** the kept answer, or null when every upstream failed; called once, from a socket or timer event */
  done: (answer: UpstreamAnswer | null) => void;
}

/**
 * One question asked upstream, as a resolver asks it: the upstreams in order,
 * each over UDP and, when its UDP reply is truncated, again over TCP (RFC 2181
 * §9), whatever transport the clients used. The first verified reply ends the
 * exchange whatever its RCODE; an attempt that times out or fails hands over
 * to the next upstream. Every attempt has a fresh random ID (and, over UDP, a
 * fresh socket and source port).
 */
export class Exchange {
  private stopAttempt: (() => void) | null = null;

  constructor(private readonly o: ExchangeOptions) {}

  /** Starts the first attempt; `done` is never called from here. */
  start(): void {
    this.attempt(0, false);
  }

  /** Ends the attempt in progress; `done` is not called. */
  abort(): void {
    this.stopAttempt?.();
    this.stopAttempt = null;
  }

  private attempt(i: number, tcp: boolean): void {
    const upstream = this.o.upstreams[i]!;
    const msg = Buffer.from(this.o.query);
    msg.writeUInt16BE(randomId(), HDR_ID);
    const onResult: AttemptCallback = (reply, failure) => {
      this.stopAttempt = null;
      if (reply !== null && !tcp && (reply.scan.flagsHi & TC) !== 0) return this.attempt(i, true);
      const answer = reply === null ? null : keepAnswer(reply);
      if (answer !== null) return this.o.done(answer);
      if (this.o.log.isLevelEnabled('debug')) {
        const why = reply === null ? failure : 'reply does not parse without its OPT';
        this.o.log.debug({ upstream: upstream.label, transport: tcp ? 'tcp' : 'udp', failure: why }, 'attempt failed');
      }
      if (i + 1 < this.o.upstreams.length) return this.attempt(i + 1, false);
      this.o.done(null);
    };
    this.o.onAttempt();
    const run = tcp ? tcpAttempt : udpAttempt;
    this.stopAttempt = run(msg, this.o.questionEnd, upstream, this.o.timeoutMs, this.o.onIgnored, onResult);
  }
}
