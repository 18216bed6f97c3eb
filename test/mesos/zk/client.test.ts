import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import type { Client } from 'node-zookeeper-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeZkClient, openZkClient } from '../../../src/mesos/zk/client.js';
import { startFakeZooKeeper } from '../../helpers/fake-zookeeper.js';
import type { FakeZkConnection, FakeZooKeeper } from '../../helpers/fake-zookeeper.js';
import { sleep, waitFor } from '../../helpers/wait.js';

interface Silent {
  server: Server;
  port: number;
  sockets: Socket[];
  closed: Set<Socket>;
}

/** A TCP server that accepts ZooKeeper clients and never answers, like ZooKeeper while it starts. */
async function silentServer(host = '127.0.0.1'): Promise<Silent | null> {
  const sockets: Socket[] = [];
  const closed = new Set<Socket>();
  const server = createServer((s) => {
    sockets.push(s);
    s.on('error', () => undefined);
    s.on('close', () => closed.add(s));
    s.resume();
  });
  const ok = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(0, host, () => resolve(true));
  });
  if (!ok) return null;
  servers.push({ server, sockets });
  const addr = server.address();
  return { server, port: typeof addr === 'object' && addr !== null ? addr.port : 0, sockets, closed };
}

const servers: Array<{ server: Server; sockets: Socket[] }> = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      ({ server, sockets }) =>
        new Promise<void>((resolve) => {
          for (const s of sockets) s.destroy();
          server.close(() => resolve());
        }),
    ),
  );
});

describe('openZkClient / closeZkClient', () => {
  it('drops a connection whose session handshake is never answered and tries again', async () => {
    const { port, sockets, closed } = (await silentServer())!;
    const client = openZkClient([{ host: '127.0.0.1', port }], {
      sessionTimeoutMs: 10_000,
      spinDelayMs: 100,
      handshakeTimeoutMs: 300,
    });
    client.connect();
    await waitFor('a second connection attempt', () => sockets.length >= 2, { timeoutMs: 20_000 });
    await waitFor('the first connection to be closed by the client', () => closed.has(sockets[0]!), {
      timeoutMs: 20_000,
    });
    await closeZkClient(client);
  });

  it('stops reconnecting once closed', async () => {
    const { port, sockets, closed } = (await silentServer())!;
    const client = openZkClient([{ host: '127.0.0.1', port }], {
      sessionTimeoutMs: 10_000,
      spinDelayMs: 50,
      handshakeTimeoutMs: 200,
    });
    client.connect();
    await waitFor('a connection', () => sockets.length >= 1, { timeoutMs: 20_000 });
    await closeZkClient(client);
    await waitFor('every connection to close', () => sockets.every((s) => closed.has(s)), { timeoutMs: 20_000 });
    const count = sockets.length;
    await sleep(1000);
    expect(sockets.length).toBe(count);
  });

  it('connects to an IPv6 loopback host that the library cannot parse itself', async () => {
    // The DNS server tests also listen on ::1: the test machines have IPv6 loopback.
    const silent = await silentServer('::1');
    expect(silent).not.toBeNull();
    const { port, sockets } = silent!;
    const client = openZkClient([{ host: '::1', port }], { sessionTimeoutMs: 10_000, spinDelayMs: 100 });
    client.connect();
    await waitFor('a connection over ::1', () => sockets.length >= 1, { timeoutMs: 20_000 });
    expect(sockets[0]!.remoteAddress).toBe('::1');
    await closeZkClient(client);
  });
});

describe('against a scripted ZooKeeper', () => {
  /** Its low 32 bits, read as a reply's error code, are a code the library does not know. */
  const SESSION = 0x0100_0000_0000_0001n;

  const fakes: FakeZooKeeper[] = [];
  const clients: Client[] = [];
  const uncaught: unknown[] = [];
  const onUncaught = (err: unknown): void => {
    uncaught.push(err);
  };
  beforeEach(() => {
    uncaught.length = 0;
    process.on('uncaughtException', onUncaught);
  });
  afterEach(async () => {
    process.off('uncaughtException', onUncaught);
    await Promise.all(clients.splice(0).map((c) => closeZkClient(c)));
    await Promise.all(fakes.splice(0).map((f) => f.close()));
  });

  async function fakeZooKeeper(onHandshake: (conn: FakeZkConnection, index: number) => void): Promise<FakeZooKeeper> {
    const fake = await startFakeZooKeeper(onHandshake);
    fakes.push(fake);
    return fake;
  }

  function connect(port: number): Client {
    const client = openZkClient([{ host: '127.0.0.1', port }], { sessionTimeoutMs: 10_000, spinDelayMs: 100 });
    clients.push(client);
    client.connect();
    return client;
  }

  it('drops a connection the library opens after the client was closed', async () => {
    // Were it not dropped, the closed client would read the session answer as the reply to its close request.
    const fake = await fakeZooKeeper((conn) => conn.grant(SESSION));
    const client = connect(fake.port);
    // The library makes its first attempt on the next tick: after this close.
    await closeZkClient(client);
    await waitFor('the late connection to close', () => fake.connections[0]?.closed, { timeoutMs: 20_000 });
    expect(fake.connections).toHaveLength(1);
    expect(fake.connections[0]!.handshake).toBeNull();
    expect(uncaught).toEqual([]);
  });
});
