import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeZkClient, openZkClient } from '../../src/mesos/zk/client.js';

/**
 * A standalone ZooKeeper from the Debian `zookeeper` package, on a free loopback
 * port with its own data directory. `restart()` keeps the port and the data, so
 * clients can resume their sessions as after a real server restart.
 */
export interface ZooKeeperServer {
  port: number;
  /** `127.0.0.1:PORT` */
  connect: string;
  stop(): Promise<void>;
  /** Stops the server, waits `downtimeMs`, and starts it again on the same port with the same data. */
  restart(downtimeMs?: number): Promise<void>;
}

const ZOOKEEPER_JAR = '/usr/share/java/zookeeper.jar';
/** Debian's libslf4j-java binding, so ZooKeeper's own log shows up in error messages. */
const SLF4J_SIMPLE_JAR = '/usr/share/java/slf4j-simple.jar';
const READY_TIMEOUT_MS = 60_000;

export async function startZooKeeper(): Promise<ZooKeeperServer> {
  if (!existsSync(ZOOKEEPER_JAR)) {
    throw new Error(`${ZOOKEEPER_JAR} not found: install the Debian package "zookeeper"`);
  }
  const dir = await mkdtemp(join(tmpdir(), 'mesos-dns-zk-'));
  const port = await freePort();
  const cfg = join(dir, 'zoo.cfg');
  await writeFile(
    cfg,
    [
      'tickTime=500',
      `dataDir=${join(dir, 'data')}`,
      `clientPort=${port}`,
      'clientPortAddress=127.0.0.1',
      'admin.enableServer=false',
      'minSessionTimeout=1000',
      'maxSessionTimeout=60000',
      'maxClientCnxns=0',
      '',
    ].join('\n'),
  );
  let proc: ChildProcess | null = null;
  let output = '';

  const launch = async (): Promise<void> => {
    output = '';
    const child = spawn(
      'java',
      [
        '-Xmx128m',
        '-XX:+UseSerialGC',
        '-XX:TieredStopAtLevel=1',
        '-Dzookeeper.admin.enableServer=false',
        '-Dorg.slf4j.simpleLogger.defaultLogLevel=info',
        '-cp',
        existsSync(SLF4J_SIMPLE_JAR) ? `${ZOOKEEPER_JAR}:${SLF4J_SIMPLE_JAR}` : ZOOKEEPER_JAR,
        'org.apache.zookeeper.server.ZooKeeperServerMain',
        cfg,
      ],
      { detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    proc = child;
    await waitForSession(`127.0.0.1:${port}`, child, () => output);
  };

  const kill = async (): Promise<void> => {
    const child = proc;
    proc = null;
    if (child === null || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    signalGroup(child, 'SIGTERM');
    const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };

  try {
    await launch();
  } catch (err) {
    await kill();
    await rm(dir, { recursive: true, force: true });
    throw err;
  }

  return {
    port,
    connect: `127.0.0.1:${port}`,
    async stop() {
      await kill();
      await rm(dir, { recursive: true, force: true });
    },
    async restart(downtimeMs = 0) {
      await kill();
      if (downtimeMs > 0) await new Promise((resolve) => setTimeout(resolve, downtimeMs));
      try {
        await launch();
      } catch (err) {
        await kill();
        throw err;
      }
    },
  };
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal);
  } catch {
    // The group is already gone.
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Resolves once the server grants a ZooKeeper session (not merely accepts TCP). */
function waitForSession(connect: string, child: ChildProcess, output: () => string): Promise<void> {
  return new Promise((resolve, reject) => {
    const [host = '127.0.0.1', port = '0'] = connect.split(':');
    const client = openZkClient([{ host, port: Number(port) }], { sessionTimeoutMs: 5000, spinDelayMs: 200 });
    const finish = (err?: Error): void => {
      clearTimeout(timer);
      child.off('exit', onExit);
      void closeZkClient(client);
      if (err) reject(err);
      else resolve();
    };
    const onExit = (code: number | null): void =>
      finish(new Error(`ZooKeeper exited (${code}) before accepting sessions:\n${output()}`));
    const timer = setTimeout(
      () => finish(new Error(`ZooKeeper on ${connect} not ready after ${READY_TIMEOUT_MS} ms:\n${output()}`)),
      READY_TIMEOUT_MS,
    );
    child.once('exit', onExit);
    client.once('connected', () => finish());
    client.connect();
  });
}
