/**
 * A stand-in Mesos master: a real HTTP(S) server on 127.0.0.1, port 0, whose
 * answer to `GET /master/state` can be switched at any time.
 */
import { createServer as createHttpServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { deflateSync, gzipSync } from 'node:zlib';
import { fixtureState, stateWithLeader } from './fixtures.js';

export interface ObservedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
}

export type Compression = 'gzip' | 'deflate' | false;

export interface StandInMaster {
  /** `127.0.0.1:PORT`, as a `masters` entry */
  readonly address: string;
  readonly port: number;
  /** `http(s)://127.0.0.1:PORT` */
  readonly url: string;
  /** `master@127.0.0.1:PORT`, this master as a leader UPID */
  readonly upid: string;
  /** every request received, oldest first (cleared by `resetRequests`) */
  readonly requests: ObservedRequest[];
  /** answer 200 with this state (an object is serialised; a string is sent as is) */
  serve(state: unknown): void;
  /** answer with this status (and an optional body) */
  fail(status: number, body?: string): void;
  /** accept the request and never answer */
  hang(): void;
  /** send 200 headers and half of the current body, then stall */
  hangBody(): void;
  /** answer 200 with a body that is not valid JSON */
  malformed(): void;
  /** answer 200 with an empty body */
  empty(): void;
  /** answer with the current state minus its `leader` */
  leaderless(): void;
  /** answer with a redirect to `location` */
  redirect(location: string, status?: number): void;
  /** compress replies (gzip when on), honoured whatever the request asked for */
  gzip(on: boolean): void;
  compress(kind: Compression): void;
  resetRequests(): void;
  close(): Promise<void>;
}

export interface StandInMasterOptions {
  tls?: { key: string; cert: string; ca?: string; requestCert?: boolean };
  /** requests without exactly these credentials get 401 */
  basicAuth?: { principal: string; secret: string };
  /** the initial state; default: the upstream-fake fixture naming this master as leader */
  state?: unknown;
}

type Mode =
  | { kind: 'serve' }
  | { kind: 'fail'; status: number; body: string }
  | { kind: 'hang' }
  | { kind: 'hangBody' }
  | { kind: 'raw'; body: string }
  | { kind: 'leaderless' }
  | { kind: 'redirect'; location: string; status: number };

export async function startStandInMaster(opts: StandInMasterOptions = {}): Promise<StandInMaster> {
  let mode: Mode = { kind: 'serve' };
  let state: unknown = opts.state;
  let compression: Compression = false;
  const requests: ObservedRequest[] = [];
  const expectedAuth =
    opts.basicAuth === undefined
      ? undefined
      : `Basic ${Buffer.from(`${opts.basicAuth.principal}:${opts.basicAuth.secret}`).toString('base64')}`;

  const send = (res: ServerResponse, status: number, body: string, extra: Record<string, string> = {}): void => {
    let payload: Buffer = Buffer.from(body);
    const headers: Record<string, string> = { 'content-type': 'application/json', ...extra };
    if (compression !== false && payload.length > 0) {
      payload = compression === 'gzip' ? gzipSync(payload) : deflateSync(payload);
      headers['content-encoding'] = compression;
    }
    headers['content-length'] = String(payload.length);
    res.writeHead(status, headers);
    res.end(payload);
  };

  const stateText = (): string => (typeof state === 'string' ? state : JSON.stringify(state));

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers });
    req.resume();
    if (expectedAuth !== undefined && req.headers.authorization !== expectedAuth) {
      send(res, 401, '{"error":"unauthorized"}', { 'www-authenticate': 'Basic realm="mesos"' });
      return;
    }
    if (req.url !== '/master/state' && mode.kind !== 'redirect') {
      send(res, 404, 'not found');
      return;
    }
    switch (mode.kind) {
      case 'serve':
        send(res, 200, stateText());
        return;
      case 'fail':
        send(res, mode.status, mode.body);
        return;
      case 'hang':
        return;
      case 'hangBody': {
        const text = stateText();
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
        res.write(text.slice(0, Math.floor(text.length / 2)));
        return;
      }
      case 'raw':
        send(res, 200, mode.body);
        return;
      case 'leaderless': {
        const parsed =
          typeof state === 'string' ? (JSON.parse(state) as Record<string, unknown>) : { ...(state as object) };
        delete (parsed as Record<string, unknown>).leader;
        send(res, 200, JSON.stringify(parsed));
        return;
      }
      case 'redirect':
        send(res, mode.status, '', { location: mode.location });
        return;
    }
  };

  const server: Server =
    opts.tls === undefined
      ? createHttpServer(handler)
      : createHttpsServer(
          {
            key: opts.tls.key,
            cert: opts.tls.cert,
            ca: opts.tls.ca,
            requestCert: opts.tls.requestCert ?? false,
            rejectUnauthorized: opts.tls.requestCert ?? false,
          },
          handler,
        );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const address = `127.0.0.1:${port}`;
  const upid = `master@${address}`;
  if (state === undefined) state = stateWithLeader(fixtureState('upstream-fake'), upid);

  return {
    address,
    port,
    url: `${opts.tls === undefined ? 'http' : 'https'}://${address}`,
    upid,
    requests,
    serve(next: unknown) {
      state = next;
      mode = { kind: 'serve' };
    },
    fail(status: number, body = '{"error":"failed"}') {
      mode = { kind: 'fail', status, body };
    },
    hang() {
      mode = { kind: 'hang' };
    },
    hangBody() {
      mode = { kind: 'hangBody' };
    },
    malformed() {
      mode = { kind: 'raw', body: '{"leader": "master@127.0.0.1:5050", "slaves": [' };
    },
    empty() {
      mode = { kind: 'raw', body: '' };
    },
    leaderless() {
      mode = { kind: 'leaderless' };
    },
    redirect(location: string, status = 307) {
      mode = { kind: 'redirect', location, status };
    },
    gzip(on: boolean) {
      compression = on ? 'gzip' : false;
    },
    compress(kind: Compression) {
      compression = kind;
    },
    resetRequests() {
      requests.length = 0;
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Hung requests would otherwise keep close() waiting forever.
        server.closeAllConnections();
      });
    },
  };
}
