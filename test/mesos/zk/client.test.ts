import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { closeZkClient, openZkClient } from '../../../src/mesos/zk/client.js';
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
