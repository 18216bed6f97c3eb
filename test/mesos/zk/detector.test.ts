import { createServer } from 'node:net';
import { CreateMode } from 'node-zookeeper-client';
import type { Client } from 'node-zookeeper-client';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDetector } from '../../../src/mesos/detector.js';
import type { MasterDetector } from '../../../src/mesos/detector.js';
import { closeZkClient, openZkClient } from '../../../src/mesos/zk/client.js';
import { startZooKeeper } from '../../helpers/zookeeper.js';
import type { ZooKeeperServer } from '../../helpers/zookeeper.js';
import { sleep, waitFor } from '../../helpers/wait.js';

// ZK_TEST_LOG=debug shows the detector's own log while a test runs.
const log = pino({ level: process.env.ZK_TEST_LOG ?? 'silent' });
const WAIT_MS = 20_000;

let zk: ZooKeeperServer;
let admin: Client;
let pathCounter = 0;
const detectors: MasterDetector[] = [];
const extraClients: Client[] = [];

function connectClient(): Promise<Client> {
  return new Promise((resolve) => {
    const c = openZkClient([{ host: '127.0.0.1', port: zk.port }], { sessionTimeoutMs: 10_000, spinDelayMs: 200 });
    c.once('connected', () => resolve(c));
    c.connect();
  });
}

function mkdirp(c: Client, path: string): Promise<void> {
  return new Promise((resolve, reject) => c.mkdirp(path, (err) => (err ? reject(err) : resolve())));
}

function create(c: Client, path: string, data: unknown, mode = CreateMode.PERSISTENT): Promise<string> {
  const buf = Buffer.isBuffer(data) ? data : Buffer.from(JSON.stringify(data));
  return new Promise((resolve, reject) => c.create(path, buf, mode, (err, p) => (err ? reject(err) : resolve(p))));
}

function remove(c: Client, path: string): Promise<void> {
  log.debug({ path }, 'test removes znode');
  return new Promise((resolve, reject) => c.remove(path, (err) => (err ? reject(err) : resolve())));
}

const info = (id: string, ip: string, port: number) => ({ id, address: { ip, port }, hostname: id });

function freshPath(): string {
  pathCounter += 1;
  return `/mesos-${pathCounter}`;
}

async function unusedPort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === 'object' && addr !== null ? addr.port : 0));
    });
  });
}

interface Recorder {
  lists: string[][];
  zkStates: boolean[];
  timeouts: number[];
  latest(): string[] | undefined;
  waitFor(what: string, pred: () => boolean, ms?: number): Promise<void>;
  waitForList(expected: string[], ms?: number): Promise<void>;
}

function recorder(): Recorder {
  const r: Recorder = {
    lists: [],
    zkStates: [],
    timeouts: [],
    latest: () => r.lists.at(-1),
    async waitFor(what, pred, ms = WAIT_MS) {
      await waitFor(`${what}; lists so far: ${JSON.stringify(r.lists)}`, pred, { timeoutMs: ms });
    },
    waitForList(expected, ms) {
      return r.waitFor(JSON.stringify(expected), () => JSON.stringify(r.latest()) === JSON.stringify(expected), ms);
    },
  };
  return r;
}

function startDetector(
  zkValue: string,
  rec: Recorder,
  opts: { masters?: string[] | null; timeout?: number; reconnectAfterMs?: number } = {},
): MasterDetector {
  const d = createDetector(
    { zk: zkValue, masters: opts.masters ?? null, zkDetectionTimeout: opts.timeout ?? 0 },
    {
      onMasters: (list) => rec.lists.push(list),
      onZkState: (up) => rec.zkStates.push(up),
      onTimeout: (s) => rec.timeouts.push(s),
    },
    log,
    { sessionTimeoutMs: 4000, reconnectAfterMs: opts.reconnectAfterMs ?? 4000, spinDelayMs: 200 },
  );
  detectors.push(d);
  d.start();
  return d;
}

beforeAll(async () => {
  zk = await startZooKeeper();
  admin = await connectClient();
  admin.on('state', (state) => log.debug({ state: String(state) }, 'admin client state'));
});

