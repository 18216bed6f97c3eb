import { afterEach, describe, expect, it } from 'vitest';
import { dig } from '../helpers/dig.js';
import { parseAxfr } from '../helpers/fixtures.js';
import { startMesosDns, testConfig, type MesosDnsProcess } from '../helpers/mesos-dns-process.js';
import { StreamMaster, type StreamMasterOptions } from '../helpers/stream-master.js';
import type { V0Cluster } from '../helpers/v0-cluster.js';
import { waitFor } from '../helpers/wait.js';

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

/** upstream-fake's marathon framework and one of its agents */
const MARATHON = '20140703-014514-3041283216-5050-5348-0000';
const AGENT = '20140916-194712-631065744-5050-4798-2';
/** a running marathon task named nginx, at 10.3.0.3 */
const NGINX = 'nginx.1bc32344-3dda-11e4-a088-c20493233aa5';

async function streamMaster(opts: StreamMasterOptions = {}): Promise<StreamMaster> {
  const m = await StreamMaster.start(opts);
  cleanup.push(() => m.close());
  return m;
}

/** A mesos-dns whose only poll is the one at start (refreshSeconds 60): anything later comes from the stream. */
async function mesosDns(m: StreamMaster, extra: Record<string, unknown> = {}): Promise<MesosDnsProcess> {
  const s = await startMesosDns(testConfig({ masters: [m.address], refreshSeconds: 60, ...extra }));
  cleanup.push(() => s.stop());
  return s;
}

function subscribed(s: MesosDnsProcess, from = 0): Promise<unknown> {
  return s.waitForLog((r) => r.msg === 'subscribed to the event stream', 20_000, from);
}

/** A new task `<name>` on marathon, added and then running at `ip`: its two events. */
function startTask(cluster: V0Cluster, name: string, ip: string): unknown[] {
  const id = `${name}.1`;
  return [
    cluster.addTask(MARATHON, { id, name, slave_id: AGENT, state: 'TASK_STAGING', statuses: [] }),
    cluster.runTask(MARATHON, id, [ip]),
  ];
}

async function addresses(s: MesosDnsProcess, name: string): Promise<string[]> {
  const d = await dig(s.udpPort, [`${name}.marathon.mesos.`, 'A']);
  return d.answer.map((rr) => rr[4]!);
}

function statePolls(m: StreamMaster): number {
  return m.requests.filter((r) => r.path === '/master/state').length;
}

async function axfrRecords(s: MesosDnsProcess): Promise<unknown> {
  return parseAxfr(await (await fetch(`http://127.0.0.1:${s.httpPort}/v1/axfr`)).text()).records;
}

