/**
 * The two requests a subscription needs besides the stream, made to the master
 * the stream comes from: the leader's UPID (`GET_MASTER`: v1 events do not
 * name the master, v0's state has it as `leader`), and the frameworks'
 * scheduler pids (v1 has none; the Go program's framework records come from
 * the v0 `pid`), read from v0 `GET /master/frameworks`. Same authentication,
 * TLS, size cap and deadline as the state fetch.
 */
import { request } from '../fetch/undici-parts.js';
import type { Dispatcher } from 'undici';
import { FetchFailure, StreamFailure } from '../../errors.js';
import { parseUPID, type UPID } from '../../state/upid.js';
import { parseLeader } from '../fetch/address.js';
import { authorizationFor } from '../fetch/auth.js';
import { readStateBody } from '../fetch/body.js';
import { toFetchFailure } from '../fetch/failure.js';
import { ensureRoomToParse } from '../fetch/heap-room.js';
import type { FetchOptions } from '../fetch/options.js';

export interface CallContext {
  options: FetchOptions;
  /** for the master (no redirects: it is the leader) */
  dispatcher: Dispatcher;
  /** for the IAM login, which may redirect */
  authDispatcher: Dispatcher;
  /** the subscription's: aborting it abandons the call */
  signal: AbortSignal;
}

/** A `GET_MASTER` reply is one MasterInfo, a few hundred bytes. */
const MASTER_INFO_MAX_BYTES = 1024 * 1024;

/** The leader's UPID (`master@ip:port`), as v0 `/master/state` gives it in `leader`. */
export async function fetchLeader(origin: string, context: CallContext): Promise<string> {
  const maxBytes = Math.min(MASTER_INFO_MAX_BYTES, context.options.maxStateBytes);
  const doc = await call(`${origin}/api/v1`, JSON.stringify({ type: 'GET_MASTER' }), maxBytes, context);
  const info = member(member(doc, 'get_master'), 'master_info');
  const pid = member(info, 'pid');
  if (typeof pid !== 'string' || parseLeader(pid) === null) {
    throw new StreamFailure('MESOS_DNS_STREAM_NO_LEADER', 'the GET_MASTER reply has no master_info.pid name@host:port');
  }
  return pid;
}

export interface FrameworkPids {
  /** scheduler pid by framework id; null for a framework without one (an HTTP framework: its hostname is used) */
  pids: Map<string, UPID | null>;
  warnings: Array<{ id: string; reason: string }>;
}

/** The pids of every framework, or of one (`?framework_id=`), from v0 `GET /master/frameworks`. */
export async function fetchFrameworkPids(
  origin: string,
  context: CallContext,
  frameworkId?: string,
): Promise<FrameworkPids> {
  const query = frameworkId === undefined ? '' : `?framework_id=${encodeURIComponent(frameworkId)}`;
  const doc = await call(`${origin}/master/frameworks${query}`, undefined, context.options.maxStateBytes, context);
  return frameworkPids(doc);
}

/**
 * The `pid` of each entry of `frameworks`, read as `validateState` reads a
 * framework's: absent → null; present but not a UPID → null, with a warning.
 */
export function frameworkPids(doc: unknown): FrameworkPids {
  const out: FrameworkPids = { pids: new Map(), warnings: [] };
  const list = member(doc, 'frameworks');
  if (!Array.isArray(list)) {
    throw new FetchFailure('MESOS_DNS_FETCH_NOT_OBJECT', '/master/frameworks has no frameworks list');
  }
  for (const f of list as unknown[]) {
    const id = member(f, 'id');
    if (typeof id !== 'string') continue;
    const raw = member(f, 'pid');
    if (raw === undefined) {
      out.pids.set(id, null);
      continue;
    }
    const pid = typeof raw === 'string' ? parseUPID(raw) : null;
    if (pid === null) out.warnings.push({ id, reason: `pid ${JSON.stringify(raw)} does not parse; using hostname` });
    out.pids.set(id, pid);
  }
  return out;
}

/** One request with a JSON reply: POST when there is a body, else GET. */
async function call(url: string, body: string | undefined, maxBytes: number, context: CallContext): Promise<unknown> {
  const { options } = context;
  const controller = new AbortController();
  const forward = (): void => controller.abort(context.signal.reason);
  if (context.signal.aborted) forward();
  else context.signal.addEventListener('abort', forward, { once: true });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new FetchFailure('MESOS_DNS_FETCH_TIMEOUT', `no complete answer within ${options.timeoutMs} ms`));
  }, options.timeoutMs);
  try {
    const headers: Record<string, string> = {
      'user-agent': 'Mesos-DNS',
      accept: 'application/json',
      'accept-encoding': 'gzip',
      connection: 'close',
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const authorization = await authorizationFor(options.auth, context.authDispatcher, controller.signal);
    if (authorization !== undefined) headers.authorization = authorization;
    const response = await request(url, {
      method: body === undefined ? 'GET' : 'POST',
      headers,
      body,
      dispatcher: context.dispatcher,
      signal: controller.signal,
    });
    if (response.statusCode < 200 || response.statusCode > 299) {
      await response.body.dump();
      throw new FetchFailure('MESOS_DNS_FETCH_HTTP_STATUS', `HTTP status ${response.statusCode} from ${url}`);
    }
    const raw = await readStateBody(response.body, response.headers, maxBytes);
    ensureRoomToParse(raw);
    try {
      return JSON.parse(raw.toString('utf8')) as unknown;
    } catch (err) {
      throw new FetchFailure('MESOS_DNS_FETCH_BAD_JSON', `invalid JSON from ${url}: ${(err as Error).message}`);
    }
  } catch (err) {
    if (context.signal.aborted) throw context.signal.reason;
    throw err instanceof StreamFailure ? err : toFetchFailure(err, timedOut, options.timeoutMs);
  } finally {
    clearTimeout(timer);
    context.signal.removeEventListener('abort', forward);
  }
}

/** `o[key]` for an object's own member; undefined for anything else. */
function member(o: unknown, key: string): unknown {
  return typeof o === 'object' && o !== null && !Array.isArray(o) && Object.hasOwn(o, key)
    ? (o as Record<string, unknown>)[key]
    : undefined;
}
