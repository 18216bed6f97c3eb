import type { Socket } from 'node:net';
import { createClient, Exception, State } from 'node-zookeeper-client';
import type { Client, Event } from 'node-zookeeper-client';
import type { ZkServer } from '../../config/zk-url.js';

/**
 * The few node-zookeeper-client quirks the detector must work around live here,
 * so the detector itself only sees promises and plain errors.
 */

/** The private part of the library's client that the workarounds below touch. */
interface ConnectionManagerInternals {
  servers?: Array<{ host: string; port: number }>;
  socket?: Socket;
  state?: number;
  connectTimeoutHandler?: NodeJS.Timeout | null;
  connect?: () => void;
  onSocketConnected?: (...args: unknown[]) => void;
}

/** ConnectionManager.STATES.CONNECTING in node-zookeeper-client 1.x */
const CM_CONNECTING = 1;

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