describe('refreshes driven by the event stream', () => {
  it('answers a task added at the master, and forgets one killed, without polling', async () => {
    const m = await streamMaster();
    const s = await mesosDns(m);
    await subscribed(s);
    const polls = statePolls(m);

    for (const event of startTask(m.cluster, 'fresh', '10.77.0.1')) m.push(event);
    const added = await waitFor('fresh in DNS', () => addresses(s, 'fresh'), {
      until: (a) => a.includes('10.77.0.1'),
      timeoutMs: 5000,
    });
    m.change((c) => c.killTask(MARATHON, 'fresh.1'));
    const killed = await waitFor('fresh gone from DNS', () => addresses(s, 'fresh'), {
      until: (a) => a.length === 0,
      timeoutMs: 5000,
    });
    // Not a benchmark (bench/freshness.ts is): the figures are shown to follow the bound of about a second.
    console.info(`stream e2e: added task answered after ${added.ms} ms, killed task gone after ${killed.ms} ms`);
    expect(statePolls(m)).toBe(polls);

    const ready = (await (await fetch(`http://127.0.0.1:${s.httpPort}/ready`)).json()) as Record<string, unknown>;
    expect(ready).toMatchObject({ ready: true, source: 'stream', stream: 'subscribed' });
    // The worker reports its counters at most once a second.
    const { value: metrics } = await waitFor(
      'the events in /metrics',
      async () => (await fetch(`http://127.0.0.1:${s.httpPort}/metrics`)).text(),
      { until: (text) => /^mesos_dns_stream_events_total\{type="TASK_UPDATED"\} 2$/m.test(text) },
    );
    expect(metrics).toMatch(/^mesos_dns_stream_subscribed 1$/m);
    expect(metrics).toMatch(/^mesos_dns_stream_subscriptions_total 1$/m);
    expect(metrics).toMatch(/^mesos_dns_stream_events_total\{type="TASK_ADDED"\} 1$/m);
    expect(metrics).toMatch(/^mesos_dns_stream_events_total\{type="TASK_UPDATED"\} 2$/m);
    expect(metrics).toMatch(/^mesos_dns_stream_builds_total\{kind="changes"\} [1-9]/m);
    expect(metrics).toMatch(/^mesos_dns_stream_last_event_age_seconds \d/m);
  });

  it('follows stream changes in PTR answers (ptrOn) and in the names only /v1/hosts answers', async () => {
    const m = await streamMaster();
    const plain = await mesosDns(m);
    const withPtr = await mesosDns(m, { ptrOn: true });
    await Promise.all([subscribed(plain), subscribed(withPtr)]);
    const ptrs = async () =>
      (await dig(withPtr.udpPort, ['-x', '10.77.0.5'])).answer.filter((rr) => rr[3] === 'PTR').map((rr) => rr[4]);
    // A DiscoveryInfo name with a space cannot go on the wire: only HTTP answers it, as Go does.
    const hosts = async () =>
      (await (await fetch(`http://127.0.0.1:${plain.httpPort}/v1/hosts/odd%20name.marathon.mesos`)).json()) as Array<{
        ip: string;
      }>;

    const id = 'ptr-task.1';
    m.push(
      m.cluster.addTask(MARATHON, {
        id,
        name: 'ptr-task',
        slave_id: AGENT,
        state: 'TASK_STAGING',
        statuses: [],
        discovery: { visibility: 'FRAMEWORK', name: 'odd name' },
      }),
    );
    m.push(m.cluster.runTask(MARATHON, id, ['10.77.0.5']));
    // The target is the canonical name made from the sanitised DiscoveryInfo name.
    await waitFor('the PTR record', ptrs, {
      until: (p) => p.length === 1 && /^oddname-[a-z0-9]+-[a-z0-9]+\.marathon\.mesos\.$/.test(p[0]!),
      timeoutMs: 5000,
    });
    await waitFor('the HTTP-only name', hosts, { until: (h) => h.some((x) => x.ip === '10.77.0.5'), timeoutMs: 5000 });

    m.change((c) => c.killTask(MARATHON, id));
    await waitFor('the PTR record gone', ptrs, { until: (p) => p.length === 0, timeoutMs: 5000 });
    await waitFor('the HTTP-only name gone', hosts, { until: (h) => h.every((x) => x.ip === ''), timeoutMs: 5000 });
  });

  it('polls every refreshSeconds when the master has no event stream (404), and says so', async () => {
    const m = await streamMaster();
    m.answerSubscribe(404);
    const s = await mesosDns(m, { refreshSeconds: 1 });
    await s.waitForLog((r) => r.msg === 'state source: a poll every 1s until the event stream is back');

    startTask(m.cluster, 'polled', '10.77.0.2');
    await waitFor('polled in DNS', () => addresses(s, 'polled'), { until: (a) => a.includes('10.77.0.2') });
    const ready = (await (await fetch(`http://127.0.0.1:${s.httpPort}/ready`)).json()) as Record<string, unknown>;
    expect(ready).toMatchObject({ ready: true, source: 'poll', stream: 'unsupported' });
    const { value: metrics } = await waitFor(
      'the failures in /metrics',
      async () => (await fetch(`http://127.0.0.1:${s.httpPort}/metrics`)).text(),
      { until: (text) => /^mesos_dns_stream_failures_total [1-9]/m.test(text) },
    );
    expect(metrics).toMatch(/^mesos_dns_stream_subscribed 0$/m);
  });

  it('resubscribes after the stream drops and loses no change made meanwhile: the table equals a poll', async () => {
    const m = await streamMaster();
    const s = await mesosDns(m);
    await subscribed(s);
    const logged = s.logs.length;

    m.dropStreams();
    await waitFor('the stream closed', () => m.openStreams, { until: (n) => n === 0 });
    // Changes the dropped stream never carried.
    startTask(m.cluster, 'meanwhile', '10.77.0.3');
    m.cluster.killTask(MARATHON, m.cluster.framework(MARATHON).tasks![0]!.id);
    await subscribed(s, logged);
    await waitFor('meanwhile in DNS', () => addresses(s, 'meanwhile'), { until: (a) => a.includes('10.77.0.3') });

    const polled = await startMesosDns(testConfig({ masters: [m.address], stateSource: 'poll' }));
    cleanup.push(() => polled.stop());
    expect(await axfrRecords(s)).toEqual(await axfrRecords(polled));
  });

  it('repairs from the full poll what no event reported, keeps it through later events, and builds nothing else', async () => {
    const m = await streamMaster();
    const s = await mesosDns(m, { refreshSeconds: 1 });
    await subscribed(s);
    expect(await addresses(s, 'nginx')).toEqual(['10.3.0.3']);
    // The master renames a task under the same id: the stream carries no event for that.
    m.cluster.task(MARATHON, NGINX).name = 'renamed';
    await waitFor('renamed in DNS', () => addresses(s, 'renamed'), { until: (a) => a.includes('10.3.0.3') });
    expect(await addresses(s, 'nginx')).toEqual([]);

    for (const event of startTask(m.cluster, 'later', '10.77.0.9')) m.push(event);
    await waitFor('later in DNS', () => addresses(s, 'later'), { until: (a) => a.includes('10.77.0.9') });
    expect(await addresses(s, 'renamed')).toEqual(['10.3.0.3']);

    // Polls that find the stream current swap nothing in; the one repair was an overlay, not a new table.
    const { value: metrics } = await waitFor(
      'the checks in /metrics',
      async () => (await fetch(`http://127.0.0.1:${s.httpPort}/metrics`)).text(),
      { until: (text) => /^mesos_dns_stream_resyncs_total\{outcome="agreed"\} [1-9]/m.test(text) },
    );
    expect(metrics).toMatch(/^mesos_dns_stream_resyncs_total\{outcome="repaired"\} 1$/m);
    const tables = s.logs.filter((r) => r.msg === 'refresh done' && r.source === 'poll' && r.unchanged === undefined);
    expect(tables.map((r) => r.overlayNames === undefined)).toEqual([true, false]);
  });

  it('resubscribes when the stream goes silent for three heartbeats', async () => {
    const m = await streamMaster({ heartbeatSeconds: 0.3 });
    const s = await mesosDns(m);
    await subscribed(s);
    const logged = s.logs.length;

    m.silence();
    startTask(m.cluster, 'quiet', '10.77.0.4');
    await s.waitForLog((r) => r.msg === 'event stream ended' && r.err !== undefined, 20_000, logged);
    await subscribed(s, logged);
    await waitFor('quiet in DNS', () => addresses(s, 'quiet'), { until: (a) => a.includes('10.77.0.4') });
    expect(m.subscribeRequests().length).toBeGreaterThanOrEqual(2);
  });

  it('stops and starts the stream when SIGHUP switches stateSource', async () => {
    const m = await streamMaster();
    const config = testConfig({ masters: [m.address], refreshSeconds: 60 });
    const s = await startMesosDns(config);
    cleanup.push(() => s.stop());
    await subscribed(s);
    const ready = async () => (await (await fetch(`http://127.0.0.1:${s.httpPort}/ready`)).json()) as unknown;

    s.writeConfig({ ...config, stateSource: 'poll' });
    let from = s.logs.length;
    s.proc.kill('SIGHUP');
    await s.waitForRefresh(from);
    await waitFor('the stream closed', () => m.openStreams, { until: (n) => n === 0 });
    expect(await ready()).toMatchObject({ ready: true, source: 'poll', stream: null });

    s.writeConfig({ ...config, stateSource: 'stream' });
    from = s.logs.length;
    s.proc.kill('SIGHUP');
    await subscribed(s, from);
    await waitFor('/ready on the stream', ready, {
      until: (r) => (r as { source?: string }).source === 'stream',
    });
  });
});
