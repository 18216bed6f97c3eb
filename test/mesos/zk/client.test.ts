import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { Exception, State } from 'node-zookeeper-client';
import type { Client } from 'node-zookeeper-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeZkClient, getData, isNoNode, openZkClient } from '../../../src/mesos/zk/client.js';
import { OP_GET_DATA, frame, reply, startFakeZooKeeper } from '../../helpers/fake-zookeeper.js';
import type { FakeZkConnection, FakeZooKeeper } from '../../helpers/fake-zookeeper.js';
import { errOf, memoryLogger } from '../../helpers/memory-logger.js';
import type { MemoryLogger } from '../../helpers/memory-logger.js';
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
  const NO_NODE = -101;

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

  function connect(port: number, logger?: MemoryLogger): Client {
    const client = openZkClient([{ host: '127.0.0.1', port }], {
      sessionTimeoutMs: 10_000,
      spinDelayMs: 100,
      ...(logger === undefined ? {} : { log: logger.log }),
    });
    clients.push(client);
    client.connect();
    return client;
  }

  function connected(client: Client): Promise<void> {
    return new Promise((resolve) => client.once('connected', () => resolve()));
  }

  /** Asks for a znode and waits for the request to reach the server. */
  async function askData(conn: FakeZkConnection, client: Client): Promise<{ xid: number; answer: Promise<Buffer> }> {
    const seen = conn.requests.length;
    const answer = getData(client, '/x');
    answer.catch(() => undefined);
    await waitFor('the request', () => conn.requests.length > seen, { timeoutMs: 20_000 });
    const request = conn.requests[seen]!;
    expect(request.type).toBe(OP_GET_DATA);
    return { xid: request.xid, answer };
  }

  it('drops the partial frame of a closed connection instead of reading it with the next connection', async () => {
    const fake = await fakeZooKeeper((conn, index) => {
      conn.grant(SESSION);
      if (index === 0) {
        conn.send(reply(-2, 0).subarray(0, 6));
        conn.end();
      }
    });
    const client = connect(fake.port);
    await waitFor(
      'a session over a second connection',
      () => (fake.connections[1]?.handshake ?? null) !== null && client.getState() === State.SYNC_CONNECTED,
      { timeoutMs: 20_000 },
    );
    const second = fake.connections[1]!;
    expect(second.handshake?.sessionId).toBe(SESSION);

    const { xid, answer } = await askData(second, client);
    second.send(reply(xid, NO_NODE));
    expect(isNoNode(await answer.catch((err: unknown) => err))).toBe(true);
    expect(fake.connections.length).toBe(2);
    expect(second.closed).toBe(false);
    expect(uncaught).toEqual([]);
  });

  it.each([
    { what: 'a reply with an error code the library does not know', bytes: (xid: number) => reply(xid, -1874001919) },
    { what: 'a watch notification cut short', bytes: () => reply(-1, 0, Buffer.alloc(2)) },
    { what: 'a reply cut short', bytes: (xid: number) => frame(Buffer.alloc(6, xid)) },
    { what: 'a negative frame length', bytes: () => Buffer.from([0xff, 0xff, 0xff, 0xfe, 0, 0, 0, 0]) },
    {
      what: 'a frame of 1 MiB, longer than ZooKeeper sends',
      bytes: () => frame(Buffer.alloc(1 << 20)).subarray(0, 64),
    },
  ])('closes the connection on $what, fails its requests and resumes the session', async ({ bytes }) => {
    const logger = memoryLogger();
    const fake = await fakeZooKeeper((conn) => conn.grant(SESSION));
    const client = connect(fake.port, logger);
    await connected(client);
    const first = fake.connections[0]!;

    const { xid, answer } = await askData(first, client);
    const again = connected(client);
    first.send(bytes(xid));
    const err = await answer.catch((e: unknown) => e);
    expect(err instanceof Exception && err.getCode() === Exception.CONNECTION_LOSS).toBe(true);
    await again;
    expect(first.closed).toBe(true);
    expect(fake.connections[1]?.handshake?.sessionId).toBe(SESSION);
    const warned = logger.lines.filter((l) => errOf(l)?.code === 'MESOS_DNS_ZK_BAD_FRAME');
    expect(warned).toHaveLength(1);
    expect(warned[0]!.level).toBe(40);
    expect(uncaught).toEqual([]);
  });

  it('closes the connection on a session answer it cannot read, and tries again', async () => {
    const fake = await fakeZooKeeper((conn, index) => {
      if (index === 0) conn.send(frame(Buffer.alloc(6)));
      else conn.grant(SESSION);
    });
    const client = connect(fake.port);
    await connected(client);
    expect(fake.connections.map((c) => c.closed)).toEqual([true, false]);
    expect(uncaught).toEqual([]);
  });

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
