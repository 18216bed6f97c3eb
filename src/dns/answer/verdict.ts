/**
 * What the hot path (answer.ts) takes and gives: the settings a query is
 * answered under, and its verdict, a reply, a query for the forwarder (with
 * what was read of it, so it is not parsed twice) or a drop.
 */
import type { DnsStats } from '../stats/counters.js';

export interface AnswerContext {
  transport: 'udp' | 'tcp';
  /** lower-case, no trailing dot; used when no table is loaded yet */
  domain: string;
  /** recurseOn && externalOn */
  recursionAvailable: boolean;
  externalOn: boolean;
  setTruncateBit: boolean;
  ednsMaxUdpSize: number;
  stats: DnsStats;
  random?: () => number;
}

/** What `answer()` read from a query it hands to the forwarder, so the query is not parsed twice. */
export interface ForwardRequest {
  /** offset just past QNAME: its wire bytes are `query[12, qnameEnd)` */
  qnameEnd: number;
  /** offset just past the question */
  questionEnd: number;
  qtype: number;
  qclass: number;
  /** the query carried an OPT RR */
  edns: boolean;
  /** the DO bit of that OPT */
  dnssecOk: boolean;
  /** the query's CD bit */
  checkingDisabled: boolean;
  /** the largest reply the client accepts: its EDNS size within [512, ednsMaxUdpSize], 512 without OPT, 65535 over TCP */
  limit: number;
}

export type Verdict =
  { kind: 'reply'; reply: Buffer } | { kind: 'forward'; request: ForwardRequest } | { kind: 'drop' };
