/**
 * Request → reply, without sockets. The `/v1/*` routes answer as the Go program's
 * go-restful container did (docs/compatibility.md, HTTP API), including its plain-text
 * error bodies that operators' scripts may match; `/health`, `/ready` and
 * `/metrics` are ours.
 */
import type { Config } from '../config/types.js';
import { hasCode } from '../errors.js';
import type { ViewName } from '../records/views.js';
import { configForDisplay } from '../config/display.js';
import type { ServingState, Snapshot } from '../serving.js';
import { goJsonIndent, sortUtf8 } from '../json/go-json.js';
import { HEALTH_BODY, readiness } from './health.js';
import { hostsBody, servicesBody } from './lookups.js';
import { cleanPath, escapePath, parseTarget } from './path.js';

export interface HttpReply {
  status: number;
  headers: Record<string, string>;
  /** a stream is sent chunked, as it comes, with backpressure */
  body: string | Buffer | AsyncIterable<Buffer>;
}

/**
 * A view's body, made on request in chunks; it fails with `MESOS_DNS_NOT_LOADED`
 * before its first chunk when there are no records to render.
 */
export type ViewSource = (view: ViewName) => AsyncIterable<Buffer>;

export interface RouteContext {
  /** read on every request: a reload may change it in place */
  config: Config;
  serving: ServingState;
  /** the program version shown by `/v1/version` */
  version: string;
  now: () => number;
  metrics: () => Promise<{ contentType: string; body: string }>;
  views: ViewSource;
}

const TEXT = 'text/plain; charset=utf-8';
const JSON_TYPE = 'application/json';

const text = (status: number, body: string): HttpReply => ({ status, headers: { 'Content-Type': TEXT }, body });
const json = (status: number, body: string): HttpReply => ({ status, headers: { 'Content-Type': JSON_TYPE }, body });

export const NOT_FOUND = text(404, '404: Page Not Found');
const METHOD_NOT_ALLOWED = text(405, '405: Method Not Allowed');
const NOT_ACCEPTABLE = text(406, '406: Not Acceptable');
const BAD_REQUEST = text(400, '400 Bad Request');
const NO_STATE = json(503, JSON.stringify({ error: 'no state loaded yet' }));
export const INTERNAL_ERROR = json(500, JSON.stringify({ error: 'internal error' }));

type Handler = (ctx: RouteContext) => HttpReply | Promise<HttpReply>;

interface Route {
  /** Go routes: GET only, `Accept` negotiated; our routes: GET and HEAD, any `Accept` */
  go: boolean;
  handle: Handler;
}

export function handleRequest(
  method: string,
  target: string,
  accept: string | undefined,
  ctx: RouteContext,
): HttpReply | Promise<HttpReply> {
  const parsed = parseTarget(target);
  if (parsed === null) return BAD_REQUEST;
  const clean = cleanPath(parsed.path);
  if (clean !== parsed.path)
    return redirect(method, escapePath(clean) + (parsed.rawQuery ? '?' + parsed.rawQuery : ''));

  const route = matchRoute(clean, ctx.config);
  if (route === null) return NOT_FOUND;
  if (route.go ? method !== 'GET' : method !== 'GET' && method !== 'HEAD') return METHOD_NOT_ALLOWED;
  if (route.go && !acceptsJson(accept)) return NOT_ACCEPTABLE;
  return route.handle(ctx);
}

function matchRoute(path: string, config: Config): Route | null {
  const segs = path.slice(1, path.endsWith('/') ? -1 : undefined).split('/');
  if (segs.length === 1) {
    if (segs[0] === 'health') return { go: false, handle: () => json(200, HEALTH_BODY) };
    if (segs[0] === 'ready') return { go: false, handle: ready };
    if (segs[0] === 'metrics') return { go: false, handle: metrics };
    return null;
  }
  if (segs[0] !== 'v1') return null;
  const [, what, param, extra] = segs as [string, string, string | undefined, string | undefined];
  switch (segs.length) {
    case 2:
      if (what === 'version') return { go: true, handle: (ctx) => json(200, versionBody(ctx.version)) };
      if (what === 'config') return { go: true, handle: configRoute };
      if (what === 'enumerate' && config.enumerationOn) return { go: true, handle: bulk('enumerate') };
      if (what === 'axfr' && config.enumerationOn) return { go: true, handle: bulk('axfr') };
      return null;
    case 3:
      if (what === 'hosts') return { go: true, handle: withSnapshot((s) => hostsBody(s, param!)) };
      if (what === 'services') return { go: true, handle: withSnapshot((s) => servicesBody(s, param!)) };
      return null;
    case 4:
      if (what === 'hosts' && extra === 'ports') return { go: true, handle: () => text(501, 'To be implemented...') };
      return null;
    default:
      return null;
  }
}

