/**
 * `npm run bench:freshness`: how soon a change at the master shows in DNS when
 * refreshes follow the event stream. The real `bin/mesos-dns` subscribes to a
 * stand-in master (bench/stream-server.ts) holding the synthetic state
 * (bench/synthetic-state.ts); once the first stream build is served, the
 * master makes `--rate` changes per second for `--seconds` seconds (new tasks
 * with new names, added and running; and kills of those), while a client asks
 * for the SOA serial without pause and, whenever it moves (and every second),
 * asks for each changed name not seen yet, one at a time. Prints change → visible-in-DNS latency
 * p50/p99/max, the DNS query latency p50/p99/max during the churn, and the
 * queries that failed (no reply within a second, or an rcode other than
 * NOERROR and NXDOMAIN).
 *
 *   npm run build && node dist/bench/freshness.js [--tasks 50000] [--rate 20] [--seconds 30] [--refresh 60]
 *
 * `--rate 0` asks the same queries for the same time without any change: the DNS latency that is not the
 * churn's (the benchmark's own processes and the machine).
 *
 * Targets: a new or killed task visible in DNS p99 ≤ 1 s, max ≤ 2 s at 50,000
 * tasks and 20 changes/s; DNS p99 during churn ≤ 1 ms; no query fails.
 */
import { spawn } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { logReader } from './log-reader.js';
import { Worker } from 'node:worker_threads';
import { buildQuery, decodeMessage } from '../test/helpers/dns-msg.js';
import type { FromStreamServer, ToStreamServer } from './stream-server.js';
import { damonState } from './damon.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

const TASKS = Number(arg('tasks', '50000'));
const RATE = Number(arg('rate', '20'));
const SECONDS = Number(arg('seconds', '30'));
const REFRESH_SECONDS = Number(arg('refresh', '60'));
/** a change not visible by then counts as never visible */
const GIVE_UP_MS = 10_000;
const QUERY_TIMEOUT_MS = 1000;
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RCODE_NXDOMAIN = 3;

const now = (): number => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The stand-in master's side: a change is answered with the time its last event was written. */
class Master {
  private readonly waiting = new Map<string, (at: number) => void>();

  private constructor(
    private readonly worker: Worker,
    readonly port: number,
    readonly bytes: number,
  ) {
    worker.on('message', (m: FromStreamServer) => {
      this.waiting.get(m.name)?.(m.at);
      this.waiting.delete(m.name);
    });
  }

  static async start(tasks: number): Promise<Master> {
    const worker = new Worker(new URL('./stream-server.js', import.meta.url), { workerData: { tasks } });
    const info = await new Promise<{ port: number; bytes: number }>((r) => worker.once('message', r));
    return new Master(worker, info.port, info.bytes);
  }

  change(msg: Exclude<ToStreamServer, 'close'>): Promise<number> {
    return new Promise((resolve) => {
      this.waiting.set(msg.name, resolve);
      this.worker.postMessage(msg);
    });
  }

  async close(): Promise<void> {
    this.worker.postMessage('close' satisfies ToStreamServer);
    await new Promise((r) => this.worker.once('exit', r));
  }
}

/**
 * Every query's round trip, and the ones that failed. One socket, bound once, for every query: a socket per
 * query made the figure include this process's own socket set-up, bind, address lookup and close, each a
 * turn of its event loop, which are not the server's latency. The clock starts just before the send and
 * stops when the reply is read.
 */
class Client {
  readonly latencies: number[] = [];
  failures = 0;
  private nextId = 0;
  private readonly waiting = new Map<number, { sentAt: number; done: (reply: Buffer | null) => void }>();

  private constructor(
    private readonly socket: Socket,
    private readonly port: number,
  ) {
    socket.on('message', (reply) => {
      const at = performance.now();
      const w = reply.length >= 12 ? this.waiting.get(reply.readUInt16BE(0)) : undefined;
      if (w === undefined) return;
      this.latencies.push(at - w.sentAt);
      w.done(reply);
    });
  }

  static async open(port: number): Promise<Client> {
    const socket = createSocket('udp4');
    await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
    return new Client(socket, port);
  }

  /** The reply, or null when the query failed (counted). */
  async query(name: string, qtype = 1): Promise<Buffer | null> {
    const id = (this.nextId = (this.nextId + 1) & 0xffff);
    const msg = buildQuery(name, { id, qtype });
    const reply = await new Promise<Buffer | null>((resolve) => {
      const timer = setTimeout(() => done(null), QUERY_TIMEOUT_MS);
      const done = (r: Buffer | null): void => {
        clearTimeout(timer);
        this.waiting.delete(id);
        resolve(r);
      };
      this.waiting.set(id, { sentAt: performance.now(), done });
      this.socket.send(msg, this.port, '127.0.0.1');
    });
    const rcode = reply === null ? -1 : reply[3]! & 0xf;
    if (rcode !== 0 && rcode !== RCODE_NXDOMAIN) {
      this.failures++;
      return null;
    }
    return reply;
  }

  close(): void {
    this.socket.close();
  }
}

function answersIp(reply: Buffer, ip: string): boolean {
  return reply.readUInt16BE(6) > 0 && reply.subarray(reply.length - 4).join('.') === ip;
}

