import type { Config } from '../../config/types.js';
import type { TableView } from '../../table/live.js';
import { servfailFor } from '../../wire/reply.js';
import type { Forwarder, ReplyCallback } from '../forward/forwarder.js';
import type { DnsStats } from '../stats/counters.js';
import { answer } from './answer.js';
import type { AnswerContext } from './verdict.js';

/** Where the current table is read from, per query (`ServingState` is one). */
export interface TableSource {
  readonly current: { readonly table: TableView } | null;
}

export type DispatchConfig = Pick<Config, 'domain' | 'recurseOn' | 'externalOn' | 'setTruncateBit' | 'ednsMaxUdpSize'>;

/**
 * What became of one query: a reply to send now; handed to the forwarder,
 * whose reply arrives later through the callback (never during `dispatch`);
 * or dropped without a reply.
 */
export type Dispatched = { kind: 'reply'; reply: Buffer } | { kind: 'forwarded' } | { kind: 'dropped' };

const FORWARDED: Dispatched = Object.freeze({ kind: 'forwarded' });
const DROPPED: Dispatched = Object.freeze({ kind: 'dropped' });

/**
 * The one decision point shared by the UDP and TCP servers: `answer()` on the
 * current table, then reply now, hand the query to the forwarder, or drop.
 * The two contexts are built once, so a local answer allocates nothing here.
 */
export class QueryDispatcher {
  private readonly udpCtx: AnswerContext;
  private readonly tcpCtx: AnswerContext;

  constructor(
    config: DispatchConfig,
    private readonly tables: TableSource,
    private readonly stats: DnsStats,
    private readonly forwarder: Forwarder | null,
  ) {
    const base = {
      domain: config.domain,
      recursionAvailable: config.recurseOn && config.externalOn,
      externalOn: config.externalOn,
      setTruncateBit: config.setTruncateBit,
      ednsMaxUdpSize: config.ednsMaxUdpSize,
      stats,
    };
    this.udpCtx = { ...base, transport: 'udp' };
    this.tcpCtx = { ...base, transport: 'tcp' };
  }

  /**
   * `client` is the sender's address (the forwarder's per-client quota);
   * `later(reply, target)` receives the reply of a forwarded query.
   */
  dispatch<T>(query: Buffer, transport: 'udp' | 'tcp', client: string, target: T, later: ReplyCallback<T>): Dispatched {
    const current = this.tables.current;
    const verdict = answer(
      query,
      current === null ? null : current.table,
      transport === 'udp' ? this.udpCtx : this.tcpCtx,
    );
    if (verdict.kind === 'reply') return verdict;
    if (verdict.kind === 'drop') return DROPPED;
    if (this.forwarder === null) {
      // answer() forwards only when externalOn, and then a forwarder exists;
      // this guards a miswired server rather than a normal path.
      this.stats.servfail++;
      const reply = servfailFor(query);
      return reply === null ? DROPPED : { kind: 'reply', reply };
    }
    const outcome = this.forwarder.forward(query, verdict.request, client, target, later);
    return outcome === null ? FORWARDED : { kind: 'reply', reply: outcome };
  }
}
