import net from 'node:net';
import { FrameDecoder, frame } from '../../wire/framing.js';
import type { ExchangeCallback } from './udp-upstream.js';
import type { Upstream } from './router.js';

/**
 * One query over a fresh TCP connection: connect, send, read one framed reply
 * whose ID is ours, close. The whole attempt (connect + write + read) gets
 * `timeoutMs`; the socket and the timer are released on every path. Returns
 * a function that aborts the attempt (used at shutdown).
 */
export function tcpExchange(query: Buffer, upstream: Upstream, timeoutMs: number, cb: ExchangeCallback): () => void {
  const id = query.readUInt16BE(0);
  let done = false;
  const socket = net.connect({ host: upstream.host, port: upstream.port, family: upstream.family });
  const finish = (reply: Buffer | null, failure: string): void => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    socket.destroy();
    cb(reply, failure);
  };
  const timer = setTimeout(() => finish(null, 'timeout'), timeoutMs);
  const decoder = new FrameDecoder(2);
  socket.setNoDelay(true);
  socket.on('connect', () => socket.write(frame(query)));
  socket.on('data', (chunk) => {
    const ok = decoder.push(chunk, (msg) => {
      // Another ID on this private connection is a broken upstream, not a
      // spoofer, so it fails the attempt at once.
      finish(msg.readUInt16BE(0) === id ? msg : null, 'id mismatch');
    });
    if (!ok) finish(null, 'bad length prefix');
  });
  socket.on('error', (err) => finish(null, `tcp: ${err.message}`));
  socket.on('close', () => finish(null, 'closed before a reply'));
  return () => finish(null, 'closed');
}
