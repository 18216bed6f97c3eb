import type { Config } from '../../config/types.js';
import type { RecordTable } from '../../table/table.js';
import { answer, type AnswerContext } from './answer.js';
import type { Forwarder, ReplyCallback } from '../forward/forwarder.js';
import type { DnsStats } from '../stats/counters.js';
import { servfailFor } from '../../wire/reply.js';

/** Where the current table is read from, per query (`ServingState` is one). */
export interface TableSource {
  readonly current: { readonly table: RecordTable } | null;
}

export type DispatchConfig = Pick<Config, 'domain' | 'recurseOn' | 'externalOn' | 'setTruncateBit' | 'ednsMaxUdpSize'>;

/**
 * The one decision point shared by the UDP and TCP servers: `answer()` on the
 * current table, then reply now, hand the query to the forwarder, or drop.
 * The two contexts are built once, so a query allocates nothing here.
 */
export class QueryDispatcher {
  /**
   * Whether the last dispatch() handed its query to the forwarder (its reply
   * then comes through `later`, possibly already during the call).
   */
  lastForwarded = false;
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
   * The reply to send at once, or null when there is nothing to send now:
   * the query was dropped, or it was forwarded and `later(reply, target)` will
   * be called when the upstream answers.
   */
  dispatch<T>(query: Buffer, transport: 'udp' | 'tcp', target: T, later: ReplyCallback<T>): Buffer | null {
    this.lastForwarded = false;
    const current = this.tables.current;
    const verdict = answer(
      query,
      current === null ? null : current.table,
      transport === 'udp' ? this.udpCtx : this.tcpCtx,
    );
    if (verdict.kind === 'reply') return verdict.reply;
    if (verdict.kind === 'drop') return null;
    if (this.forwarder === null) {
      // answer() forwards only when externalOn, and then a forwarder exists;
      // this guards a miswired server rather than a normal path.
      this.stats.servfail++;
      return servfailFor(query);
    }
    this.lastForwarded = true;
    this.forwarder.forward(query, transport, verdict.qname, verdict.udpLimit, target, later);
    return null;
  }
}
