import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';

/**
 * A ZooKeeper stand-in on a loopback port that speaks just enough of the
 * protocol (jute frames: a 4-octet big-endian length, then the record) for a
 * test to script what the client reads: it calls `onHandshake` when a
 * connection's session request arrives, records each request, answers pings
 * and the close request, and sends nothing else unless the test tells it to.
 */
export interface FakeZooKeeper {
  port: number;
  /** every connection accepted, oldest first */
  connections: FakeZkConnection[];
  close(): Promise<void>;
}

export interface FakeZkConnection {
  /** the ConnectRequest, once it has arrived */
  handshake: { sessionId: bigint; timeoutMs: number } | null;
  /** requests after the handshake (pings left out), oldest first */
  requests: Array<{ xid: number; type: number }>;
  /** the client closed the connection, or it was ended by `end()` */
  closed: boolean;
  /** answers the handshake: a session of `timeoutMs` with this id */
  grant(sessionId: bigint, timeoutMs?: number): void;
  send(bytes: Buffer): void;
  /** sends a FIN after anything written */
  end(): void;
}

/** ZooKeeper op codes the tests use */
export const OP_GET_DATA = 4;
const XID_PING = -2;
const OP_CLOSE_SESSION = -11;

export function frame(body: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeInt32BE(body.length);
  return Buffer.concat([len, body]);
}

/** A ConnectResponse frame: protocol version 0, the session timeout, the session id, a 16-octet password. */
export function connectResponse(sessionId: bigint, timeoutMs: number): Buffer {
  const body = Buffer.alloc(4 + 4 + 8 + 4 + 16);
  body.writeInt32BE(0, 0);
  body.writeInt32BE(timeoutMs, 4);
  body.writeBigInt64BE(sessionId, 8);
  body.writeInt32BE(16, 16);
  return frame(body);
}

/** A ReplyHeader frame (xid, zxid, err) followed by `payload`. */
export function reply(xid: number, err: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const header = Buffer.alloc(16);
  header.writeInt32BE(xid, 0);
  header.writeBigInt64BE(1n, 4);
  header.writeInt32BE(err, 12);
  return frame(Buffer.concat([header, payload]));
}

export async function startFakeZooKeeper(
  onHandshake: (conn: FakeZkConnection, index: number) => void,
): Promise<FakeZooKeeper> {
  const connections: FakeZkConnection[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    const index = connections.length;
    const conn = accept(socket, () => onHandshake(conn, index));
    socket.on('close', () => {
      conn.closed = true;
      sockets.delete(socket);
    });
    connections.push(conn);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  return {
    port: typeof addr === 'object' && addr !== null ? addr.port : 0,
    connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function accept(socket: Socket, onHandshake: () => void): FakeZkConnection {
  let held = Buffer.alloc(0);
  const conn: FakeZkConnection = {
    handshake: null,
    requests: [],
    closed: false,
    grant: (sessionId, timeoutMs = 10_000) => conn.send(connectResponse(sessionId, timeoutMs)),
    send: (bytes) => {
      if (!socket.destroyed) socket.write(bytes);
    },
    end: () => socket.end(),
  };
  socket.on('error', () => undefined);
  socket.on('data', (data: Buffer) => {
    held = Buffer.concat([held, data]);
    while (held.length >= 4 && held.length >= 4 + held.readInt32BE(0)) {
      const body = held.subarray(4, 4 + held.readInt32BE(0));
      held = held.subarray(4 + body.length);
      if (conn.handshake === null) {
        // ConnectRequest: protocol version, last zxid seen, timeout, session id, password
        conn.handshake = { timeoutMs: body.readInt32BE(12), sessionId: body.readBigInt64BE(16) };
        onHandshake();
        continue;
      }
      const xid = body.readInt32BE(0);
      const type = body.readInt32BE(4);
      if (xid === XID_PING) {
        conn.send(reply(XID_PING, 0));
      } else if (type === OP_CLOSE_SESSION) {
        conn.send(reply(xid, 0));
        conn.end();
      } else {
        conn.requests.push({ xid, type });
      }
    }
  });
  return conn;
}
