import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import { FetchFailure, MasterUnavailableError } from '../../errors.js';
import { joinHostPort, parseEndpoint, type Endpoint } from '../../net/host-port.js';
import { parseLeader, sameEndpoint } from './address.js';
import { dispatcherFor } from './agent.js';
import { toFetchFailure } from './failure.js';
import { getState } from './http.js';
import type { StateDocument } from './http.js';
import type { FetchOptions } from './options.js';

export { closeFetchAgents } from './agent.js';
export { fetchOptionsFromConfig } from './options.js';
export type { FetchAuth, FetchOptions } from './options.js';

/**
 * A state, or word that the master whose state was used last time sent the
 * same bytes again (`unchanged`, nothing parsed).
 */
export type FetchResult =
  | {
      unchanged: false;
      /** the parsed state document: a JSON object with a non-empty `leader`; null once the caller let go of it */
      body: unknown;
      /** `host:port` the state came from (the leader's, when the leader was followed) */
      master: string;
      /** length of the decoded body */
      bytes: number;
      /** SHA-1 of the decoded body, hex */
      digest: string;
    }
  | { unchanged: true; master: string; bytes: number; digest: string };

/** The state used last time: from this master, with this digest. */
export interface PreviousState {
  master: string;
  digest: string;
}

interface Attempt {
  master: string;
  failure: FetchFailure;
}

/**
 * One reload's fetch (docs/compatibility.md, Fetching the state):
 * masters are tried in order (`""` = unknown leader, skipped); the first usable
 * state wins, after following its `leader` once to the leader's own address.
 */
export async function fetchState(
  masters: string[],
  options: FetchOptions,
  log: Logger,
  previous: PreviousState | null = null,
): Promise<FetchResult> {
  const dispatcher = dispatcherFor(options, log);
  const attempts: Attempt[] = [];
  const tried = new Set<string>();
  for (const master of masters) {
    if (master === '' || tried.has(master)) continue;
    tried.add(master);
    try {
      return await failover(master, options, dispatcher, log, previous);
    } catch (err) {
      const failure = toFetchFailure(err, false, options.timeoutMs);
      attempts.push({ master, failure });
      log.warn({ master, err: failure }, 'master state fetch failed');
    }
  }
  const last = attempts.at(-1);
  if (last === undefined) throw new MasterUnavailableError('no masters given to fetch state from');
  const reasons = attempts.map((a) => `${a.master}: ${a.failure.code} ${a.failure.message}`).join('; ');
  throw new MasterUnavailableError(
    `no master answered with a usable state (last tried ${last.master}); ${reasons}`,
    last.master,
    { cause: last.failure },
  );
}

async function failover(
  master: string,
  options: FetchOptions,
  dispatcher: Dispatcher,
  log: Logger,
  previous: PreviousState | null,
): Promise<FetchResult> {
  const address = parseEndpoint(master);
  if (address === null) {
    throw new FetchFailure('MESOS_DNS_FETCH_BAD_ADDRESS', `"${master}" is not a host:port address`);
  }
  const state = await fetchOnce(
    address,
    options,
    dispatcher,
    log,
    previous?.master === master ? previous.digest : null,
  );
  if (state.same) return { unchanged: true, master, bytes: state.bytes, digest: state.digest };
  const leader = parseLeader(state.leader);
  if (leader === null) {
    throw new FetchFailure('MESOS_DNS_FETCH_BAD_LEADER', `leader "${state.leader}" is not name@host:port`);
  }
  const here: FetchResult = { unchanged: false, body: state.body, master, bytes: state.bytes, digest: state.digest };
  if (await isSameEndpoint(address, leader, options.timeoutMs)) return here;

  const leaderText = joinHostPort(leader.host, leader.port);
  log.debug({ master, leader: leaderText }, 'state names another leader; fetching from it');
  try {
    const leaderState = await fetchOnce(
      leader,
      options,
      dispatcher,
      log,
      previous?.master === leaderText ? previous.digest : null,
    );
    if (leaderState.same)
      return { unchanged: true, master: leaderText, bytes: leaderState.bytes, digest: leaderState.digest };
    return {
      unchanged: false,
      body: leaderState.body,
      master: leaderText,
      bytes: leaderState.bytes,
      digest: leaderState.digest,
    };
  } catch (err) {
    // The first state is complete and valid; a stale leader view beats no view.
    const failure = toFetchFailure(err, false, options.timeoutMs);
    log.warn(
      { master: leaderText, err: failure, fallback: master },
      'leader state fetch failed; using the state from the master that named it',
    );
    return here;
  }
}

async function fetchOnce(
  address: Endpoint,
  options: FetchOptions,
  dispatcher: Dispatcher,
  log: Logger,
  previousDigest: string | null,
): Promise<StateDocument> {
  const url = `${options.https ? 'https' : 'http'}://${joinHostPort(address.host, address.port)}/master/state`;
  log.debug({ master: joinHostPort(address.host, address.port), url }, 'fetching master state');
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new FetchFailure('MESOS_DNS_FETCH_TIMEOUT', `no complete answer within ${options.timeoutMs} ms`));
  }, options.timeoutMs);
  try {
    return await getState(url, options.auth, options.maxStateBytes, dispatcher, controller.signal, previousDigest);
  } catch (err) {
    throw toFetchFailure(err, timedOut, options.timeoutMs);
  } finally {
    clearTimeout(timer);
  }
}

/** A name lookup that hangs must not stall the reload: past the deadline, assume "different". */
async function isSameEndpoint(a: Endpoint, b: Endpoint, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([sameEndpoint(a, b), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