afterEach(async () => {
  await Promise.all(detectors.splice(0).map((d) => d.stop()));
  await Promise.all(extraClients.splice(0).map((c) => closeZkClient(c)));
});

afterAll(async () => {
  if (admin) await closeZkClient(admin);
  if (zk) await zk.stop();
});

describe('ZooKeeper master detection', () => {
  it('elects the lowest json.info_ node, lists all masters and follows removals', async () => {
    const path = freshPath();
    await mkdirp(admin, path);
    await create(admin, `${path}/json.info_0000000007`, info('m7', '127.0.0.6', 5050));
    await create(admin, `${path}/json.info_0000000005`, info('m5', '127.0.0.1', 37060));
    await create(admin, `${path}/info_0000000001`, Buffer.from('not a protobuf'));
    await create(admin, `${path}/json.info_bogus`, info('mx', '127.0.0.9', 5050));
    await create(admin, `${path}/log_replicas`, Buffer.alloc(0));

    const rec = recorder();
    startDetector(`zk://${zk.connect}${path}`, rec, { masters: ['127.0.0.200:5050'] });
    // First the configured masters, as soon as the ZooKeeper client has loaded, before any answer from ZooKeeper.
    await rec.waitFor('the first list', () => rec.lists.length > 0);
    expect(rec.lists[0]).toEqual(['', '127.0.0.200:5050']);
    await rec.waitForList(['127.0.0.1:37060', '127.0.0.6:5050']);
    await rec.waitFor('connected state', () => rec.zkStates.includes(true));

    // Same address under a new id and a lower sequence: the list stays the same.
    await create(admin, `${path}/json.info_0000000003`, { id: 'm3', ip: 16777343, port: 37060 });
    await create(admin, `${path}/json.info_0000000009`, info('m9', '127.0.0.7', 5050));
    await rec.waitForList(['127.0.0.1:37060', '127.0.0.6:5050', '127.0.0.7:5050']);

    await remove(admin, `${path}/json.info_0000000003`);
    await remove(admin, `${path}/json.info_0000000005`);
    await rec.waitForList(['127.0.0.6:5050', '127.0.0.7:5050']);

    await remove(admin, `${path}/json.info_0000000007`);
    await remove(admin, `${path}/json.info_0000000009`);
    await rec.waitForList(['']);
    expect(rec.lists.some((l) => l.includes('127.0.0.200:5050') && l[0] !== '')).toBe(false);
  });

  it('follows ephemeral sequential nodes of masters whose sessions end', async () => {
    const path = freshPath();
    await mkdirp(admin, path);
    const masterA = await connectClient();
    const masterB = await connectClient();
    extraClients.push(masterB);
    const a = await create(
      masterA,
      `${path}/json.info_`,
      info('a', '127.0.0.11', 5050),
      CreateMode.EPHEMERAL_SEQUENTIAL,
    );
    const b = await create(
      masterB,
      `${path}/json.info_`,
      info('b', '127.0.0.12', 5050),
      CreateMode.EPHEMERAL_SEQUENTIAL,
    );
    expect(a < b).toBe(true);

    const rec = recorder();
    startDetector(`zk://${zk.connect}${path}`, rec);
    await rec.waitForList(['127.0.0.11:5050', '127.0.0.12:5050']);

    await closeZkClient(masterA);
    await rec.waitForList(['127.0.0.12:5050']);
  });

  it('uses legacy info_ nodes only when no json.info_ node exists', async () => {
    const path = freshPath();
    await mkdirp(admin, path);
    // protobuf MasterInfo { id: "p", ip: 16777343 (127.0.0.1), port: 5055 }
    const pb = Buffer.from([0x0a, 0x01, 0x70, 0x10, 0xff, 0x80, 0x80, 0x08, 0x18, 0xbf, 0x27]);
    await create(admin, `${path}/info_0000000002`, pb);
    const rec = recorder();
    startDetector(`zk://${zk.connect}${path}`, rec);
    await rec.waitForList(['127.0.0.1:5055']);
    await create(admin, `${path}/json.info_0000000004`, info('j', '127.0.0.21', 5050));
    await rec.waitForList(['127.0.0.21:5050', '127.0.0.1:5055']);
  });

  it('waits for a path that does not exist yet, with a trailing slash and a port-less host in the URL', async () => {
    const path = freshPath();
    const rec = recorder();
    // 127.0.0.1 without port means 127.0.0.1:2181, where nothing listens: that host is skipped.
    startDetector(`zk://127.0.0.1,${zk.connect}${path}/`, rec, { masters: ['127.0.0.200:5050'] });
    await rec.waitFor('connected state', () => rec.zkStates.includes(true));
    expect(rec.latest()).toEqual(['', '127.0.0.200:5050']);
    await mkdirp(admin, path);
    await create(admin, `${path}/json.info_0000000001`, info('late', '127.0.0.31', 5050));
    await rec.waitForList(['127.0.0.31:5050']);
  });

  it('emits the configured masters at start when ZooKeeper is unreachable, then times out', async () => {
    const port = await unusedPort();
    const rec = recorder();
    startDetector(`zk://127.0.0.1:${port}/mesos`, rec, { masters: ['127.0.0.41:5050', '127.0.0.42:5050'], timeout: 2 });
    await rec.waitFor('the first list', () => rec.lists.length > 0);
    expect(rec.lists).toEqual([['', '127.0.0.41:5050', '127.0.0.42:5050']]);
    await rec.waitFor('the detection timeout', () => rec.timeouts.length > 0);
    expect(rec.timeouts).toEqual([2]);
    expect(rec.zkStates.includes(true)).toBe(false);
  });

  it('stops the detection timeout while a leader is known and restarts it when it goes', async () => {
    const path = freshPath();
    await mkdirp(admin, path);
    await create(admin, `${path}/json.info_0000000001`, info('t', '127.0.0.51', 5050));
    const rec = recorder();
    startDetector(`zk://${zk.connect}${path}`, rec, { timeout: 2 });
    await rec.waitForList(['127.0.0.51:5050']);
    await sleep(3000);
    expect(rec.timeouts).toEqual([]);
    await remove(admin, `${path}/json.info_0000000001`);
    await rec.waitForList(['']);
    await rec.waitFor('the detection timeout', () => rec.timeouts.length > 0);
    expect(rec.timeouts).toEqual([2]);
  });

  it('resumes after a ZooKeeper restart on the same port and follows a new leader', async () => {
    const path = freshPath();
    await mkdirp(admin, path);
    await create(admin, `${path}/json.info_0000000001`, info('r1', '127.0.0.61', 5050));
    const rec = recorder();
    startDetector(`zk://${zk.connect}${path}`, rec);
    await rec.waitForList(['127.0.0.61:5050']);

    await zk.restart();
    await rec.waitFor('a disconnect', () => rec.zkStates.includes(false) && rec.zkStates.at(-1) === true);
    await remove(admin, `${path}/json.info_0000000001`);
    await create(admin, `${path}/json.info_0000000002`, info('r2', '127.0.0.62', 5050));
    await rec.waitForList(['127.0.0.62:5050']);
  });

  it('builds a new session after being cut off longer than reconnectAfterMs', async () => {
    const path = freshPath();
    await mkdirp(admin, path);
    await create(admin, `${path}/json.info_0000000001`, info('s1', '127.0.0.71', 5050));
    const rec = recorder();
    startDetector(`zk://${zk.connect}${path}`, rec, { reconnectAfterMs: 1000 });
    await rec.waitForList(['127.0.0.71:5050']);

    const restarted = zk.restart(4000);
    // Losing the session counts as losing the leader (Go: "no leader" on a failed watch).
    await rec.waitForList(['']);
    await restarted;
    await rec.waitForList(['127.0.0.71:5050']);
    await remove(admin, `${path}/json.info_0000000001`);
    await create(admin, `${path}/json.info_0000000003`, info('s3', '127.0.0.73', 5050));
    await rec.waitForList(['127.0.0.73:5050']);
  });
});
