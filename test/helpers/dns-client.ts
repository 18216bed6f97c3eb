import dgram from 'node:dgram';
import net from 'node:net';
import { FrameDecoder, frame } from '../../src/wire/framing.js';

/** One UDP query to host:port; rejects after `timeoutMs` without a reply. */
export function udpQuery(port: number, msg: Buffer, timeoutMs = 5000, host = '127.0.0.1'): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const sock = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
    const timer = setTimeout(() => {
      sock.close();
      reject(new Error('no UDP reply'));
    }, timeoutMs);
    sock.on('message', (reply) => {
      clearTimeout(timer);
      sock.close();
      resolve(reply);
    });
    sock.send(msg, port, host);
  });
}

/**
 * What one UDP query to host:port meets: a reply, `refused` (an ICMP port unreachable: nothing is bound
 * there; the socket is connected so the kernel reports it), or `silence` after `timeoutMs`.
 */
export function udpProbe(
  port: number,
  msg: Buffer,
  host = '127.0.0.1',
  timeoutMs = 2000,
): Promise<'reply' | 'refused' | 'silence'> {
  return new Promise((resolve) => {
    const sock = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
    const done = (outcome: 'reply' | 'refused' | 'silence'): void => {
      clearTimeout(timer);
      sock.removeAllListeners();
      sock.on('error', () => undefined);
      sock.close();
      resolve(outcome);
    };
    const timer = setTimeout(() => done('silence'), timeoutMs);
    sock.on('message', () => done('reply'));
    sock.on('error', (err: NodeJS.ErrnoException) => done(err.code === 'ECONNREFUSED' ? 'refused' : 'silence'));
    sock.connect(port, host, () => sock.send(msg));
  });
}

/** The error code of a TCP connection attempt to host:port (`ECONNREFUSED` when nothing listens), or null. */
export function tcpConnectError(port: number, host = '127.0.0.1'): Promise<string | null> {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host });
    sock.once('connect', () => {
      sock.destroy();
      resolve(null);
    });
    sock.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

/** Opens a TCP connection to host:port and collects framed replies. */
export async function tcpConnect(
  port: number,
  host = '127.0.0.1',
): Promise<{
  sock: net.Socket;
  replies: Buffer[];
  closed: Promise<void>;
  waitFor(n: number, timeoutMs?: number): Promise<Buffer[]>;
}> {
  const sock = net.connect({ port, host });
  sock.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    sock.once('connect', resolve);
    sock.once('error', reject);
  });
  const replies: Buffer[] = [];
  const waiters: (() => void)[] = [];
  const dec = new FrameDecoder(2);
  sock.on('data', (c) => {
    dec.push(c, (m) => replies.push(Buffer.from(m)));
    for (const w of waiters.splice(0)) w();
  });
  const closed = new Promise<void>((resolve) => sock.once('close', () => resolve()));
  return {
    sock,
    replies,
    closed,
    waitFor(n, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${replies.length} of ${n} TCP replies`)), timeoutMs);
        const check = (): void => {
          if (replies.length >= n) {
            clearTimeout(timer);
            resolve(replies.slice(0, n));
          } else if (sock.destroyed) {
            clearTimeout(timer);
            reject(new Error(`connection closed after ${replies.length} of ${n} TCP replies`));
          } else waiters.push(check);
        };
        sock.once('close', () => check());
        check();
      });
    },
  };
}

export async function tcpQueries(port: number, msgs: Buffer[], host = '127.0.0.1'): Promise<Buffer[]> {
  const c = await tcpConnect(port, host);
  c.sock.write(Buffer.concat(msgs.map(frame)));
  try {
    return await c.waitFor(msgs.length);
  } finally {
    c.sock.destroy();
  }
}
