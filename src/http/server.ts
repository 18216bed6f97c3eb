/**
 * The HTTP listener: a thin node:http shell around `handleRequest`. Handlers never
 * reach the socket; an exception anywhere becomes a logged 500 with a JSON body.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Config } from '../config/types.js';
import type { DnsStats } from '../dns/stats/counters.js';
import type { ServingState } from '../serving.js';
import { VERSION } from '../version.js';
import { hasCode } from '../errors.js';
import { createMetricsRegistry } from './metrics.js';
import { INTERNAL_ERROR, handleRequest, type HttpReply, type RouteContext, type ViewSource } from './routes.js';

/** How long a peer may take before its connection is closed. */
export interface HttpTimeouts {
  /** from connecting (or the last reply) to the end of the request headers */
  headersMs: number;
  /** to send the whole request */
  requestMs: number;
  /** an idle kept-alive connection between requests */
  keepAliveMs: number;
  /** a connection with no traffic either way, e.g. a peer that stopped reading a long reply */
  idleMs: number;
}

/**
 * Our clients (load balancer probes, scrapers, operators' scripts) send one
 * small GET in a single packet and read a reply that is ready in memory, so
 * every phase takes milliseconds. Node's defaults (60 s for headers, 300 s per
 * request, no idle limit) let a slow or silent peer hold a connection slot for
 * minutes; with these, for seconds, even on a slow link.
 */
export const HTTP_TIMEOUTS: HttpTimeouts = {
  headersMs: 10_000,
  requestMs: 30_000,
  keepAliveMs: 5_000,
  idleMs: 30_000,
};

/** Time between warnings that connections are being refused for the cap. */
const REFUSED_LOG_INTERVAL_MS = 10_000;

export interface HttpServerOptions {
  config: Config;
  serving: ServingState;
  stats: DnsStats;
  log: Logger;
  /** registers further collectors (e.g. the forward-latency histogram) on the `/metrics` registry */
  extraMetrics?: (registry: Registry) => void;
  /** shown by `/v1/version`; defaults to the version in package.json */
  version?: string;
  /** defaults to `HTTP_TIMEOUTS`; tests shorten them */
  timeouts?: HttpTimeouts;
  /** renders `/v1/axfr` and `/v1/enumerate` (the refresher's worker) */
  views: ViewSource;
}

export interface RunningHttpServer {
  port: number;
  /** connections open now */
  connections(): Promise<number>;
  close(): Promise<void>;
}

export async function startHttpServer(opts: HttpServerOptions): Promise<RunningHttpServer> {
  const { config, serving, stats, log } = opts;
  const registry = createMetricsRegistry({ config, serving, stats, extraMetrics: opts.extraMetrics });
  const ctx: RouteContext = {
    config,
    serving,
    version: opts.version ?? VERSION,
    now: Date.now,
    metrics: async () => ({ contentType: registry.contentType, body: await registry.metrics() }),
    views: opts.views,
  };

  const timeouts = opts.timeouts ?? HTTP_TIMEOUTS;
  const server = createServer(
    {
      headersTimeout: timeouts.headersMs,
      requestTimeout: timeouts.requestMs,
      keepAliveTimeout: timeouts.keepAliveMs,
      // Node enforces the two timeouts above only when it sweeps its connections (every 30 s by default).
      connectionsCheckingInterval: Math.min(1_000, timeouts.headersMs),
    },
    (req, res) => {
      const method = req.method ?? 'GET';
      const fail = (err: unknown): void => {
        log.error({ err, method, url: req.url }, 'HTTP handler failed');
        send(req, res, INTERNAL_ERROR, log);
      };
      try {
        const reply = handleRequest(method, req.url ?? '/', req.headers.accept, ctx);
        if (reply instanceof Promise) reply.then((r) => send(req, res, r, log), fail);
        else send(req, res, reply, log);
      } catch (err) {
        fail(err);
      }
    },
  );
  // With no 'timeout' listener, a socket idle this long is destroyed.
  server.setTimeout(timeouts.idleMs);
  // Past the cap Node closes each new connection at once; the ones already open are served as before.
  server.maxConnections = config.httpMaxConnections;
  let refusedLogged = 0;
  server.on('drop', () => {
    const now = Date.now();
    if (now - refusedLogged < REFUSED_LOG_INTERVAL_MS) return;
    refusedLogged = now;
    log.warn(
      { httpMaxConnections: config.httpMaxConnections },
      'HTTP connection limit reached; closing new connections',
    );
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.httpPort, config.httpListener, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (err) => log.error({ err }, 'HTTP server error'));

  return {
    port: (server.address() as AddressInfo).port,
    connections: () =>
      new Promise<number>((resolve, reject) => server.getConnections((err, n) => (err ? reject(err) : resolve(n)))),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function send(req: IncomingMessage, res: ServerResponse, reply: HttpReply, log: Logger): void {
  const { status, headers, body } = reply;
  if (typeof body === 'string' || Buffer.isBuffer(body)) {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.writeHead(status, { ...headers, 'Content-Length': Buffer.byteLength(body) });
    res.end(req.method === 'HEAD' ? undefined : body);
    return;
  }
  // A stream may only start on a fresh response; ending it early ends its source (the render) too.
  const chunks = body[Symbol.asyncIterator]();
  if (res.headersSent || req.method === 'HEAD') {
    void chunks.return?.();
    if (res.headersSent) res.destroy();
    else res.writeHead(status, headers).end();
    return;
  }
  // No Content-Length: Node sends it chunked. A reader that stops reading pauses the
  // render (the socket's idle timeout ends it); one that leaves ends it at once.
  res.writeHead(status, headers);
  writeChunks(chunks, req, res).catch((err: unknown) => {
    if (err !== READER_GONE && !hasCode(err, 'MESOS_DNS_VIEW_DROPPED')) {
      log.error({ err, url: req.url }, 'HTTP body failed midway; connection closed');
    }
    res.destroy();
  });
}

/**
 * Writes a streamed body out chunk by chunk, asking for the next only once the
 * last is written out to the socket: a view's chunk lies in a buffer its render
 * writes the next-but-one chunk into (refresh/view-requests.ts). Ends the
 * source when the response fails or its reader goes away.
 */
async function writeChunks(chunks: AsyncIterator<Buffer>, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    for (let r = await chunks.next(); r.done !== true; r = await chunks.next()) {
      await writeOut(req, res, r.value);
    }
  } catch (err) {
    await chunks.return?.();
    throw err;
  }
  // Not awaited: a connection that closes now would never call back.
  res.end();
}

/** Why a body's writing stopped when its reader went away: not a failure worth a log line. */
const READER_GONE = new Error('the reader went away');

/**
 * Resolves once `chunk` is written out to the socket; fails when the write
 * fails or the connection closes first. The connection is the request's
 * socket: a response to a pipelined request gets its socket only once the
 * responses before it have ended, and holds its writes (uncopied) until then.
 */
function writeOut(req: IncomingMessage, res: ServerResponse, chunk: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const connection = req.socket;
    // A write to a connection already closed never calls back.
    if (connection.destroyed) {
      reject(READER_GONE);
      return;
    }
    const gone = () => reject(READER_GONE);
    connection.once('close', gone);
    res.write(chunk, (err) => {
      connection.off('close', gone);
      if (err) reject(err);
      else resolve();
    });
  });
}