/** The SOA serial in a reply to an SOA query of the apex. */
function soaSerial(reply: Buffer): number {
  const soa = decodeMessage(reply).answers[0]?.data as { serial?: number } | undefined;
  return soa?.serial ?? -1;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function figures(values: number[], digits: number): string {
  const s = [...values].sort((a, b) => a - b);
  const f = (v: number) => v.toFixed(digits);
  return `p50 ${f(percentile(s, 50))}  p99 ${f(percentile(s, 99))}  max ${f(s.at(-1) ?? NaN)} ms`;
}

console.log(
  `bench:freshness on ${cpus().length} cores, Node ${process.version}, ${new Date().toISOString()}, ${damonState()}`,
);
console.log(`${TASKS} tasks, ${RATE} changes/s for ${SECONDS} s, refreshSeconds ${REFRESH_SECONDS}`);
const master = await Master.start(TASKS);
const dir = mkdtempSync(join(tmpdir(), 'mesos-dns-bench-freshness-'));
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
    refreshSeconds: REFRESH_SECONDS,
    stateSource: 'stream',
  }),
);
const child = spawn(join(ROOT, 'bin', 'mesos-dns'), [`-config=${configFile}`, '-v=1'], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
try {
  const log = logReader(child);
  const dns = await log.wait((r) => r.msg === 'DNS listening');
  await log.wait((r) => r.msg === 'refresh done' && r.source === 'stream');
  console.log(`state ${(master.bytes / 1e6).toFixed(1)} MB; subscribed, first stream build served`);
  const client = await Client.open(Number(dns.udpPort));
  const logsBefore = log.lines.length;

  /**
   * Changes not seen in DNS yet. A change can only become visible at a swap, and a swap with new records
   * moves the SOA serial: the steady loop asks for the serial without pause (the query load of the churn),
   * and whenever it moves, and every second besides, each pending name is asked once. A change counts as
   * seen when the serial that showed it was first read.
   */
  interface Pending {
    fqdn: string;
    at: number;
    visible: (r: Buffer) => boolean;
    then?: () => void;
  }
  const pending = new Set<Pending>();
  const visibleMs: number[] = [];
  let neverVisible = 0;
  // One query at a time: the benchmark's own load stays that of one client, however many changes wait.
  const check = async (): Promise<void> => {
    const seenAt = now();
    for (const p of [...pending]) {
      const reply = await client.query(p.fqdn);
      if (reply !== null && p.visible(reply)) {
        pending.delete(p);
        visibleMs.push(seenAt - p.at);
        p.then?.();
      } else if (seenAt - p.at > GIVE_UP_MS) {
        pending.delete(p);
        neverVisible++;
      }
    }
  };
  let churning = true;
  const watcher = (async () => {
    let serial = -1;
    let checkedAt = 0;
    while (churning || pending.size > 0) {
      const reply = await client.query('mesos.', 6);
      const next = reply === null ? serial : soaSerial(reply);
      if (next !== serial || now() - checkedAt > 1000) {
        serial = next;
        checkedAt = now();
        await check();
      }
      await sleep(1);
    }
  })();

  const running: string[] = [];
  const changes = RATE * SECONDS;
  const t0 = now();
  for (let i = 0; i < changes; i++) {
    await sleep(Math.max(0, t0 + (i * 1000) / RATE - now()));
    // Every other change kills the oldest task added and seen running; the rest add one.
    const victim = i % 2 === 1 ? running.shift() : undefined;
    if (victim !== undefined) {
      const at = await master.change({ type: 'kill', name: victim });
      pending.add({ fqdn: `${victim}.marathon.mesos.`, at, visible: (r) => (r[3]! & 0xf) === RCODE_NXDOMAIN });
    } else {
      const name = `fresh-${i}`;
      const ip = `10.200.${(i >> 8) & 255}.${i & 255}`;
      const at = await master.change({ type: 'add', name, ip });
      const then = () => running.push(name);
      pending.add({ fqdn: `${name}.marathon.mesos.`, at, visible: (r) => answersIp(r, ip), then });
    }
  }
  // The churn lasts SECONDS whatever the rate: `--rate 0` measures the same query load without changes.
  await sleep(Math.max(0, t0 + SECONDS * 1000 - now()));
  churning = false;
  await watcher;
  client.close();

  const builds = log.lines.slice(logsBefore).filter((r) => r.msg === 'refresh done');
  const fromStream = builds.filter((r) => r.source === 'stream');
  const streamBuilds = fromStream.map((r) => Number(r.totalMs));
  console.log(
    `\nchanges made: ${changes}; seen in DNS: ${visibleMs.length}; never seen within ${GIVE_UP_MS} ms: ${neverVisible}`,
  );
  console.log(`change → visible in DNS:   ${figures(visibleMs, 0)}`);
  console.log(`DNS query latency (churn): ${figures(client.latencies, 3)}  (${client.latencies.length} queries)`);
  console.log(`failed queries: ${client.failures}`);
  console.log(
    `builds during the churn: ${streamBuilds.length} from the stream (${figures(streamBuilds, 0)} each), ` +
      `${builds.length - streamBuilds.length} polls`,
  );
  console.log(
    `  of which generate (host names resolved, records) ${figures(
      fromStream.map((r) => Number(r.generateMs)),
      0,
    )}, table build ${figures(
      fromStream.map((r) => Number(r.buildMs)),
      0,
    )}`,
  );
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  rmSync(dir, { recursive: true, force: true });
  await master.close();
}
