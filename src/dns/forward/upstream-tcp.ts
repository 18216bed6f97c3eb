import net from 'node:net';
import { FrameDecoder, frame } from '../../wire/framing.js';
import { HEADER_LEN } from '../../wire/constants.js';
import type { Upstream } from './router.js';
import { verifyReply, type AttemptCallback, type IgnoredCallback } from './verify.js';

/**
 * One query to one upstream over a fresh TCP connection: connect, send, read
 * framed messages until one answers `query` (see `verifyReply`; others are
 * ignored), close. The whole attempt (connect, write, read) gets `timeoutMs`;
 * the socket and the timer are released on every path. `cb` is called once,
 * from a socket or timer event. Returns a function that ends the attempt
 * without calling `cb`.
 */
export function tcpAttempt(
  query: Buffer,
  questionEnd: number,
  upstream: Upstream,
  timeoutMs: number,
  onIgnored: IgnoredCallback,
  cb: AttemptCallback,
): () => void {
  let done = false;
  const socket = net.connect({ host: upstream.host, port: upstream.port, family: upstream.family });
  const release = (): void => {
    done = true;
    clearTimeout(timer);
    socket.destroy();
  };
  const fail = (failure: string): void => {
    if (done) return;
    release();
    cb(null, failure);
  };
  const timer = setTimeout(() => fail('timeout'), timeoutMs);
  const decoder = new FrameDecoder(HEADER_LEN);
  socket.setNoDelay(true);
  socket.on('connect', () => socket.write(frame(query)));
  socket.on('data', (chunk) => {
    const framed = decoder.push(chunk, (msg) => {
      if (done) return;
      const scan = verifyReply(msg, query, questionEnd);
      if (scan === null) return onIgnored();
      release();
      cb({ msg, scan }, '');
    });
    if (!framed) fail('bad length prefix');
  });
  socket.on('error', (err) => fail(`tcp: ${err.message}`));
  socket.on('close', () => fail('closed before a reply'));
  return () => {
    if (!done) release();
  };
}
