/**
 * Prometheus metrics. Every value is read at scrape time from the plain counters
 * the DNS hot path bumps (`DnsStats`) and from `ServingState`, so nothing in
 * prom-client is touched per query. Uses its own Registry, never the global one.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics, type Metric } from 'prom-client';
import type { Config } from '../config/types.js';
import type { LatencySnapshot } from '../dns/stats/latency.js';
import type { DnsStats } from '../dns/stats/counters.js';
import type { ServingState } from '../serving.js';
import { freshSince } from './health.js';

export interface MetricsOptions {
  config: Config;
  serving: ServingState;
  stats: DnsStats;
  /** registers further collectors (e.g. the forward-latency histogram) on the same registry */
  extraMetrics?: (registry: Registry) => void;
  /** adds prom-client's process metrics (default true) */
  defaultMetrics?: boolean;
  now?: () => number;
}

const RESULTS = [
  'answered',
  'nxdomain',
  'nodata',
  'forwarded',
  'refused',
  'servfail',
  'formerr',
  'notimp',
  'dropped',
] as const;

/** Label values for QTYPEs; any other type is counted as `other` so a client cannot create unbounded series. */
const QTYPE_NAMES = new Map<number, string>([
  [1, 'A'],
  [2, 'NS'],
  [5, 'CNAME'],
  [6, 'SOA'],
  [12, 'PTR'],
  [15, 'MX'],
  [16, 'TXT'],
  [28, 'AAAA'],
  [33, 'SRV'],
  [35, 'NAPTR'],
  [43, 'DS'],
  [46, 'RRSIG'],
  [48, 'DNSKEY'],
  [64, 'SVCB'],
  [65, 'HTTPS'],
  [251, 'IXFR'],
  [252, 'AXFR'],
  [255, 'ANY'],
  [257, 'CAA'],
]);

/** The per-QTYPE counts with names, only types seen. */
export function qtypeCounts(byQtype: Float64Array): Map<string, number> {
  const out = new Map<string, number>();
  for (let t = 0; t < byQtype.length; t++) {
    const n = byQtype[t]!;
    if (n === 0) continue;
    const name = QTYPE_NAMES.get(t) ?? 'other';
    out.set(name, (out.get(name) ?? 0) + n);
  }
  return out;
}

