/**
 * A stand-in Mesos master with the operator API, on 127.0.0.1 (port 0): v0
 * `GET /master/state` and `GET /master/frameworks`, and `POST /api/v1` for
 * `SUBSCRIBE` (a RecordIO stream: SUBSCRIBED made from its v0 state by
 * `v0-to-v1.ts`, then the events pushed to it, and heartbeats) and
 * `GET_MASTER`. Every change goes through a `V0Cluster`, so a poll sees the
 * cluster the stream described. It can also redirect, answer 404, drop its
 * streams, go silent, and send bytes of the test's choosing.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { fixtureState } from './fixtures.js';
import type { ObservedRequest } from './stand-in-master.js';

/** A request as received; `body` is the operator API call's `type`, or the raw body. */
export interface StreamRequest extends ObservedRequest {
  body: string;
}
import { V0Cluster, type V1Event } from './v0-cluster.js';
import { asAMasterHoldsIt, frameworksDocument, getMasterReply, subscribedEvent, type V0State } from './v0-to-v1.js';

export interface StreamMasterOptions {
  /** the v0 state; default: upstream-fake (its duplicate task id resolved as a master would) with this master as leader */
  state?: V0State;
  /** announced in SUBSCRIBED and kept (default 15 s; tests of silence use a fraction of a second) */
  heartbeatSeconds?: number;
  /** requests without exactly these credentials get 401 */
  basicAuth?: { principal: string; secret: string };
  /** serve HTTPS with this key pair; with `ca`, clients must present a certificate it signed */
  tls?: { key: string; cert: string; ca?: string };
}

/** One open SUBSCRIBE stream. */
interface Stream {
  res: ServerResponse;
  heartbeat: NodeJS.Timeout | undefined;
}

type SubscribeMode =
  { kind: 'stream' } | { kind: 'status'; status: number; location?: string } | { kind: 'hang'; headers: boolean };

export class StreamMaster {
  readonly requests: StreamRequest[] = [];
  readonly cluster: V0Cluster;
  private readonly streams = new Set<Stream>();
  private mode: SubscribeMode = { kind: 'stream' };
  private closedStreams = 0;

  private constructor(
    private readonly server: Server,
    readonly port: number,
    state: V0State,
    private readonly heartbeatSeconds: number,
    private readonly expectedAuth: string | undefined,
  ) {
    this.cluster = new V0Cluster(state);
  }

  static async start(opts: StreamMasterOptions = {}): Promise<StreamMaster> {
    const made: { master?: StreamMaster } = {};
    const handler = (req: IncomingMessage, res: ServerResponse): void => made.master!.handle(req, res);
    const { tls } = opts;
    const server =
      tls === undefined
        ? createServer(handler)
        : createHttpsServer(
            { ...tls, requestCert: tls.ca !== undefined, rejectUnauthorized: tls.ca !== undefined },
            handler,
          );
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const port = (server.address() as AddressInfo).port;
    const state = opts.state ?? {
      ...asAMasterHoldsIt(fixtureState('upstream-fake') as V0State),
      leader: `master@127.0.0.1:${port}`,
    };
    const auth =
      opts.basicAuth === undefined
        ? undefined
        : `Basic ${Buffer.from(`${opts.basicAuth.principal}:${opts.basicAuth.secret}`).toString('base64')}`;
    made.master = new StreamMaster(server, port, state, opts.heartbeatSeconds ?? 15, auth);
    return made.master;
  }

  /** `127.0.0.1:PORT`, as a masters-list entry */
  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  get state(): V0State {
    return this.cluster.state;
  }

  /** SUBSCRIBE streams open now. */
  get openStreams(): number {
    return this.streams.size;
  }

  /** SUBSCRIBE streams that have ended (by us or by the client). */
  get endedStreams(): number {
    return this.closedStreams;
  }

  subscribeRequests(): StreamRequest[] {
    return this.requests.filter((r) => r.method === 'POST' && r.path === '/api/v1' && r.body === 'SUBSCRIBE');
  }

