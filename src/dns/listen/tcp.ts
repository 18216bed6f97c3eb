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

export interface TcpServerOptions {
  host: string;
  port: number;
  dispatcher: QueryDispatcher;
  log: Logger;
  maxConnections: number;
  idleTimeoutMs: number;
}

/** Forwarded queries one connection may have waiting before we stop reading from it. */
const MAX_OUTSTANDING = 64;
/** After a graceful close, how long a peer that does not read gets before the socket is destroyed. */
const CLOSE_GRACE_MS = 1_000;

/**
 * One DNS-over-TCP connection (RFC 7766): pipelined queries, each answered as
 * soon as it is ready (so forwarded ones may come back out of order).
 * Reading pauses while the peer does not read our replies or too many
 * forwards are outstanding. "Idle" counts from the last complete query or
 * reply, so a peer that dribbles bytes of a message it never finishes is
 * closed after the idle timeout like a silent one.
 */
class TcpConnection {
  private readonly decoder = new FrameDecoder();
  private lastActive = Date.now();
  private outstanding = 0;
  /**
   * Messages decoded while MAX_OUTSTANDING forwards were pending: one read can
   * hold thousands of queries, which must not all be forwarded at once. Bounded
   * by that one read (the socket is paused meanwhile).
   */
  private backlog: Buffer[] = [];
  private backlogHead = 0;
  private writeBlocked = false;
  /** the peer has half-closed (sent FIN): finish what is outstanding, then close */
  private peerEnded = false;
  private timer: NodeJS.Timeout;

  constructor(
    private readonly sock: net.Socket,
    private readonly dispatcher: QueryDispatcher,
    private readonly idleMs: number,
  ) {
    this.timer = setTimeout(this.checkIdle, idleMs);
    sock.on('data', this.onData);
    sock.on('drain', this.onDrain);
    sock.on('end', () => {
      this.peerEnded = true;
      if (this.outstanding <= 0 && !this.backlogged) sock.end();
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
    if (!this.decoder.push(chunk, this.onMessage)) this.sock.destroy();
  };

  private get backlogged(): boolean {
    return this.backlogHead < this.backlog.length;
  }

  private readonly onMessage = (msg: Buffer): void => {
    if (this.sock.destroyed) return;
    if (this.outstanding >= MAX_OUTSTANDING) {
      this.backlog.push(msg);
      return;
    }
    this.handle(msg);
  };

  private handle(msg: Buffer): void {
    this.lastActive = Date.now();
    const reply = this.dispatcher.dispatch(msg, 'tcp', this, replyLater);
    if (reply === null) {
      // Dropped, or forwarded: in the latter case replyLater() balances this.
      if (this.dispatcher.lastForwarded) {
        this.outstanding++;
        if (this.outstanding >= MAX_OUTSTANDING) this.sock.pause();
      }
      return;
    }
    this.write(reply);
  }

  onForwardReply(reply: Buffer): void {
    this.outstanding--;
    this.write(reply);
    while (this.backlogged && this.outstanding < MAX_OUTSTANDING && !this.sock.destroyed) {
      this.handle(this.backlog[this.backlogHead++]!);
    }
    if (!this.backlogged) {
      this.backlog = [];
      this.backlogHead = 0;
    }
    if (this.peerEnded && this.outstanding <= 0 && !this.backlogged) this.sock.end();
    else this.maybeResume();
  }

  private write(reply: Buffer): void {
    const sock = this.sock;
    if (sock.destroyed || !sock.writable) return;
    this.lastActive = Date.now();
    if (!sock.write(frame(reply))) {
      this.writeBlocked = true;
      sock.pause();
    }
  }

  private readonly onDrain = (): void => {
    this.writeBlocked = false;
    this.maybeResume();
  };

  private maybeResume(): void {
    if (
      !this.writeBlocked &&
      !this.backlogged &&
      this.outstanding < MAX_OUTSTANDING &&
      this.sock.isPaused() &&
      !this.sock.destroyed
    ) {
      this.sock.resume();
    }
  }

  private readonly checkIdle = (): void => {
    if (this.sock.destroyed) return;
    const idleFor = Date.now() - this.lastActive;
    if (this.outstanding > 0 || idleFor < this.idleMs) {
      this.timer = setTimeout(this.checkIdle, Math.max(1, this.idleMs - idleFor));
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
 * The DNS TCP listener: at most `maxConnections` open (extra ones are closed
 * at once), each with the idle timeout above.
 */
export function startTcpServer(opts: TcpServerOptions): Promise<TcpServer> {
  const conns = new Set<TcpConnection>();
  let refusedLogged = 0;
  // allowHalfOpen: a client may send its queries and then FIN; replies to
  // forwarded queries still have to reach it (RFC 7766 §6.2.4).
  const server = net.createServer({ noDelay: true, allowHalfOpen: true }, (sock) => {
    if (conns.size >= opts.maxConnections) {
      sock.on('error', () => undefined);
      sock.destroy();
      const now = Date.now();
      if (now - refusedLogged > 10_000) {
        refusedLogged = now;
        opts.log.warn({ maxConnections: opts.maxConnections }, 'TCP connection limit reached; closing new connections');
      }
      return;
    }
    const conn = new TcpConnection(sock, opts.dispatcher, opts.idleTimeoutMs);
    conns.add(conn);
    sock.on('close', () => conns.delete(conn));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: opts.port, host: opts.host, exclusive: false }, () => {
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
