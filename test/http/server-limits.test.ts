import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ServingState } from '../../src/serving.js';
import { HTTP_TIMEOUTS, type HttpTimeouts } from '../../src/http/server.js';
import { waitFor } from '../helpers/wait.js';
import { fixtureSnapshot, httpFixtureConfig, loadedServing, serve } from './support.js';

const fixture = 'upstream-fake';
/** Short enough for a quick test; the assertions are only that the server closes, never when. */
const SHORT: HttpTimeouts = { headersMs: 200, requestMs: 400, keepAliveMs: 5_000, idleMs: 300 };

interface Peer {
  sock: Socket;
  /** everything received so far */
  received(): string;
  closed: Promise<void>;
}

/** A raw TCP client, so a test can misbehave exactly as a hostile peer would. */
async function peer(port: number): Promise<Peer> {
  const sock = connect(port, '127.0.0.1');
  const chunks: Buffer[] = [];
  sock.on('data', (c: Buffer) => chunks.push(c));
  sock.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => sock.on('close', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    sock.once('connect', resolve);
    sock.once('error', reject);
  });
  return { sock, received: () => Buffer.concat(chunks).toString('latin1'), closed };
}

/** One complete request on an open connection, and the status line of its reply. */
async function statusLine(p: Peer, path: string): Promise<string> {
  const before = p.received().length;
  p.sock.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
  for (;;) {
    const text = p.received().slice(before);
    const end = text.indexOf('\r\n');
    if (end >= 0) return text.slice(0, end);
    await new Promise((resolve) => p.sock.once('data', resolve));
  }
}

describe('HTTP server limits', () => {
  it('defaults to 10 s for headers, 30 s per request, 5 s keep-alive, 30 s without traffic', () => {
    expect(HTTP_TIMEOUTS).toEqual({ headersMs: 10_000, requestMs: 30_000, keepAliveMs: 5_000, idleMs: 30_000 });
  });

  it('closes a peer that never finishes its headers (slowloris)', async () => {
    const { server } = await serve(httpFixtureConfig(fixture), new ServingState(), { timeouts: SHORT });
    const p = await peer(server.port);
    p.sock.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: 1');
    await p.closed;
    expect(p.received()).not.toContain('200 OK');
  });

  it('closes a peer that connects and sends nothing', async () => {
    const { server } = await serve(httpFixtureConfig(fixture), new ServingState(), { timeouts: SHORT });
    const p = await peer(server.port);
    await p.closed;
    // The idle timeout closes it silently; when the machine is slow, Node's header timeout may come first with a 408.
    expect(['', 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n']).toContain(p.received());
  });

  it('closes a peer that stops reading a long reply', async () => {
    const { config, snapshot } = fixtureSnapshot(fixture);
    // Far more than the socket buffers of both ends hold, so the server's writes stall.
    const big = { ...snapshot, axfrBody: Buffer.alloc(64 * 1024 * 1024, 0x20) };
    const { server } = await serve(config, loadedServing(big), { timeouts: SHORT });
    const p = await peer(server.port);
    p.sock.pause();
    p.sock.write('GET /v1/axfr HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    // A paused peer cannot see the close: watch the server's side.
    await waitFor('the server to drop the peer', () => server.connections(), { until: (n) => n === 0 });
    p.sock.resume();
    await p.closed;
    expect(p.sock.bytesRead).toBeLessThan(big.axfrBody.length);
  });

  it('closes connections past httpMaxConnections at once, and serves the earlier ones', async () => {
    const config = httpFixtureConfig(fixture);
    config.httpMaxConnections = 2;
    const { server, logger } = await serve(config);
    const a = await peer(server.port);
    const b = await peer(server.port);
    const c = await peer(server.port);
    await c.closed;
    expect(c.received()).toBe('');
    expect(await statusLine(a, '/health')).toBe('HTTP/1.1 200 OK');
    expect(await statusLine(b, '/health')).toBe('HTTP/1.1 200 OK');
    expect(logger.lines.some((l) => l.msg === 'HTTP connection limit reached; closing new connections')).toBe(true);
    // A slot freed is a slot to use again.
    a.sock.destroy();
    await waitFor('the server to see the close', () => server.connections(), { until: (n) => n < 2 });
    const d = await peer(server.port);
    expect(await statusLine(d, '/health')).toBe('HTTP/1.1 200 OK');
    b.sock.destroy();
    d.sock.destroy();
  });
});