  /** Answers SUBSCRIBE with a redirect (a non-leader: `//host:port/api/v1`), or streams again (null). */
  redirectTo(location: string | null, status = 307): void {
    this.mode = location === null ? { kind: 'stream' } : { kind: 'status', status, location };
  }

  /** SUBSCRIBE gets no answer at all, or (`headers`) 200 and then nothing, not even SUBSCRIBED. */
  hangSubscribe(headers: boolean): void {
    this.mode = { kind: 'hang', headers };
  }

  /** Answers SUBSCRIBE with this status (404: a master older than the operator API). */
  answerSubscribe(status: number | null): void {
    this.mode = status === null ? { kind: 'stream' } : { kind: 'status', status };
  }

  /** Applies a change through the v0 cluster and sends its event to every open stream. */
  change(make: (cluster: V0Cluster) => V1Event): V1Event {
    const event = make(this.cluster);
    this.push(event);
    return event;
  }

  /** Sends an event (any object) to every open stream. */
  push(event: unknown): void {
    this.pushRaw(record(event));
  }

  /** Sends bytes as they are to every open stream. */
  pushRaw(bytes: string | Buffer): void {
    for (const s of this.streams) s.res.write(bytes);
  }

  /** Ends every open stream cleanly (the last chunk), as a master that steps down does. */
  endStreams(): void {
    for (const s of [...this.streams]) s.res.end();
  }

  /** Cuts every open stream's connection. */
  dropStreams(): void {
    for (const s of [...this.streams]) s.res.destroy();
  }

  /** Stops the heartbeats of the streams open now (the connection stays); new streams get them. */
  silence(): void {
    for (const s of this.streams) clearInterval(s.heartbeat);
  }

  async close(): Promise<void> {
    this.dropStreams();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let type: string | undefined;
      try {
        type = (JSON.parse(text) as { type?: string }).type;
      } catch {
        type = undefined;
      }
      this.requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: type ?? text });
      if (this.expectedAuth !== undefined && req.headers.authorization !== this.expectedAuth) {
        send(res, 401, { error: 'unauthorized' });
        return;
      }
      const url = new URL(req.url ?? '/', 'http://x');
      if (req.method === 'GET' && url.pathname === '/master/state') send(res, 200, this.cluster.state);
      else if (req.method === 'GET' && url.pathname === '/master/frameworks') {
        send(res, 200, frameworksDocument(this.cluster.state, url.searchParams.get('framework_id') ?? undefined));
      } else if (req.method === 'POST' && url.pathname === '/api/v1' && type === 'GET_MASTER') {
        send(res, 200, getMasterReply(this.cluster.state));
      } else if (req.method === 'POST' && url.pathname === '/api/v1' && type === 'SUBSCRIBE') this.subscribe(res);
      else send(res, req.method === 'POST' ? 400 : 404, { error: 'not here' });
    });
  }

  private subscribe(res: ServerResponse): void {
    if (this.mode.kind === 'hang') {
      if (this.mode.headers) res.writeHead(200, { 'content-type': 'application/json' }).flushHeaders();
      return;
    }
    if (this.mode.kind === 'status') {
      const headers: Record<string, string> = this.mode.location === undefined ? {} : { location: this.mode.location };
      send(res, this.mode.status, '', headers);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.socket?.setNoDelay(true);
    res.write(record(subscribedEvent(this.cluster.state, this.heartbeatSeconds)));
    const stream: Stream = {
      res,
      heartbeat: setInterval(() => res.write(record({ type: 'HEARTBEAT' })), this.heartbeatSeconds * 1000),
    };
    this.streams.add(stream);
    res.on('close', () => {
      clearInterval(stream.heartbeat);
      if (this.streams.delete(stream)) this.closedStreams++;
    });
  }
}

/** One RecordIO record: the byte length, a newline, the JSON. */
export function record(event: unknown): Buffer {
  const json = Buffer.from(JSON.stringify(event));
  return Buffer.concat([Buffer.from(`${json.length}\n`), json]);
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}
