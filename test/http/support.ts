/** Servers for the HTTP tests: real config, real RecordTable and renderers from a golden fixture. */
import { request as httpRequest } from 'node:http';
import { afterEach } from 'vitest';
import type { Config } from '../../src/config/types.js';
import { DnsStats } from '../../src/dns/stats/counters.js';
import { startHttpServer, type HttpServerOptions, type RunningHttpServer } from '../../src/http/server.js';
import { storeOf } from '../../src/records/store-text.js';
import { axfrChunks, enumerateChunks, type ViewName } from '../../src/records/views.js';
import { MesosDnsError } from '../../src/errors.js';
import type { ViewSource } from '../../src/http/routes.js';
import { fromGoEnumeration, type GoEnumeration } from '../helpers/enumeration.js';
import { RecordTable } from '../../src/table/table.js';
import { LiveTable } from '../../src/table/live.js';
import { httpOnlyNames, openHttpNames } from '../../src/table/http-names.js';
import type { RecordSet } from '../../src/records/types.js';
import { ServingState, type Snapshot } from '../../src/serving.js';
import { memoryLogger, type MemoryLogger } from '../helpers/memory-logger.js';
import { fixtureConfig, fixtureText, parseAxfr, type AxfrDoc } from '../helpers/fixtures.js';

export const SERIAL = 1795301043;
export const LEADER = 'master@127.0.0.1:5050';

/** A fixture's config, with HTTP on an ephemeral loopback port. */
export function httpFixtureConfig(name: string): Config {
  const config = fixtureConfig(name);
  config.httpListener = '127.0.0.1';
  config.httpPort = 0;
  return config;
}

export interface FixtureData {
  config: Config;
  doc: AxfrDoc;
  records: RecordSet;
  snapshot: Snapshot;
  /** renders the fixture's `/v1/axfr` and `/v1/enumerate` as the refresh worker does */
  views: ViewSource;
}

export function fixtureSnapshot(name: string, loadedAt = Date.now()): FixtureData {
  const config = httpFixtureConfig(name);
  const { doc, records } = parseAxfr(fixtureText(name, 'axfr.json'));
  const store = storeOf(records);
  const { table, plan } = RecordTable.buildWithPlan(store, {
    domain: config.domain,
    ttl: config.ttl,
    serial: SERIAL,
    soaMname: config.soaMname,
    soaRname: config.soaRname,
    soaRefresh: config.soaRefresh,
    soaRetry: config.soaRetry,
    soaExpire: config.soaExpire,
    soaMinttl: config.soaMinttl,
    srvWeight: config.srvRecordDefaultWeight,
  });
  const axfr = {
    ttl: config.ttl,
    serial: SERIAL,
    refreshSeconds: config.refreshSeconds,
    mname: config.soaMname,
    rname: config.soaRname,
    domain: config.domain,
  };
  const enumeration = fromGoEnumeration(JSON.parse(fixtureText(name, 'enumerate.json')) as GoEnumeration, store);
  const views: ViewSource = (view) =>
    chunksOf(view === 'axfr' ? axfrChunks(store, axfr) : enumerateChunks(store, enumeration));
  const names = openHttpNames(httpOnlyNames(store, plan));
  const snapshot: Snapshot = {
    table: new LiveTable(table),
    httpNames: names,
    baseHttpNames: names,
    serial: SERIAL,
    leader: LEADER,
    master: '127.0.0.1:5050',
    loadedAt,
    buildMs: 12,
    counts: { ...table.counts, tasks: 0 },
  };
  return { config, doc, records, snapshot, views };
}

async function* chunksOf(chunks: Iterable<Uint8Array>): AsyncGenerator<Buffer> {
  for (const c of chunks) yield Buffer.from(c.buffer, c.byteOffset, c.byteLength);
}

/** A view source with nothing loaded, as the refresher's before its first refresh. */
export const noViews: ViewSource = () => ({
  [Symbol.asyncIterator]: () => ({
    next: () => Promise.reject(new MesosDnsError('MESOS_DNS_NOT_LOADED', 'no records to render')),
  }),
});

/** A view's whole body, as `/v1/axfr` or `/v1/enumerate` sends it. */
export async function viewText(views: ViewSource, view: ViewName): Promise<string> {
  const parts: Buffer[] = [];
  for await (const c of views(view)) parts.push(c);
  return Buffer.concat(parts).toString('utf8');
}

export interface TestServer {
  base: string;
  config: Config;
  serving: ServingState;
  stats: DnsStats;
  logger: MemoryLogger;
  server: RunningHttpServer;
}

const running: RunningHttpServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

/** Starts a server on 127.0.0.1, port 0; closed after the test. */
export async function serve(
  config: Config,
  serving = new ServingState(),
  extra: Partial<HttpServerOptions> = {},
): Promise<TestServer> {
  const stats = new DnsStats();
  const logger = memoryLogger('info');
  const server = await startHttpServer({ config, serving, stats, log: logger.log, views: noViews, ...extra });
  running.push(server);
  return { base: `http://127.0.0.1:${server.port}`, config, serving, stats, logger, server };
}

export function loadedServing(snapshot: Snapshot): ServingState {
  const serving = new ServingState();
  serving.swap(snapshot);
  serving.recordOutcome({ at: snapshot.loadedAt, ok: true, durationMs: 250 });
  return serving;
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * One request with the path sent exactly as given (fetch would resolve `.`
 * segments), no redirects followed, no Accept header unless given.
 */
export function request(
  base: string,
  path: string,
  opts: { method?: string; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, path, method: opts.method ?? 'GET', headers: opts.headers ?? {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}
