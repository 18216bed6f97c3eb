import dgram from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { Logger } from 'pino';
import type { QueryDispatcher } from '../answer/dispatch.js';

export interface UdpServer {
  readonly port: number;
  close(): Promise<void>;
}

export interface UdpServerOptions {
  host: string;
  port: number;
  /** this IPv6 socket takes IPv6 only, so `::` and `0.0.0.0` can both be bound (false for IPv4) */
  ipv6Only: boolean;
  dispatcher: QueryDispatcher;
  log: Logger;
}

/** Kernel buffers large enough to ride out bursts (the kernel caps them at rmem_max/wmem_max). */
const RECV_BUFFER = 8 * 1024 * 1024;
const SEND_BUFFER = 2 * 1024 * 1024;
const ERROR_LOG_INTERVAL_MS = 10_000;

/**
 * One UDP socket: each datagram (up to 65535 bytes, EDNS) goes through the
 * dispatcher and its reply, now or after forwarding, goes back to the sender.
 * In a `node:cluster` worker the bind is shared through the primary, so all
 * workers read the same socket.
 */
export function startUdpServer(opts: UdpServerOptions): Promise<UdpServer> {
  const socket = dgram.createSocket({
    type: isIPv6(opts.host) ? 'udp6' : 'udp4',
    ipv6Only: opts.ipv6Only,
    recvBufferSize: RECV_BUFFER,
    sendBufferSize: SEND_BUFFER,
  });
  let closed = false;
  let lastErrorLog = 0;
  let suppressed = 0;
  const onSendError = (err: Error | null): void => {
    if (err === null) return;
    // Send failures (ENOBUFS, an unreachable client) are per query: log a sample, not each.
    const now = Date.now();
    if (now - lastErrorLog < ERROR_LOG_INTERVAL_MS) {
      suppressed++;
      return;
    }
    opts.log.warn({ err, suppressed }, 'UDP reply could not be sent');
    lastErrorLog = now;
    suppressed = 0;
  };
  const sendLater = (reply: Buffer, to: dgram.RemoteInfo): void => {
    if (!closed) socket.send(reply, to.port, to.address, onSendError);
  };
  socket.on('message', (msg, rinfo) => {
    // Port 0 cannot be replied to (and dgram would throw); such a datagram is spoofed.
    if (rinfo.port === 0) return;
    const d = opts.dispatcher.dispatch(msg, 'udp', rinfo.address, rinfo, sendLater);
    if (d.kind === 'reply') socket.send(d.reply, rinfo.port, rinfo.address, onSendError);
  });

  return new Promise((resolve, reject) => {
    const onBindError = (err: Error): void => {
      closed = true;
      socket.close();
      reject(err);
    };
    socket.once('error', onBindError);
    socket.bind({ port: opts.port, address: opts.host, exclusive: false }, () => {
      socket.off('error', onBindError);
      socket.on('error', onSendError);
      resolve({
        port: socket.address().port,
        close: () =>
          new Promise<void>((done) => {
            if (closed) return done();
            closed = true;
            socket.close(() => done());
          }),
      });
    });
  });
}
