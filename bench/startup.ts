/**
 * `npm run bench:startup`: the real `bin/mesos-dns` against a stand-in master
 * serving a generated hostile state (bench/synthetic-state.ts) over loopback,
 * for 5,000 and 50,000 tasks, three runs each. Prints, per run and as
 * min/median/max: the time from spawning the process to the first correct
 * DNS answer, the process's peak RSS (VmHWM) at that moment, its RSS two
 * seconds later, its RSS after `--refreshes` more refreshes of a changing state
 * (SIGHUP, two seconds after the last: the steady state, once the refresh
 * worker has collected its garbage, a second after builds pause), the refresh
 * breakdown it logged, and the time to download `/v1/axfr` and `/v1/enumerate`.
 *
 *   npm run build && node dist/bench/startup.js [--tasks 5000,50000] [--runs 3] [--refreshes 10]
 *
 * Targets: 50,000 tasks first answer ≤ 2.0 s and peak RSS ≤ 364 MiB; serving
 * 5,000 tasks in ≤ 120 MiB, after the first answer and after the refreshes.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { logReader } from './log-reader.js';
import { Worker } from 'node:worker_threads';
import { udpQuery } from '../test/helpers/dns-client.js';
import { buildQuery } from '../test/helpers/dns-msg.js';
import { damonState } from './damon.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

const SIZES = arg('tasks', '5000,50000').split(',').map(Number);
const RUNS = Number(arg('runs', '3'));
const REFRESHES = Number(arg('refreshes', '10'));
/** after the refresh worker's idle collection (src/refresh/worker.ts), which starts a second after builds pause */
const SETTLE_MS = 2000;
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface Run {
  firstAnswerMs: number;
  peakRssMiB: number;
  rssAfterMiB: number;
  rssSteadyMiB: number;
  refresh: Record<string, number>;
  axfrMs: number;
  axfrBytes: number;
  enumerateMs: number;
  enumerateBytes: number;
}

interface Master {
  port: number;
  bytes: number;
  /** a running task's name and address, to recognise a correct answer */
  probe: { name: string; ip: string };
  close(): Promise<void>;
}

async function startMaster(tasks: number): Promise<Master> {
  // Every other request gets a different state, so that no refresh after the first is skipped as unchanged.
  const worker = new Worker(new URL('./state-server.js', import.meta.url), { workerData: { tasks, alternate: true } });
  const info = await new Promise<{ port: number; bytes: number; probe: { name: string; ip: string } }>((r) =>
    worker.once('message', r),
  );
  return {
    ...info,
    close: async () => {
      worker.postMessage('close');
      await new Promise((r) => worker.once('exit', r));
    },
  };
}

function statusKiB(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? NaN);
}

function download(port: number, path: string): Promise<{ ms: number; bytes: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path }, (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => (bytes += c.length));
      res.on('end', () => resolve({ ms: performance.now() - t0, bytes }));
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

