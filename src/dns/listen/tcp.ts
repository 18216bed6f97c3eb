import net from 'node:net';
import type { Logger } from 'pino';
import type { QueryDispatcher } from '../answer/dispatch.js';
import { FrameDecoder, frame } from '../../wire/framing.js';

export interface TcpServer {
  readonly port: number;
  /** connections open now */
  readonly connections: number;
  close(): Promise<void>;
}

/** Open connections against their bound, shared by the listeners of one process. */
export interface TcpConnectionLimit {
  readonly max: number;
  open: number;
}

export interface TcpServerOptions {
  host: string;
  port: number;
  /** this IPv6 listener takes IPv6 only, so `::` and `0.0.0.0` can both be bound (false for IPv4) */
  ipv6Only: boolean;
  dispatcher: QueryDispatcher;
  log: Logger;
  limit: TcpConnectionLimit;
  idleTimeoutMs: number;
}

/** Forwarded queries one connection may have waiting before we stop reading from it. */
const MAX_OUTSTANDING = 64;
/** After a graceful close, how long a peer that does not read gets before the socket is destroyed. */
const CLOSE_GRACE_MS = 1_000;

/**
 * One DNS-over-TCP connection (RFC 7766): pipelined queries, each answered as
 * soon as it is ready (so forwarded ones may come back out of order).
 *
 * Memory per connection is bounded: every query read goes into a queue, and
 * queries are taken from it only while the peer reads our replies (the
 * socket's write buffer is below its high-water mark) and fewer than
 * MAX_OUTSTANDING forwards are pending; meanwhile reading is paused, so the
 * queue never holds more than one read. The queue is drained by a loop, never
 * by recursion: a forwarded reply arrives from a socket or timer event, and a
 * cached one comes back from `dispatch` as a value.
 *
 * "Idle" counts from the last complete query or reply, so a peer that dribbles
 * bytes of a message it never finishes is closed after the idle timeout like a
 * silent one.
 */
class TcpConnection {
  private readonly decoder = new FrameDecoder();
  private lastActive = Date.now();
  private outstanding = 0;
  private queue: Buffer[] = [];
  private queueHead = 0;
  /** the last write found the socket's buffer full: wait for 'drain' */
  private writeBlocked = false;
  /** the peer has half-closed (sent FIN): finish what is queued and outstanding, then close */
  private peerEnded = false;
  private timer: NodeJS.Timeout;

  constructor(
    private readonly sock: net.Socket,
    private readonly dispatcher: QueryDispatcher,
    private readonly idleMs: number,
    private readonly client: string,
  ) {
    this.timer = setTimeout(this.checkIdle, idleMs);
    sock.on('data', this.onData);
    sock.on('drain', this.onDrain);
    sock.on('end', () => {
      this.peerEnded = true;
      this.pump();
    });
    // Resets and aborted connections are routine; 'close' follows and cleans up.
    sock.on('error', () => undefined);
    sock.on('close', () => clearTimeout(this.timer));
  }

  destroy(): void {
    clearTimeout(this.timer);
    this.sock.destroy();
  }

  private readonly onData = (chunk: Buffer): void => {
    const framed = this.decoder.push(chunk, this.enqueue);
    this.pump();
    // A length prefix shorter than a header: the stream is unusable after what came before it.
    if (!framed) this.sock.destroy();
  };

  private readonly enqueue = (msg: Buffer): void => {
    this.queue.push(msg);
  };

  private get queued(): boolean {
    return this.queueHead < this.queue.length;
  }

  private get canTakeMore(): boolean {
    return !this.writeBlocked && this.outstanding < MAX_OUTSTANDING && !this.sock.destroyed;
  }

  /** Answers queued queries while the connection can take more, then reads on, pauses, or closes. */
  private pump(): void {
    while (this.queued && this.canTakeMore) this.handle(this.queue[this.queueHead++]!);
    if (!this.queued && this.queue.length > 0) {
      this.queue = [];
      this.queueHead = 0;
    }
    if (this.sock.destroyed) return;
    if (this.peerEnded) {
      if (this.outstanding === 0 && !this.queued) this.sock.end();
    } else if (this.canTakeMore && !this.queued) {
      this.sock.resume();
    } else {
      this.sock.pause();
    }
  }

  private handle(msg: Buffer): void {
    this.lastActive = Date.now();
    const d = this.dispatcher.dispatch(msg, 'tcp', this.client, this, replyLater);
    if (d.kind === 'reply') this.write(d.reply);
    else if (d.kind === 'forwarded') this.outstanding++;
  }

  onForwardReply(reply: Buffer): void {
    this.outstanding--;
    this.write(reply);
    this.pump();
  }

  private write(reply: Buffer): void {
    const sock = this.sock;
    if (sock.destroyed || !sock.writable) return;
    this.lastActive = Date.now();
    if (!sock.write(frame(reply))) this.writeBlocked = true;
  }

  private readonly onDrain = (): void => {
    this.writeBlocked = false;
    this.pump();
  };

  private readonly checkIdle = (): void => {
    if (this.sock.destroyed) return;
    const idleFor = Date.now() - this.lastActive;
    // Waiting for an upstream is progress; waiting for a peer that does not read is not.
    if ((this.outstanding > 0 && !this.writeBlocked) || idleFor < this.idleMs) {
      this.timer = setTimeout(this.checkIdle, Math.max(1, this.idleMs - idleFor));
      return;
    }
    if (this.writeBlocked) {
      this.sock.destroy();
      return;
    }
    this.sock.end();
    this.timer = setTimeout(() => this.sock.destroy(), CLOSE_GRACE_MS);
  };
}

function replyLater(reply: Buffer, conn: TcpConnection): void {
  conn.onForwardReply(reply);
}

/**
 * One DNS TCP listener: while `limit` is reached (over all listeners), new
 * connections are closed at once; each connection has the idle timeout above.
 */
export function startTcpServer(opts: TcpServerOptions): Promise<TcpServer> {
  const conns = new Set<TcpConnection>();
  let refusedLogged = 0;
  // allowHalfOpen: a client may send its queries and then FIN; replies to
  // forwarded queries still have to reach it (RFC 7766 §6.2.4).
  const server = net.createServer({ noDelay: true, allowHalfOpen: true }, (sock) => {
    const limit = opts.limit;
    if (limit.open >= limit.max) {
      sock.on('error', () => undefined);
      sock.destroy();
      const now = Date.now();
      if (now - refusedLogged > 10_000) {
        refusedLogged = now;
        opts.log.warn({ maxConnections: limit.max }, 'TCP connection limit reached; closing new connections');
      }
      return;
    }
    const conn = new TcpConnection(sock, opts.dispatcher, opts.idleTimeoutMs, sock.remoteAddress ?? '');
    conns.add(conn);
    limit.open++;
    sock.on('close', () => {
      conns.delete(conn);
      limit.open--;
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: opts.port, host: opts.host, ipv6Only: opts.ipv6Only, exclusive: false }, () => {
      server.off('error', reject);
      server.on('error', (err) => opts.log.error({ err }, 'DNS TCP listener failed'));
      const addr = server.address() as net.AddressInfo;
      resolve({
        port: addr.port,
        get connections() {
          return conns.size;
        },
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            for (const c of conns) c.destroy();
          }),
      });
    });
  });
}
