import { describe, expect, it } from 'vitest';
import { ForwardLatency } from '../../src/dns/stats/latency.js';
import { registerSnapshotHistogram } from '../../src/http/metrics.js';
import { ServingState } from '../../src/serving.js';
import { LEADER, httpFixtureConfig, fixtureSnapshot, loadedServing, request, serve } from './support.js';

/** `name{labels}` → value, from Prometheus text format. */
function parseMetrics(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

async function scrape(base: string): Promise<Map<string, number>> {
  const r = await request(base, '/metrics');
  expect(r.status).toBe(200);
  expect(r.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
  return parseMetrics(r.body);
}

describe('/metrics', () => {
  it('moves each counter by exactly the increments made to DnsStats and ServingState between scrapes', async () => {
    const { config, snapshot } = fixtureSnapshot('upstream-fake');
    const { base, stats, serving } = await serve(config, loadedServing(snapshot));
    stats.answered = 5;
    stats.byQtype[1] = 4;
    const before = await scrape(base);

    stats.answered += 3;
    stats.nxdomain += 2;
    stats.nodata += 1;
    stats.forwarded += 7;
    stats.refused += 1;
    stats.servfail += 2;
    stats.formerr += 1;
    stats.notimp += 4;
    stats.dropped += 6;
    stats.truncated += 2;
    stats.forwardFailures += 3;
    stats.cacheHits += 9;
    stats.upstreamQueries += 11;
    stats.forwardLimited += 13;
    stats.upstreamRepliesIgnored += 12;
    stats.byQtype[1]! += 2; // A
    stats.byQtype[28]! += 1; // AAAA
    stats.byQtype[33]! += 5; // SRV
    stats.byQtype[999]! += 1; // other
    stats.byQtype[4242]! += 2; // other
    serving.recordOutcome({ at: Date.now(), ok: false, error: { code: 'X', message: 'y' }, durationMs: 1500 });
    serving.recordOutcome({ at: Date.now(), ok: true, durationMs: 250 });
    serving.recordOutcome({ at: Date.now(), ok: true, durationMs: 125 });
    const after = await scrape(base);

    const delta = (k: string) => (after.get(k) ?? 0) - (before.get(k) ?? 0);
    const q = (r: string) => `mesos_dns_queries_total{result="${r}"}`;
    expect(before.get(q('answered'))).toBe(5);
    expect([3, 2, 1, 7, 1, 2, 1, 4, 6]).toEqual(
      ['answered', 'nxdomain', 'nodata', 'forwarded', 'refused', 'servfail', 'formerr', 'notimp', 'dropped'].map((r) =>
        delta(q(r)),
      ),
    );
    expect(delta('mesos_dns_truncated_total')).toBe(2);
    expect(delta('mesos_dns_forward_failures_total')).toBe(3);
    expect(delta('mesos_dns_forward_cache_hits_total')).toBe(9);
    expect(delta('mesos_dns_forward_upstream_queries_total')).toBe(11);
    expect(delta('mesos_dns_forward_limited_total')).toBe(13);
    expect(delta('mesos_dns_forward_replies_ignored_total')).toBe(12);
    expect(before.get('mesos_dns_queries_by_type_total{qtype="A"}')).toBe(4);
    expect(delta('mesos_dns_queries_by_type_total{qtype="A"}')).toBe(2);
    expect(delta('mesos_dns_queries_by_type_total{qtype="AAAA"}')).toBe(1);
    expect(delta('mesos_dns_queries_by_type_total{qtype="SRV"}')).toBe(5);
    expect(delta('mesos_dns_queries_by_type_total{qtype="other"}')).toBe(3);
    // Only types seen are listed.
    expect(before.has('mesos_dns_queries_by_type_total{qtype="AAAA"}')).toBe(false);
    expect(after.has('mesos_dns_queries_by_type_total{qtype="PTR"}')).toBe(false);
    expect(delta('mesos_dns_refresh_total{result="success"}')).toBe(2);
    expect(delta('mesos_dns_refresh_total{result="failure"}')).toBe(1);
    expect(after.get('mesos_dns_refresh_duration_seconds')).toBe(0.125);
  });

  it('reports the served table: records by type, leader, age, loaded', async () => {
    const { config, snapshot } = fixtureSnapshot('upstream-fake', Date.now() - 20_000);
    const { base } = await serve(config, loadedServing(snapshot));
    const m = await scrape(base);
    expect(m.get('mesos_dns_records{type="A"}')).toBe(snapshot.counts.a);
    expect(m.get('mesos_dns_records{type="AAAA"}')).toBe(snapshot.counts.aaaa);
    expect(m.get('mesos_dns_records{type="SRV"}')).toBe(snapshot.counts.srv);
    expect(m.get('mesos_dns_records{type="PTR"}')).toBe(snapshot.counts.ptr);
    expect(snapshot.counts.a).toBeGreaterThan(0);
    expect(m.get(`mesos_dns_leader_info{leader="${LEADER}"}`)).toBe(1);
    expect(m.get('mesos_dns_table_loaded')).toBe(1);
    // A table from a poll has no overlay.
    expect(m.get('mesos_dns_overlay_names')).toBe(0);
    expect(m.get('mesos_dns_overlay_compactions_total')).toBe(0);
    expect(m.get('mesos_dns_table_age_seconds')).toBeGreaterThanOrEqual(20);
    expect(m.get('mesos_dns_table_age_seconds')).toBeLessThan(3600);
    expect(m.has('mesos_dns_zookeeper_connected')).toBe(false);
    expect(m.has('process_cpu_user_seconds_total')).toBe(true);
  });

  it('reports the names only HTTP answers, kept and left out', async () => {
    const { config, snapshot } = fixtureSnapshot('docker-mesos-120');
    const { base } = await serve(config, loadedServing(snapshot));
    const m = await scrape(base);
    const kept = snapshot.httpNames.hosts.size + snapshot.httpNames.services.size;
    expect(kept).toBeGreaterThan(0);
    expect(m.get('mesos_dns_http_only_names{state="kept"}')).toBe(kept);
    expect(m.get('mesos_dns_http_only_names{state="left_out"}')).toBe(0);
  });

  it('has no table values before the first load, and a ZooKeeper gauge in zk mode', async () => {
    const config = httpFixtureConfig('upstream-fake');
    config.zk = 'zk://127.0.0.1:2181/mesos';
    const serving = new ServingState();
    const { base } = await serve(config, serving);
    let m = await scrape(base);
    expect(m.get('mesos_dns_table_loaded')).toBe(0);
    expect(
      [...m.keys()].some((k) => k.startsWith('mesos_dns_records{') || k.startsWith('mesos_dns_leader_info{')),
    ).toBe(false);
    expect(m.get('mesos_dns_zookeeper_connected')).toBe(0);
    serving.zkConnected = true;
    m = await scrape(base);
    expect(m.get('mesos_dns_zookeeper_connected')).toBe(1);
  });

  it('adds collectors through extraMetrics, e.g. the forward-latency histogram', async () => {
    const latency = new ForwardLatency();
    const config = httpFixtureConfig('upstream-fake');
    const { base } = await serve(config, new ServingState(), {
      extraMetrics: (registry) =>
        registerSnapshotHistogram(registry, {
          name: 'mesos_dns_forward_latency_seconds',
          help: 'Latency of forwarded queries',
          bounds: latency.bounds,
          read: () => latency.snapshot(),
        }),
    });
    latency.observe(0.003);
    latency.observe(0.003);
    latency.observe(0.2);
    latency.observe(30);
    const m = await scrape(base);
    const b = (le: string) => m.get(`mesos_dns_forward_latency_seconds_bucket{le="${le}"}`);
    expect([b('0.001'), b('0.005'), b('0.1'), b('0.25'), b('10'), b('+Inf')]).toEqual([0, 2, 2, 3, 3, 4]);
    expect(m.get('mesos_dns_forward_latency_seconds_count')).toBe(4);
    expect(m.get('mesos_dns_forward_latency_seconds_sum')).toBeCloseTo(30.206, 9);
  });
});