/**
 * go-restful's `matchesAccept`: served when absent or empty, or when one listed type
 * (parameters ignored) is the full wildcard or `application/json`. Go compared the
 * wildcard untrimmed and everything case-sensitively; we trim and ignore case.
 */
export function acceptsJson(accept: string | undefined): boolean {
  if (accept === undefined || accept === '') return true;
  for (const each of accept.split(',')) {
    const type = each.split(';')[0]!.trim().toLowerCase();
    if (type === '*/*' || type === JSON_TYPE) return true;
  }
  return false;
}

function versionBody(version: string): string {
  return goJsonIndent({ Service: 'Mesos-DNS', URL: 'https://github.com/mesosphere/mesos-dns', Version: version });
}

function configRoute(ctx: RouteContext): HttpReply {
  const serial = ctx.serving.current?.serial ?? ctx.config.soaSerial;
  const shown = configForDisplay(ctx.config, serial);
  const zones = shown['ZoneResolvers'];
  // Go marshals map keys sorted; an object would also put integer-like keys first.
  if (zones !== null && typeof zones === 'object' && !(zones instanceof Map)) {
    const z = zones as Record<string, unknown>;
    shown['ZoneResolvers'] = new Map(sortUtf8(Object.keys(z)).map((k) => [k, z[k]]));
  }
  return json(200, goJsonIndent(shown));
}

function withSnapshot(body: (s: Snapshot) => string): Handler {
  return (ctx) => {
    const s = ctx.serving.current;
    return s === null ? NO_STATE : json(200, body(s));
  };
}

/**
 * `/v1/axfr` and `/v1/enumerate` are rendered on request (up to 100 MB at 50,000
 * tasks), so they never delay a table swap and are never held whole. The first
 * chunk is awaited here: with no records yet the answer is still a clean 503.
 */
function bulk(view: ViewName): Handler {
  return async (ctx) => {
    if (ctx.serving.current === null) return NO_STATE;
    const chunks = ctx.views(view)[Symbol.asyncIterator]();
    let first: IteratorResult<Buffer>;
    try {
      first = await chunks.next();
    } catch (err) {
      if (hasCode(err, 'MESOS_DNS_NOT_LOADED')) return NO_STATE;
      throw err;
    }
    return { status: 200, headers: { 'Content-Type': JSON_TYPE }, body: prepend(first, chunks) };
  };
}

async function* prepend(first: IteratorResult<Buffer>, rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  try {
    for (let r = first; r.done !== true; r = await rest.next()) yield r.value;
  } finally {
    // Ends the render at its source when the reader goes away early.
    await rest.return?.();
  }
}

function ready(ctx: RouteContext): HttpReply {
  const r = readiness(ctx.serving, ctx.config.refreshSeconds, ctx.now());
  return json(r.ready ? 200 : 503, JSON.stringify(r));
}

async function metrics(ctx: RouteContext): Promise<HttpReply> {
  const m = await ctx.metrics();
  return { status: 200, headers: { 'Content-Type': m.contentType }, body: m.body };
}

/** net/http's `Redirect` with 301, as ServeMux sends it for unclean paths. */
function redirect(method: string, location: string): HttpReply {
  const headers: Record<string, string> = { Location: location };
  if (method !== 'GET' && method !== 'HEAD') return { status: 301, headers, body: '' };
  headers['Content-Type'] = 'text/html; charset=utf-8';
  return { status: 301, headers, body: `<a href="${htmlEscape(location)}">Moved Permanently</a>.\n\n` };
}

function htmlEscape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' })[c]!);
}
