/**
 * DNS serving benchmark: a child process serves a synthetic 5,000-task table on
 * loopback and `dnsperf` (Debian package `dnsperf`) queries it (a) as fast as it
 * can and (b) at a fixed 2,000 queries/s, printing throughput and latency.
 *
 *   npm run build && node dist/bench/dns.js [--tasks 5000] [--seconds 10] [--workers 1] [-- <node options for the server>]
 *
 * Node options after `--` start the server's node with them, as bench:refresh
 * does, to measure a setting an operator can give through MESOS_DNS_NODE_FLAGS
 * such as the UDP send batching (`-- --test-udp-no-try-send`; README, "Running it").
 *
 * (c) runs (b)'s fixed rate once more against a minimal Node UDP echo server
 * (bench/udp-echo-child.ts): the same machine, Node UDP path and dnsperf
 * without any of our code, so that (b)'s p99 can be read against this
 * machine's floor at that moment.
 *
 * Targets: ≥ 60,000 q/s from one process; p99 ≤ 0.5 ms at 2,000 q/s.
 */
import { spawn, execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { syntheticCluster } from './synthetic-records.js';
import { percentile } from './percentile.js';
import { damonState } from './damon.js';

const dashes = process.argv.indexOf('--');
const args = dashes < 0 ? process.argv : process.argv.slice(0, dashes);
const SERVER_NODE_OPTIONS = dashes < 0 ? [] : process.argv.slice(dashes + 1);

function arg(name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
}

const TASKS = arg('tasks', 5000);
const SECONDS = arg('seconds', 10);
const WORKERS = arg('workers', 1);
const FIXED_QPS = 2000;

/** Deterministic mix: 60 % existing A, 25 % existing SRV, 15 % missing names. */
function queryFile(lines: number): string {
  const c = syntheticCluster(TASKS);
  let seed = 7;
  const next = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x80000000;
  };
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const p = next();
    if (p < 0.6) out.push(`${c.aNames[Math.floor(next() * c.aNames.length)]} A`);
    else if (p < 0.85) out.push(`${c.srvNames[Math.floor(next() * c.srvNames.length)]} SRV`);
    else out.push(`missing-${i}.marathon.mesos. A`);
  }
  return `${out.join('\n')}\n`;
}

interface Server {
  port: number;
  info: Record<string, unknown>;
  stop(): Promise<void>;
}

/** A child process that prints `{"port":N,...}` once listening and exits when its stdin closes. */
async function startServer(childScript: string, args: string[]): Promise<Server> {
  const script = fileURLToPath(new URL(childScript, import.meta.url));
  const child = spawn(process.execPath, [...SERVER_NODE_OPTIONS, script, ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout });
    rl.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`server exited early (code ${code})`)));
  });
  const info = JSON.parse(line) as { port: number } & Record<string, unknown>;
  return {
    port: info.port,
    info,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.stdin.end();
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}

function dnsperf(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('dnsperf', args, { maxBuffer: 512 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`dnsperf failed: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

interface Summary {
  sent: number;
  completed: number;
  lost: number;
  qps: number;
  avgMs: number;
  rcodes: string;
}

function summary(out: string): Summary {
  const num = (re: RegExp) => Number(re.exec(out)?.[1] ?? NaN);
  return {
    sent: num(/Queries sent:\s+(\d+)/),
    completed: num(/Queries completed:\s+(\d+)/),
    lost: num(/Queries lost:\s+(\d+)/),
    qps: num(/Queries per second:\s+([\d.]+)/),
    avgMs: num(/Average Latency \(s\):\s+([\d.]+)/) * 1000,
    rcodes: /Response codes:\s+(.*)/.exec(out)?.[1] ?? '',
  };
}

/** Per-query latencies (seconds) from `dnsperf -v` lines such as `> NOERROR name A 0.000123`. */
function latencies(out: string): number[] {
  const xs: number[] = [];
  for (const line of out.split('\n')) {
    if (!line.startsWith('>')) continue;
    const v = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (Number.isFinite(v)) xs.push(v);
  }
  return xs.sort((a, b) => a - b);
}

const dir = mkdtempSync(join(tmpdir(), 'mesos-dns-bench-'));
const file = join(dir, 'queries.txt');
writeFileSync(file, queryFile(20_000));
/** dnsperf's arguments that point it at a server and the query file */
const dnsperfTarget = (port: number, seconds = SECONDS) => [
  '-s',
  '127.0.0.1',
  '-p',
  String(port),
  '-d',
  file,
  '-l',
  String(seconds),
  '-t',
  '2',
];

/** dnsperf at (b)'s fixed rate against `port`: p50, p99 and p99.9 in ms, over every reply. */
async function fixedRate(
  port: number,
): Promise<{ summary: Summary; count: number; p50: number; p99: number; p999: number }> {
  const out = await dnsperf([...dnsperfTarget(port), '-c', '4', '-q', '100', '-Q', String(FIXED_QPS), '-v']);
  const lat = latencies(out);
  const ms = (p: number) => percentile(lat, p) * 1000;
  return { summary: summary(out), count: lat.length, p50: ms(50), p99: ms(99), p999: ms(99.9) };
}

/** Runs `measure` against a server child, which is stopped afterwards whatever happens. */
async function withServer(childScript: string, args: string[], measure: (s: Server) => Promise<void>): Promise<void> {
  const server = await startServer(childScript, args);
  try {
    // Warm-up so the JIT has compiled the hot path before measuring.
    await dnsperf([...dnsperfTarget(server.port, 2), '-c', '4', '-q', '200']);
    await measure(server);
  } finally {
    await server.stop();
  }
}

try {
  await withServer('./dns-server-child.js', [String(TASKS), String(WORKERS)], async (server) => {
    console.log(
      `mesos-dns DNS benchmark: ${TASKS} tasks, ${WORKERS} worker(s), node options [${SERVER_NODE_OPTIONS.join(' ')}], ` +
        `table ${JSON.stringify(server.info)}, ${damonState()}`,
    );
    const full = summary(await dnsperf([...dnsperfTarget(server.port), '-c', '8', '-q', '500', '-T', '1']));
    console.log(
      `(a) full speed:   ${full.qps.toFixed(0)} q/s, avg ${full.avgMs.toFixed(3)} ms, ` +
        `${full.completed}/${full.sent} completed, ${full.lost} lost  [target ≥ 60000 q/s]  rcodes: ${full.rcodes}`,
    );
    const fixed = await fixedRate(server.port);
    console.log(
      `(b) ${FIXED_QPS} q/s:      ${fixed.summary.qps.toFixed(0)} q/s, avg ${fixed.summary.avgMs.toFixed(3)} ms, ` +
        `p50 ${fixed.p50.toFixed(3)} ms, p99 ${fixed.p99.toFixed(3)} ms, p99.9 ${fixed.p999.toFixed(3)} ms ` +
        `over ${fixed.count} queries, ${fixed.summary.lost} lost  [target p99 ≤ 0.5 ms]`,
    );
  });
  await withServer('./udp-echo-child.js', [], async (echo) => {
    const floor = await fixedRate(echo.port);
    console.log(
      `(c) floor, ${FIXED_QPS} q/s against a Node UDP echo server (no table, no answer): ` +
        `p50 ${floor.p50.toFixed(3)} ms, p99 ${floor.p99.toFixed(3)} ms, p99.9 ${floor.p999.toFixed(3)} ms ` +
        `over ${floor.count} queries, ${floor.summary.lost} lost`,
    );
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
