/**
 * Opening the operator API event stream: `POST /api/v1` with SUBSCRIBE to a
 * master, with the state fetch's authentication and TLS, following a
 * non-leader's redirect to the leader (same scheme only) until a master
 * answers 200; a master without the API (404, 405, 501) is told apart from
 * one that fails.
 */
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import { request } from '../fetch/undici-parts.js';
import type { Dispatcher } from 'undici';
import { FetchFailure, StreamFailure } from '../../errors.js';
import { joinHostPort, parseEndpoint } from '../../net/host-port.js';
import { authorizationFor } from '../fetch/auth.js';
import type { FetchOptions } from '../fetch/options.js';

const MAX_REDIRECTS = 3;
const SUBSCRIBE = JSON.stringify({ type: 'SUBSCRIBE' });

/** A stream that answered 200, at the master it ended at after redirects. */
export interface Opened {
  /** `http(s)://host:port` */
  origin: string;
  /** `host:port` */
  master: string;
  body: Readable;
}

export interface SubscribeContext {
  options: FetchOptions;
  /** for the stream */
  dispatcher: Dispatcher;
  /** for the authentication service, as the state fetch reaches it */
  authDispatcher: Dispatcher;
  log: Logger;
  signal: AbortSignal;
}

/** POST SUBSCRIBE to the master `entry` names, following redirects to the leader. */
export async function openSubscription(entry: string, ctx: SubscribeContext): Promise<Opened> {
  const { options, signal } = ctx;
  const address = parseEndpoint(entry);
  if (address === null) {
    throw new FetchFailure('MESOS_DNS_FETCH_BAD_ADDRESS', `"${entry}" is not a host:port address`);
  }
  const scheme = options.https ? 'https:' : 'http:';
  let url = new URL(`${scheme}//${joinHostPort(address.host, address.port)}/api/v1`);
  for (let hop = 0; ; hop++) {
    const master = hostPort(url);
    const headers: Record<string, string> = {
      'user-agent': 'Mesos-DNS',
      'content-type': 'application/json',
      accept: 'application/json',
      connection: 'close',
    };
    // Sent on to the master a redirect names too: it is the leader of the same cluster, with the same credentials.
    const authorization = await authorizationFor(options.auth, ctx.authDispatcher, signal);
    if (authorization !== undefined) headers.authorization = authorization;
    const response = await request(url, {
      method: 'POST',
      headers,
      body: SUBSCRIBE,
      dispatcher: ctx.dispatcher,
      signal,
    });
    const status = response.statusCode;
    if (status >= 200 && status <= 299) return { origin: url.origin, master, body: response.body };
    await response.body.dump();
    if (status === 307 || status === 308) {
      url = redirect(url, response.headers.location, hop);
      ctx.log.debug({ master, to: hostPort(url) }, 'master redirected the subscription');
      continue;
    }
    if (status === 404 || status === 405 || status === 501) {
      throw new StreamFailure('MESOS_DNS_STREAM_UNSUPPORTED', `SUBSCRIBE answered HTTP ${status}`, master);
    }
    throw new StreamFailure('MESOS_DNS_STREAM_HTTP_STATUS', `SUBSCRIBE answered HTTP ${status}`, master);
  }
}

function redirect(from: URL, location: string | string[] | undefined, hop: number): URL {
  const master = hostPort(from);
  if (hop >= MAX_REDIRECTS) {
    throw new StreamFailure('MESOS_DNS_STREAM_REDIRECT', `more than ${MAX_REDIRECTS} redirects`, master);
  }
  const text = Array.isArray(location) ? location[0] : location;
  let next: URL;
  try {
    // A master sends `//host:port/api/v1`: same scheme, another authority.
    next = new URL(text ?? '', from);
  } catch {
    next = from;
  }
  if (text === undefined || text === '' || next === from) {
    throw new StreamFailure('MESOS_DNS_STREAM_REDIRECT', 'a redirect without a usable Location', master);
  }
  // Never let a redirect turn HTTPS (and the credentials it carries) into plain HTTP.
  if (next.protocol !== from.protocol) {
    throw new StreamFailure('MESOS_DNS_STREAM_REDIRECT', `a redirect to another scheme (${next.protocol})`, master);
  }
  return next;
}

/** `host:port` of a URL, with the scheme's default port when it has none. */
function hostPort(url: URL): string {
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return joinHostPort(host, url.port !== '' ? url.port : url.protocol === 'https:' ? '443' : '80');
}
