/**
 * `/health` (the process serves) and `/ready` (it serves current data): a load
 * balancer should stop sending queries to an instance whose table went stale.
 */
import type { ErrorCode } from '../errors.js';
import type { ServingState } from '../serving.js';

/** Refreshes that may be missed before the data counts as stale. */
export const STALE_AFTER_REFRESHES = 3;

export const HEALTH_BODY = JSON.stringify({ status: 'ok' });

/**
 * When the served records were last confirmed: a refresh that found unchanged
 * content may not swap the snapshot, yet it proves the data current. So does
 * the event stream: while it is subscribed and its builds succeed, the data is
 * current now (a silent stream is resubscribed, so it never stays subscribed
 * long without news); once it fails, it was current at its last event.
 */
export function freshSince(serving: ServingState, now: number): number {
  const last = serving.lastOutcome;
  const polled = Math.max(serving.lastSuccessAt, last?.ok ? last.at : 0);
  const stream = serving.stream;
  if (stream === null || serving.lastStreamOutcome?.ok === false) return polled;
  return Math.max(polled, stream.state === 'subscribed' ? now : stream.lastEventAt);
}

/** Where the served data comes from now: the event stream while it is subscribed, else polls. */
export function sourceInUse(serving: ServingState): 'stream' | 'poll' {
  return serving.stream?.state === 'subscribed' ? 'stream' : 'poll';
}

/**
 * The `/ready` body; its shape is stable, for load balancers and scripts.
 *
 * Ready (HTTP 200): `{"ready":true,"serial":1700000000,"ageSeconds":12.5,"source":"stream","stream":"subscribed"}`,
 * the SOA serial served, the seconds since the records were last confirmed,
 * where the data comes from now (`stream` while the event stream is
 * subscribed, else `poll`) and the event stream's state (`connecting`,
 * `subscribed`, `failing`, `unsupported`; null with `stateSource` "poll").
 * Both end every body, ready or not.
 *
 * Not ready (HTTP 503): no state loaded yet, or neither a poll nor the event
 * stream has confirmed the records for more than 3 × refreshSeconds:
 * `{"ready":false,"reason":"MESOS_DNS_MASTER_UNREACHABLE","cause":"MESOS_DNS_FETCH_BAD_JSON","master":"10.0.0.1:5050","detail":"no state loaded yet","source":"poll","stream":"failing"}`
 * - `reason`: when the last refresh failed, its code (`MESOS_DNS_MASTER_UNREACHABLE`,
 *   `MESOS_DNS_STATE_INVALID`, `MESOS_DNS_REFRESH_OUT_OF_MEMORY`, …); otherwise
 *   `MESOS_DNS_NOT_LOADED` (no refresh has finished yet) or `MESOS_DNS_STALE`.
 * - `cause`: the code underneath `reason`, e.g. the last master attempt's
 *   `MESOS_DNS_FETCH_*` code; null when there is none.
 * - `master`: the master the failed refresh is about (for a failed fetch, the last
 *   one tried), or for `MESOS_DNS_STALE` the one the served records came from;
 *   null when unknown.
 * - `detail`: our fixed text, `no state loaded yet` or `last successful refresh
 *   200s ago, more than 180s (3 × refreshSeconds)`.
 *
 * Every field is a code, an address or our own words: never text from outside
 * (a master's body, a parser's view of it), which only the logs carry.
 */
type Verdict =
  | { ready: true; serial: number; ageSeconds: number }
  | { ready: false; reason: string; cause: string | null; master: string | null; detail: string };

export type Readiness = Verdict & { source: 'stream' | 'poll'; stream: string | null };

export function readiness(serving: ServingState, refreshSeconds: number, now: number): Readiness {
  return {
    ...verdict(serving, refreshSeconds, now),
    source: sourceInUse(serving),
    stream: serving.stream?.state ?? null,
  };
}

function verdict(serving: ServingState, refreshSeconds: number, now: number): Verdict {
  const snapshot = serving.current;
  if (snapshot === null) return notReady(serving, 'MESOS_DNS_NOT_LOADED', null, 'no state loaded yet');
  const ageSeconds = Math.max(0, now - freshSince(serving, now)) / 1000;
  const limit = STALE_AFTER_REFRESHES * refreshSeconds;
  if (ageSeconds > limit) {
    const detail = `last successful refresh ${Math.round(ageSeconds)}s ago, more than ${limit}s (${STALE_AFTER_REFRESHES} × refreshSeconds)`;
    return notReady(serving, 'MESOS_DNS_STALE', snapshot.master, detail);
  }
  return { ready: true, serial: snapshot.serial, ageSeconds: Math.round(ageSeconds * 1000) / 1000 };
}

/** The last failed refresh explains the state best; without one, `reason` and `master` as given. */
function notReady(serving: ServingState, reason: ErrorCode, master: string | null, detail: string): Verdict {
  const failed = serving.lastOutcome?.ok === false ? serving.lastOutcome.error : undefined;
  if (failed === undefined) return { ready: false, reason, cause: null, master, detail };
  return { ready: false, reason: failed.code, cause: failed.cause ?? null, master: failed.master ?? null, detail };
}
