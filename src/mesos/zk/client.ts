import type { Socket } from 'node:net';
import { createClient, Exception, State } from 'node-zookeeper-client';
import type { Client, Event } from 'node-zookeeper-client';
import type { Logger } from 'pino';
import type { ZkServer } from '../../config/zk-url.js';
import { MesosDnsError, errorMessage } from '../../errors.js';

/**
 * The few node-zookeeper-client quirks the detector must work around live here,
 * so the detector itself only sees promises and plain errors.
 */

/** The private part of the library's client that the workarounds below touch. */
interface ConnectionManagerInternals {
  servers?: Array<{ host: string; port: number }>;
  socket?: Socket;
  state?: number;
  /** the start of a frame not yet whole */
  pendingBuffer?: Buffer | null;
  /** the requests sent and waiting for their replies, oldest first */
  pendingQueue?: unknown[];
  connectTimeoutHandler?: NodeJS.Timeout | null;
  connect?: () => void;
  onSocketConnected?: (...args: unknown[]) => void;
  onSocketData?: (data: Buffer) => void;
  onSocketClosed?: (...args: unknown[]) => void;
}

/** ConnectionManager.STATES.CONNECTING in node-zookeeper-client 1.x */
const CM_CONNECTING = 1;

/**
 * A frame's length (after its 4-octet prefix) must be below this. ZooKeeper's Java client refuses frames
 * of its `jute.maxbuffer` (1 MiB − 1 by default) or more, so a server never relies on sending them.
 */
const FRAME_LIMIT = 1 << 20;

/** Clients closed by `closeZkClient`: a connection the library still opens for them is dropped at once. */
const closedClients = new WeakSet<ConnectionManagerInternals>();

function internals(client: Client): ConnectionManagerInternals | undefined {
  return (client as unknown as { connectionManager?: ConnectionManagerInternals }).connectionManager;
}

export interface ZkClientOptions {
  sessionTimeoutMs: number;
  /** longest random wait between connection attempts once every server failed */
  spinDelayMs: number;
  /** a server that accepted TCP but has not answered the session handshake by then is dropped */
  handshakeTimeoutMs?: number;
  /** where a connection dropped for an unreadable frame is logged */
  log?: Logger;
}

export function openZkClient(servers: readonly ZkServer[], options: ZkClientOptions): Client {
  // The library's connection-string parser splits hosts on every ':', so IPv6
  // hosts cannot be written there; give it placeholders and the real list after.
  const connectionString = servers.map((s, i) => `placeholder${i}:${s.port}`).join(',');
  const client = createClient(connectionString, {
    sessionTimeout: options.sessionTimeoutMs,
    spinDelay: options.spinDelayMs,
    retries: 0,
  });
  const cm = internals(client);
  if (cm === undefined || !Array.isArray(cm.servers)) {
    throw new Error('node-zookeeper-client internals changed: cannot set the server list');
  }
  cm.servers = shuffle(servers.map((s) => ({ host: s.host, port: s.port })));
  guardHandshake(cm, options.handshakeTimeoutMs ?? Math.min(5000, options.sessionTimeoutMs / 2));
  guardFrames(cm, options.log);
  return client;
}

/**
 * The library stops timing a connection once TCP is up, so a server that
 * accepts but never answers the session request (ZooKeeper does this while it
 * starts) leaves the client waiting forever. Closing such a socket puts the
 * library back into its own reconnect loop, keeping the session.
 *
 * A connection attempt the library had already scheduled when the client was
 * closed still opens a socket; it is closed before the session request, whose
 * answer the closed client would read as the reply to its close request.
 */
function guardHandshake(cm: ConnectionManagerInternals, timeoutMs: number): void {
  const original = cm.onSocketConnected;
  if (typeof original !== 'function' || cm.connectTimeoutHandler !== null) {
    throw new Error('node-zookeeper-client internals changed: cannot guard the session handshake');
  }
  cm.onSocketConnected = function (this: ConnectionManagerInternals, ...args: unknown[]) {
    const socket = this.socket;
    if (closedClients.has(cm)) {
      // The library's own handler would have stopped this timer, which would keep the process alive.
      if (this.connectTimeoutHandler) clearTimeout(this.connectTimeoutHandler);
      socket?.destroy();
      return;
    }
    if (socket !== undefined) {
      const timer = setTimeout(() => {
        if (cm.state === CM_CONNECTING && cm.socket === socket) socket.destroy();
      }, timeoutMs);
      timer.unref();
      socket.once('close', () => clearTimeout(timer));
    }
    original.apply(this, args);
  };
}

