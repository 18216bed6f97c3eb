/**
 * `npm run bench:refresh`: the real program refreshes a synthetic 50,000-task
 * state back to back (refreshSeconds 1; each refresh takes longer, so they run
 * continuously) while this process queries it at a steady 2,000 queries/s over
 * UDP. Prints query latency (p50/p99/p99.9/max), lost queries and the refresh
 * durations. Target: no query waits longer than 50 ms.
 *
 *   npm run build && node dist/bench/refresh.js [tasks] [seconds] [-- <node options for the server>]
 *
 * Node options after `--` start the server's node with them (through
 * `MESOS_DNS_NODE_FLAGS`), to measure a tuning such as `--single-threaded-gc`.
 */
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { percentile } from './percentile.js';
import { damonState } from './damon.js';

const dashes = process.argv.indexOf('--');
const args = dashes < 0 ? process.argv.slice(2) : process.argv.slice(2, dashes);
const SERVER_NODE_OPTIONS = dashes < 0 ? [] : process.argv.slice(dashes + 1);
const TASKS = Number(args[0] ?? 50_000);
const SECONDS = Number(args[1] ?? 30);
const RATE = 2000;
const root = fileURLToPath(new URL('../..', import.meta.url));

function encodeQuery(id: number, name: string): Buffer {
  const labels = name.split('.').filter(Boolean);
  const q = Buffer.alloc(12 + labels.reduce((n, l) => n + l.length + 1, 0) + 5);
  q.writeUInt16BE(id, 0);
  q[2] = 1;
  q.writeUInt16BE(1, 4);
  let o = 12;
  for (const l of labels) {
    q[o++] = l.length;
    o += q.write(l, o, 'latin1');
  }
  q[o++] = 0;
  q.writeUInt16BE(1, o);
  q.writeUInt16BE(1, o + 2);
  return q;
}

const master = new Worker(new URL('./state-server.js', import.meta.url), {
  // Two states served in turn: an unchanged state would end every refresh after its fetch.
  workerData: { tasks: TASKS, alternate: true },
});
const { port: masterPort, bytes } = await new Promise<{ port: number; bytes: number }>((r) =>
  master.once('message', r),
);

const dir = mkdtempSync(join(tmpdir(), 'mesos-dns-bench-refresh-'));
const configFile = join(dir, 'config.json');
writeFileSync(
  configFile,
  JSON.stringify({
    masters: [`127.0.0.1:${masterPort}`],
    listener: '127.0.0.1',
    port: 0,
    httpOn: false,
    externalOn: false,
    refreshSeconds: 1,
  }),
);
const child = spawn(join(root, 'bin', 'mesos-dns'), [`-config=${configFile}`, '-v=1'], {
  stdio: ['ignore', 'pipe', 'inherit'],
  env: { ...process.env, MESOS_DNS_NODE_FLAGS: SERVER_NODE_OPTIONS.join(' ') },
});
const refreshes: Array<{ totalMs: number; fetchMs: number; generateMs: number; buildMs: number; renderMs: number }> =
  [];
let dnsPort = 0;
let firstRefresh: () => void = () => {};
const loaded = new Promise<void>((r) => (firstRefresh = r));
let pending = '';
child.stdout!.setEncoding('utf8');
child.stdout!.on('data', (chunk: string) => {
  pending += chunk;
  let nl: number;
  while ((nl = pending.indexOf('\n')) >= 0) {
    const line = pending.slice(0, nl);
    pending = pending.slice(nl + 1);
    let rec: Record<string, unknown>;
    try {
      rec = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    // DNS listens only once the first refresh has loaded a table.
    if (rec.msg === 'DNS listening') {
      dnsPort = Number(rec.udpPort);
      firstRefresh();
    }
    if (rec.msg === 'refresh done') refreshes.push(rec as unknown as (typeof refreshes)[number]);
  }
});
await loaded;

const names = Array.from({ length: 200 }, (_, i) => `app-${i}.marathon.mesos`);
const sock = createSocket('udp4');
await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
const sentAt = new Float64Array(65536);
const latencies: number[] = [];
let sent = 0;
let answered = 0;
sock.on('message', (msg) => {
  const id = msg.readUInt16BE(0);
  latencies.push(performance.now() - sentAt[id]!);
  answered++;
});

const refreshesBefore = refreshes.length;
const start = performance.now();
await new Promise<void>((resolve) => {
  // Sends on a fixed schedule (not "every N ms"), so a stalled loop on our side catches up instead of lowering the rate.
  const tick = () => {
    const elapsed = performance.now() - start;
    const due = Math.min(Math.floor((elapsed / 1000) * RATE), SECONDS * RATE);
    while (sent < due) {
      const id = sent & 0xffff;
      sentAt[id] = performance.now();
      sock.send(encodeQuery(id, names[sent % names.length]!), dnsPort, '127.0.0.1');
      sent++;
    }
    if (sent >= SECONDS * RATE) resolve();
    else setTimeout(tick, 1);
  };
  tick();
});
await new Promise((r) => setTimeout(r, 1000));
sock.close();
child.kill('SIGTERM');
master.postMessage('close');
rmSync(dir, { recursive: true, force: true });

latencies.sort((a, b) => a - b);
const during = refreshes.slice(refreshesBefore);
const r3 = (x: number) => Math.round(x * 1000) / 1000;
console.log(
  JSON.stringify(
    {
      tasks: TASKS,
      serverNodeOptions: SERVER_NODE_OPTIONS,
      damon: damonState(),
      stateBytes: bytes,
      seconds: SECONDS,
      rate: RATE,
      sent,
      answered,
      lost: sent - answered,
      latencyMs: {
        p50: r3(percentile(latencies, 50)),
        p99: r3(percentile(latencies, 99)),
        p999: r3(percentile(latencies, 99.9)),
        max: r3(latencies.at(-1) ?? NaN),
      },
      refreshesDuringRun: during.length,
      refreshMs: during.map((r) => Math.round(r.totalMs)),
      lastRefreshBreakdownMs: during.length
        ? Object.fromEntries(
            Object.entries(during.at(-1)!)
              .filter(([k]) => k.endsWith('Ms'))
              .map(([k, v]) => [k, Math.round(v as number)]),
          )
        : null,
    },
    null,
    2,
  ),
);
process.exit(0);