export function createMetricsRegistry(opts: MetricsOptions): Registry {
  const { serving, stats, config } = opts;
  const now = opts.now ?? Date.now;
  const registry = new Registry();
  const registers = [registry];

  new Counter({
    name: 'mesos_dns_queries_total',
    help: 'DNS queries by outcome',
    labelNames: ['result'],
    registers,
    collect() {
      this.reset();
      for (const r of RESULTS) this.inc({ result: r }, stats[r]);
    },
  });
  new Counter({
    name: 'mesos_dns_queries_by_type_total',
    help: 'DNS queries by QTYPE (types not listed are counted as other)',
    labelNames: ['qtype'],
    registers,
    collect() {
      this.reset();
      for (const [qtype, n] of qtypeCounts(stats.byQtype)) this.inc({ qtype }, n);
    },
  });
  plainCounter(
    registry,
    'mesos_dns_truncated_total',
    'Replies that left out an answer or authority record (TC=1 unless SetTruncateBit is off); glue left out is not counted',
    () => stats.truncated,
  );
  plainCounter(
    registry,
    'mesos_dns_forward_failures_total',
    'Forwarded queries answered SERVFAIL: every upstream failed, or a limit was reached',
    () => stats.forwardFailures,
  );
  plainCounter(
    registry,
    'mesos_dns_forward_limited_total',
    'Forwarded queries answered SERVFAIL at once because maxForwardsInFlight or maxForwardsPerClient was reached',
    () => stats.forwardLimited,
  );
  plainCounter(
    registry,
    'mesos_dns_forward_cache_hits_total',
    'Forwarded queries answered from the cache',
    () => stats.cacheHits,
  );
  plainCounter(
    registry,
    'mesos_dns_forward_upstream_queries_total',
    'Queries sent to upstream resolvers (one per attempt; identical questions in flight share one)',
    () => stats.upstreamQueries,
  );
  plainCounter(
    registry,
    'mesos_dns_forward_replies_ignored_total',
    'Upstream messages ignored because their source, ID or question did not match a query of ours',
    () => stats.upstreamRepliesIgnored,
  );
  new Counter({
    name: 'mesos_dns_refresh_total',
    help: 'Refreshes of the record table by outcome',
    labelNames: ['result'],
    registers,
    collect() {
      this.reset();
      this.inc({ result: 'success' }, serving.refreshSuccesses);
      this.inc({ result: 'failure' }, serving.refreshFailures);
    },
  });
  new Counter({
    name: 'mesos_dns_view_renders_total',
    help: 'Renders of /v1/axfr and /v1/enumerate from the records, by view (a cached body is not counted)',
    labelNames: ['view'],
    registers,
    collect() {
      this.reset();
      for (const [view, n] of Object.entries(serving.viewRenders)) this.inc({ view }, n);
    },
  });
  plainGauge(registry, 'mesos_dns_refresh_duration_seconds', 'Duration of the last refresh attempt', () =>
    serving.lastOutcome ? serving.lastOutcome.durationMs / 1000 : 0,
  );
  plainGauge(registry, 'mesos_dns_table_loaded', '1 once a record table is being served', () =>
    serving.current ? 1 : 0,
  );
  plainGauge(
    registry,
    'mesos_dns_overlay_names',
    'Names the served overlay changes since its base table (records changed or removed by event stream updates)',
    () => serving.current?.table.overlayNames ?? 0,
  );
  plainCounter(
    registry,
    'mesos_dns_overlay_compactions_total',
    'New base tables built because the overlay of event stream changes had grown past its bound',
    () => serving.overlayCompactions,
  );
  plainGauge(
    registry,
    'mesos_dns_table_age_seconds',
    'Seconds since the served records were last confirmed by a successful refresh (0 before the first)',
    () => (serving.current ? Math.max(0, now() - freshSince(serving, now())) / 1000 : 0),
  );
  new Gauge({
    name: 'mesos_dns_http_only_names',
    help: 'Names /v1/hosts and /v1/services answer beside the DNS table, kept or left out over the bound',
    labelNames: ['state'],
    registers,
    collect() {
      this.reset();
      const h = serving.current?.httpNames;
      if (!h) return;
      this.set({ state: 'kept' }, h.hosts.size + h.services.size);
      this.set({ state: 'left_out' }, h.leftOut);
    },
  });
  new Gauge({
    name: 'mesos_dns_records',
    help: 'Record values in the served table by type',
    labelNames: ['type'],
    registers,
    collect() {
      this.reset();
      const c = serving.current?.counts;
      if (!c) return;
      this.set({ type: 'A' }, c.a);
      this.set({ type: 'AAAA' }, c.aaaa);
      this.set({ type: 'SRV' }, c.srv);
      this.set({ type: 'PTR' }, c.ptr);
    },
  });
  new Gauge({
    name: 'mesos_dns_leader_info',
    help: 'The Mesos leader the served state came from',
    labelNames: ['leader'],
    registers,
    collect() {
      this.reset();
      if (serving.current) this.set({ leader: serving.current.leader }, 1);
    },
  });
  if (config.zk !== '') {
    plainGauge(registry, 'mesos_dns_zookeeper_connected', '1 while the ZooKeeper session is connected', () =>
      serving.zkConnected ? 1 : 0,
    );
  }
  if (config.stateSource === 'stream') streamMetrics(registry, serving, now);
  if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  opts.extraMetrics?.(registry);
  return registry;
}

/**
 * The event stream, as the refresh worker last reported it (at most a second
 * old). Its counters start again with a new refresh worker, as a process's do.
 */
