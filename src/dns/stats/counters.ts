/**
 * Plain counters bumped on the DNS hot path. They are read (never reset) by the
 * metrics endpoint at scrape time, so counting costs one increment per query.
 */
export class DnsStats {
  /** replies with at least one answer RR */
  answered = 0;
  nxdomain = 0;
  /** NOERROR with an empty ANSWER section */
  nodata = 0;
  forwarded = 0;
  refused = 0;
  servfail = 0;
  formerr = 0;
  notimp = 0;
  /** queries dropped without a reply (QR=1, shorter than a header) */
  dropped = 0;
  /** replies that left out an answer or authority record: TC=1, unless SetTruncateBit is off (glue left out does not count) */
  truncated = 0;
  /** forwarded queries answered SERVFAIL: every upstream failed, or a limit was reached */
  forwardFailures = 0;
  /** of those, the ones answered at once because maxForwardsInFlight or maxForwardsPerClient was reached */
  forwardLimited = 0;
  cacheHits = 0;
  /** queries sent to upstreams (each attempt, UDP or TCP) */
  upstreamQueries = 0;
  /** upstream messages ignored: wrong source, ID or question, or unreadable */
  upstreamRepliesIgnored = 0;
  /** queries seen, indexed by QTYPE */
  readonly byQtype = new Float64Array(65536);
}