/**
 * The library's frame reader trusts the server and the socket: it keeps the
 * start of a frame cut off by a closed connection and reads it glued to the
 * next connection's first bytes, it buffers whatever length a frame claims,
 * and a frame it cannot parse throws out of the socket's event handler, which
 * ends the process. Here every closed connection drops its partial frame, and
 * a frame of a length ZooKeeper never sends, or one the library throws on,
 * closes its connection instead: the library reconnects and resumes the
 * session if it can, as after any lost connection.
 */
function guardFrames(cm: ConnectionManagerInternals, log: Logger | undefined): void {
  const onData = cm.onSocketData;
  const onClosed = cm.onSocketClosed;
  if (
    typeof onData !== 'function' ||
    typeof onClosed !== 'function' ||
    cm.pendingBuffer !== null ||
    !Array.isArray(cm.pendingQueue)
  ) {
    throw new Error('node-zookeeper-client internals changed: cannot guard its frame reader');
  }
  const pendingQueue = cm.pendingQueue;
  cm.onSocketClosed = function (this: ConnectionManagerInternals, ...args: unknown[]) {
    this.pendingBuffer = null;
    onClosed.apply(this, args);
  };
  // The library reads one frame per call and calls this again for the rest, so each call has one frame.
  cm.onSocketData = function (this: ConnectionManagerInternals, data: Buffer) {
    const length = nextFrameLength(this.pendingBuffer ?? null, data);
    if (length !== undefined && (length < 0 || length >= FRAME_LIMIT)) {
      dropConnection(this, `ZooKeeper frame length ${length} is out of range`, undefined, log);
      return;
    }
    const waiting = pendingQueue[0];
    try {
      onData.call(this, data);
    } catch (err) {
      // The library takes a reply's request off the queue before parsing the reply; put it back so that it
      // fails with the connection, as the other waiting requests do. (Had the request's callback run and
      // thrown, it would be called twice; ours only settle promises and never throw.)
      if (waiting !== undefined && pendingQueue[0] !== waiting) pendingQueue.unshift(waiting);
      dropConnection(this, `unreadable ZooKeeper frame: ${errorMessage(err)}`, err, log);
    }
  };
}

/** The length prefix of the frame the library reads next, once its four octets have arrived. */
function nextFrameLength(held: Buffer | null, data: Buffer): number | undefined {
  if (held === null || held.length === 0) return data.length < 4 ? undefined : data.readInt32BE(0);
  if (held.length + data.length < 4) return undefined;
  return Buffer.concat([held, data.subarray(0, 4)]).readInt32BE(0);
}

function dropConnection(
  cm: ConnectionManagerInternals,
  message: string,
  cause: unknown,
  log: Logger | undefined,
): void {
  cm.pendingBuffer = null;
  log?.warn(
    { err: new MesosDnsError('MESOS_DNS_ZK_BAD_FRAME', message, { cause }) },
    'ZooKeeper sent a frame the client cannot read; closing the connection',
  );
  cm.socket?.destroy();
}

/**
 * Closes a client for good. The library reconnects when a close races a pending
 * reconnect attempt, and it leaves the socket open when never connected; both
 * would keep a dead client (and the process) alive.
 */
export async function closeZkClient(client: Client, graceMs = 1000): Promise<void> {
  const cm = internals(client);
  const connected = client.getState() === State.SYNC_CONNECTED;
  if (cm !== undefined) {
    cm.connect = () => undefined;
    closedClients.add(cm);
  }
  try {
    client.close();
  } catch {
    // Already closed or never connected: nothing left to tell the server.
  }
  const socket = cm?.socket;
  if (connected && socket !== undefined && !socket.destroyed) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, graceMs);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
  cm?.socket?.destroy();
}

export function isNoNode(err: unknown): boolean {
  return err instanceof Exception && err.getCode() === Exception.NO_NODE;
}

export function getChildren(client: Client, path: string, watcher: (event: Event) => void): Promise<string[]> {
  return new Promise((resolve, reject) => {
    client.getChildren(path, watcher, (err, children) => (err ? reject(err) : resolve(children)));
  });
}

export function getData(client: Client, path: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    client.getData(path, (err, data) => (err ? reject(err) : resolve(data ?? Buffer.alloc(0))));
  });
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}
