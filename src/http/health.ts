/**
 * `/health` (the process serves) and `/ready` (it serves current data): a load
 * balancer should stop sending queries to an instance whose table went stale.
 */
import type { ServingState } from '../serving.js';

/** Refreshes that may be missed before the data counts as stale. */
export const STALE_AFTER_REFRESHES = 3;

export const HEALTH_BODY = JSON.stringify({ status: 'ok' });

/**
 * When the served records were last confirmed: a refresh that found unchanged
 * content may not swap the snapshot, yet it proves the data current.
 */
export function freshSince(serving: ServingState): number {
  const last = serving.lastOutcome;
  return Math.max(serving.lastSuccessAt, last?.ok ? last.at : 0);
}

export type Readiness = { ready: true; serial: number; ageSeconds: number } | { ready: false; reason: string };

export function readiness(serving: ServingState, refreshSeconds: number, now: number): Readiness {
  const snapshot = serving.current;
  if (snapshot === null) return { ready: false, reason: withLastError('no state loaded yet', serving) };
  const ageSeconds = Math.max(0, now - freshSince(serving)) / 1000;
  const limit = STALE_AFTER_REFRESHES * refreshSeconds;
  if (ageSeconds > limit) {
    const reason = `last successful refresh ${Math.round(ageSeconds)}s ago, more than ${limit}s (${STALE_AFTER_REFRESHES} × refreshSeconds)`;
    return { ready: false, reason: withLastError(reason, serving) };
  }
  return { ready: true, serial: snapshot.serial, ageSeconds: Math.round(ageSeconds * 1000) / 1000 };
}

function withLastError(reason: string, serving: ServingState): string {
  const err = serving.lastOutcome?.ok === false ? serving.lastOutcome.error : undefined;
  return err ? `${reason}; last refresh failed: ${err.code}: ${err.message}` : reason;
}