function streamMetrics(registry: Registry, serving: ServingState, now: () => number): void {
  labelledCounter(
    registry,
    'mesos_dns_stream_events_total',
    'Events received on the Mesos event stream, by type (SUBSCRIBED once per subscription, heartbeats included)',
    'type',
    () => serving.stream?.eventsByType,
  );
  plainCounter(
    registry,
    'mesos_dns_stream_subscriptions_total',
    'Subscriptions to the event stream that reached SUBSCRIBED (a reconnect is one more)',
    () => serving.stream?.subscriptions ?? 0,
  );
  plainCounter(
    registry,
    'mesos_dns_stream_failures_total',
    'Subscriptions that failed, and streams that ended; polls serve meanwhile',
    () => serving.stream?.failuresTotal ?? 0,
  );
  labelledCounter(
    registry,
    'mesos_dns_stream_builds_total',
    'Record tables built from the event stream: a new subscription (snapshot) or a batch of events (changes)',
    'kind',
    () => serving.stream?.builds,
  );
  labelledCounter(
    registry,
    'mesos_dns_stream_resyncs_total',
    'Full polls while subscribed, checked against the event stream: the stream had missed nothing (agreed), or the poll repaired what it had missed (repaired)',
    'outcome',
    () => serving.stream?.resyncs,
  );
  plainGauge(registry, 'mesos_dns_stream_subscribed', '1 while the event stream is subscribed (0: polls only)', () =>
    serving.stream?.state === 'subscribed' ? 1 : 0,
  );
  new Gauge({
    name: 'mesos_dns_stream_last_event_age_seconds',
    help: 'Seconds since the last event (heartbeats included) arrived on the event stream; absent before the first',
    registers: [registry],
    collect() {
      this.reset();
      const at = serving.stream?.lastEventAt ?? 0;
      if (at > 0) this.set(Math.max(0, now() - at) / 1000);
    },
  });
}

function plainCounter(registry: Registry, name: string, help: string, read: () => number): void {
  new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      this.reset();
      this.inc(read());
    },
  });
}

/** A counter with one label, one series per key of what `read` gives (none while it gives nothing). */
function labelledCounter(
  registry: Registry,
  name: string,
  help: string,
  label: string,
  read: () => Readonly<Record<string, number>> | undefined,
): void {
  new Counter({
    name,
    help,
    labelNames: [label],
    registers: [registry],
    collect() {
      this.reset();
      for (const [key, n] of Object.entries(read() ?? {})) this.inc({ [label]: key }, n);
    },
  });
}

function plainGauge(registry: Registry, name: string, help: string, read: () => number): void {
  new Gauge({
    name,
    help,
    registers: [registry],
    collect() {
      this.set(read());
    },
  });
}

export interface SnapshotHistogramOptions {
  name: string;
  help: string;
  /** bucket upper bounds; the snapshot has one more (non-cumulative) count, for +Inf */
  bounds: readonly number[];
  read: () => LatencySnapshot;
}

/**
 * A histogram whose buckets are kept as plain numbers elsewhere (e.g. `ForwardLatency`)
 * and turned into Prometheus form at scrape time. prom-client's Histogram can only
 * observe, so this registers a collector with the same shape it exposes; hand it to
 * `extraMetrics` as `(r) => registerSnapshotHistogram(r, {...})`.
 */
export function registerSnapshotHistogram(registry: Registry, opts: SnapshotHistogramOptions): void {
  const metric = {
    name: opts.name,
    help: opts.help,
    type: 'histogram',
    aggregator: 'sum',
    reset(): void {},
    async get() {
      const s = opts.read();
      const values: Array<{ metricName: string; labels: Record<string, string | number>; value: number }> = [];
      let cumulative = 0;
      for (let i = 0; i <= opts.bounds.length; i++) {
        cumulative += s.counts[i] ?? 0;
        const le = i < opts.bounds.length ? opts.bounds[i]! : '+Inf';
        values.push({ metricName: `${opts.name}_bucket`, labels: { le }, value: cumulative });
      }
      values.push({ metricName: `${opts.name}_sum`, labels: {}, value: s.sum });
      values.push({ metricName: `${opts.name}_count`, labels: {}, value: s.count });
      return { name: opts.name, help: opts.help, type: 'histogram', aggregator: 'sum', values };
    },
  };
  registry.registerMetric(metric as unknown as Metric);
}
