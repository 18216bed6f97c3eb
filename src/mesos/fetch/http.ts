import { createHash } from 'node:crypto';
import { request } from './undici-parts.js';
import type { Dispatcher } from 'undici';
import { authorizationFor } from './auth.js';
import { readStateBody } from './body.js';
import { ensureRoomToParse } from './heap-room.js';
import { FetchFailure } from '../../errors.js';
import { parseStateJson } from '../../state/state-json.js';
import type { FetchAuth } from './options.js';

/**
 * A state document that passed the checks every master reply must pass, or
 * (`same`) a body whose digest is the one the caller already has.
 */
export type StateDocument =
  | {
      same: false;
      body: Record<string, unknown>;
      leader: string;
      /** length of the decoded body */
      bytes: number;
      /** SHA-1 of the decoded body, hex */
      digest: string;
    }
  | { same: true; bytes: number; digest: string };

/**
 * `GET <url>` with the headers the Go program sends, and the checks that decide
 * whether a reply is a state at all. Everything is bounded by `signal`, and the
 * body by `maxBytes`.
 */
export async function getState(
  url: string,
  auth: FetchAuth,
  maxBytes: number,
  dispatcher: Dispatcher,
  signal: AbortSignal,
  previousDigest: string | null = null,
): Promise<StateDocument> {
  const headers: Record<string, string> = {
    'user-agent': 'Mesos-DNS',
    'content-type': 'application/json',
    'accept-encoding': 'gzip',
    connection: 'close',
  };
  const authorization = await authorizationFor(auth, dispatcher, signal);
  if (authorization !== undefined) headers.authorization = authorization;

  const response = await request(url, { method: 'GET', headers, dispatcher, signal });
  if (response.statusCode < 200 || response.statusCode > 299) {
    // Go parsed error bodies as states (docs/compatibility.md, Fetching the state); we treat them as a failed master.
    await response.body.dump();
    throw new FetchFailure('MESOS_DNS_FETCH_HTTP_STATUS', `HTTP status ${response.statusCode}`);
  }
  const sha1 = createHash('sha1');
  const raw = await readStateBody(response.body, response.headers, maxBytes, sha1);
  const bytes = raw.length;
  const digest = sha1.digest('hex');
  // The same bytes as last time make the same records: no need to parse them again.
  if (digest === previousDigest) return { same: true, bytes, digest };
  ensureRoomToParse(raw);
  return { ...checkState(raw), same: false, bytes, digest };
}

/**
 * The checks on a reply body, separate from I/O so they can be tested directly.
 * The tasks stay bytes until validation reads them (`state/state-json.ts`).
 */
export function checkState(raw: Buffer): { body: Record<string, unknown>; leader: string } {
  let body = parseStateJson(raw);
  if (body === undefined) {
    // Not well-formed: the text decides between an empty body and JSON.parse's own error.
    const text = raw.toString('utf8');
    if (text.trim() === '') throw new FetchFailure('MESOS_DNS_FETCH_EMPTY_BODY', 'empty body');
    try {
      body = JSON.parse(text);
    } catch (err) {
      throw new FetchFailure('MESOS_DNS_FETCH_BAD_JSON', `invalid JSON: ${(err as Error).message}`);
    }
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new FetchFailure('MESOS_DNS_FETCH_NOT_OBJECT', 'state is not a JSON object');
  }
  const leader = leaderOf(body as Record<string, unknown>);
  if (leader === '') {
    throw new FetchFailure('MESOS_DNS_FETCH_NO_LEADER', 'fetched state does not contain leader information');
  }
  return { body: body as Record<string, unknown>, leader };
}

/** Keys match case-insensitively and the last one wins (Go encoding/json). */
function leaderOf(body: Record<string, unknown>): string {
  let leader = '';
  for (const [key, value] of Object.entries(body)) {
    if (key.toLowerCase() === 'leader') leader = typeof value === 'string' ? value : '';
  }
  return leader;
}