async function oneRun(master: Master): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'mesos-dns-bench-startup-'));
  const configFile = join(dir, 'config.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      masters: [`127.0.0.1:${master.port}`],
      listener: '127.0.0.1',
      port: 0,
      httpListener: '127.0.0.1',
      httpPort: 0,
      externalOn: false,
      refreshSeconds: 3600,
    }),
  );
  const t0 = performance.now();
  const child = spawn(join(ROOT, 'bin', 'mesos-dns'), [`-config=${configFile}`, '-v=1'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const { wait: waitLog, lines } = logReader(child);
    const dns = await waitLog((r) => r.msg === 'DNS listening');
    const http = await waitLog((r) => r.msg === 'HTTP listening');
    const query = buildQuery(master.probe.name, { id: 1 });
    let firstAnswerMs = NaN;
    for (;;) {
      const reply = await udpQuery(Number(dns.udpPort), query, 2000).catch(() => null);
      if (
        reply !== null &&
        reply.subarray(reply.length - 4).join('.') === master.probe.ip &&
        reply.readUInt16BE(6) > 0
      ) {
        firstAnswerMs = performance.now() - t0;
        break;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    const peakRssMiB = statusKiB(child.pid!, 'VmHWM') / 1024;
    const done = await waitLog((r) => r.msg === 'refresh done');
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const rssAfterMiB = statusKiB(child.pid!, 'VmRSS') / 1024;
    for (let i = 0; i < REFRESHES; i++) {
      const done = lines.filter((r) => r.msg === 'refresh done').length;
      child.kill('SIGHUP');
      await waitLog(() => lines.filter((r) => r.msg === 'refresh done').length > done);
    }
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const rssSteadyMiB = statusKiB(child.pid!, 'VmRSS') / 1024;
    const axfr = await download(Number(http.port), '/v1/axfr');
    const enumerate = await download(Number(http.port), '/v1/enumerate');
    const refresh: Record<string, number> = {};
    for (const k of ['fetchMs', 'generateMs', 'buildMs', 'renderMs', 'totalMs']) {
      if (typeof done[k] === 'number') refresh[k] = Math.round(done[k]);
    }
    return {
      firstAnswerMs,
      peakRssMiB,
      rssAfterMiB,
      rssSteadyMiB,
      refresh,
      axfrMs: axfr.ms,
      axfrBytes: axfr.bytes,
      enumerateMs: enumerate.ms,
      enumerateBytes: enumerate.bytes,
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

function summary(values: number[], unit: string, digits = 0): string {
  const s = [...values].sort((a, b) => a - b);
  const f = (v: number) => v.toFixed(digits);
  return `${f(s[0]!)} / ${f(s[Math.floor(s.length / 2)]!)} / ${f(s.at(-1)!)} ${unit}`;
}

console.log(
  `bench:startup on ${cpus().length} cores, Node ${process.version}, ${new Date().toISOString()}, ${damonState()}`,
);
for (const tasks of SIZES) {
  const master = await startMaster(tasks);
  const runs: Run[] = [];
  try {
    console.log(`\n${tasks} tasks, state ${(master.bytes / 1e6).toFixed(1)} MB`);
    for (let i = 0; i < RUNS; i++) {
      const r = await oneRun(master);
      runs.push(r);
      console.log(
        `  run ${i + 1}: first answer ${r.firstAnswerMs.toFixed(0)} ms, peak RSS ${r.peakRssMiB.toFixed(0)} MiB, ` +
          `RSS after ${r.rssAfterMiB.toFixed(0)} MiB, after ${REFRESHES} refreshes ${r.rssSteadyMiB.toFixed(0)} MiB, refresh ${JSON.stringify(r.refresh)}, ` +
          `/v1/axfr ${r.axfrMs.toFixed(0)} ms (${(r.axfrBytes / 1e6).toFixed(1)} MB), ` +
          `/v1/enumerate ${r.enumerateMs.toFixed(0)} ms (${(r.enumerateBytes / 1e6).toFixed(1)} MB)`,
      );
    }
  } finally {
    await master.close();
  }
  console.log(`  min / median / max of ${RUNS}:`);
  console.log(
    `    first answer   ${summary(
      runs.map((r) => r.firstAnswerMs),
      'ms',
    )}`,
  );
  console.log(
    `    peak RSS       ${summary(
      runs.map((r) => r.peakRssMiB),
      'MiB',
    )}`,
  );
  console.log(
    `    RSS after      ${summary(
      runs.map((r) => r.rssAfterMiB),
      'MiB',
    )}`,
  );
  console.log(
    `    RSS ${`after ${REFRESHES}`.padEnd(11)}${summary(
      runs.map((r) => r.rssSteadyMiB),
      'MiB',
    )}`,
  );
  console.log(
    `    /v1/axfr       ${summary(
      runs.map((r) => r.axfrMs),
      'ms',
    )}`,
  );
  console.log(
    `    /v1/enumerate  ${summary(
      runs.map((r) => r.enumerateMs),
      'ms',
    )}`,
  );
}
