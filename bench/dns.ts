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
 * Targets: ≥ 60,000 q/s from one process; p99 ≤ 0.5 ms at 2,000 q/s.
 */
import { spawn, execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { syntheticCluster } from './synthetic-records.js';

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

async function startServer(): Promise<{ port: number; info: Record<string, unknown>; stop(): Promise<void> }> {
  const script = fileURLToPath(new URL('./dns-server-child.js', import.meta.url));
  const child = spawn(process.execPath, [...SERVER_NODE_OPTIONS, script, String(TASKS), String(WORKERS)], {
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

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

const dir = mkdtempSync(join(tmpdir(), 'mesos-dns-bench-'));
const file = join(dir, 'queries.txt');
writeFileSync(file, queryFile(20_000));
const server = await startServer();
console.log(
  `mesos-dns DNS benchmark: ${TASKS} tasks, ${WORKERS} worker(s), node options [${SERVER_NODE_OPTIONS.join(' ')}], ` +
    `table ${JSON.stringify(server.info)}`,
);
try {
  const base = ['-s', '127.0.0.1', '-p', String(server.port), '-d', file, '-l', String(SECONDS), '-t', '2'];
  // Warm-up so the JIT has compiled the hot path before measuring.
  await dnsperf([...base.slice(0, 6), '-l', '2', '-c', '4', '-q', '200']);

  const full = summary(await dnsperf([...base, '-c', '8', '-q', '500', '-T', '1']));
  console.log(
    `(a) full speed:   ${full.qps.toFixed(0)} q/s, avg ${full.avgMs.toFixed(3)} ms, ` +
      `${full.completed}/${full.sent} completed, ${full.lost} lost  [target ≥ 60000 q/s]  rcodes: ${full.rcodes}`,
  );

  const fixedOut = await dnsperf([...base, '-c', '4', '-q', '100', '-Q', String(FIXED_QPS), '-v']);
  const fixed = summary(fixedOut);
  const lat = latencies(fixedOut);
  const p50 = lat.length > 0 ? pct(lat, 50) * 1000 : NaN;
  const p99 = lat.length > 0 ? pct(lat, 99) * 1000 : NaN;
  const p999 = lat.length > 0 ? pct(lat, 99.9) * 1000 : NaN;
  console.log(
    `(b) ${FIXED_QPS} q/s:      ${fixed.qps.toFixed(0)} q/s, avg ${fixed.avgMs.toFixed(3)} ms, p50 ${p50.toFixed(3)} ms, ` +
      `p99 ${p99.toFixed(3)} ms, p99.9 ${p999.toFixed(3)} ms over ${lat.length} queries, ${fixed.lost} lost  [target p99 ≤ 0.5 ms]`,
  );
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
