import dgram from 'node:dgram';
import type { Upstream } from './router.js';
import { verifyReply, type AttemptCallback, type IgnoredCallback } from './verify.js';

/**
 * One query to one upstream over UDP, on a socket of its own: `connect` binds
 * it to port 0, so the kernel picks a random ephemeral source port for every
 * attempt, and the kernel then delivers only datagrams from the upstream's
 * address and port (RFC 5452 §9.2: an unpredictable source port per query).
 * A datagram that does not answer `query` (see `verifyReply`) is ignored and
 * the attempt waits on; the attempt fails on `timeoutMs`, a socket error, or
 * the upstream's port being unreachable (ICMP, reported on connected sockets).
 * `cb` is called once, from a socket or timer event. Returns a function that
 * ends the attempt without calling `cb`.
 */
export function udpAttempt(
  query: Buffer,
  questionEnd: number,
  upstream: Upstream,
  timeoutMs: number,
  onIgnored: IgnoredCallback,
  cb: AttemptCallback,
): () => void {
  const socket = dgram.createSocket(upstream.family === 6 ? 'udp6' : 'udp4');
  let done = false;
  const release = (): void => {
    done = true;
    clearTimeout(timer);
    socket.close();
  };
  const timer = setTimeout(() => {
    release();
    cb(null, 'timeout');
  }, timeoutMs);
  socket.on('message', (msg, rinfo) => {
    if (done) return;
    // The connected socket already filters by source; checked again so that no path relies on it alone.
    const scan =
      rinfo.address === upstream.host && rinfo.port === upstream.port ? verifyReply(msg, query, questionEnd) : null;
    if (scan === null) return onIgnored();
    release();
    cb({ msg, scan }, '');
  });
  socket.on('error', (err) => {
    if (done) return;
    release();
    cb(null, `udp: ${err.message}`);
  });
  socket.connect(upstream.port, upstream.host, () => {
    if (!done) socket.send(query);
  });
  return () => {
    if (!done) release();
  };
}
