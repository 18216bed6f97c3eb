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
import { createMetricsRegistry } from './metrics.js';
import { INTERNAL_ERROR, handleRequest, type HttpReply, type RouteContext } from './routes.js';

export interface HttpServerOptions {
  config: Config;
  serving: ServingState;
  stats: DnsStats;
  log: Logger;
  /** registers further collectors (e.g. the forward-latency histogram) on the `/metrics` registry */
  extraMetrics?: (registry: Registry) => void;
  /** shown by `/v1/version`; defaults to the version in package.json */
  version?: string;
}

export interface RunningHttpServer {
  port: number;
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
  };

  const server = createServer((req, res) => {
    const method = req.method ?? 'GET';
    const fail = (err: unknown): void => {
      log.error({ err, method, url: req.url }, 'HTTP handler failed');
      send(req, res, INTERNAL_ERROR);
    };
    try {
      const reply = handleRequest(method, req.url ?? '/', req.headers.accept, ctx);
      if (reply instanceof Promise) reply.then((r) => send(req, res, r), fail);
      else send(req, res, reply);
    } catch (err) {
      fail(err);
    }
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
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function send(req: IncomingMessage, res: ServerResponse, reply: HttpReply): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const length = typeof reply.body === 'string' ? Buffer.byteLength(reply.body) : reply.body.length;
  res.writeHead(reply.status, { ...reply.headers, 'Content-Length': length });
  res.end(req.method === 'HEAD' ? undefined : reply.body);
}
