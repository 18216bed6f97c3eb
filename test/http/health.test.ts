import { describe, expect, it } from 'vitest';
import { freshSince, readiness } from '../../src/http/health.js';
import { acceptsJson } from '../../src/http/routes.js';
import { ServingState, type Snapshot } from '../../src/serving.js';

const NOW = 1_700_000_000_000;

function snapshotAt(loadedAt: number): Snapshot {
  // readiness reads only serial and loadedAt; the table is never touched.
  return { serial: 7, loadedAt } as Snapshot;
}

describe('readiness', () => {
  it('is not ready before the first load, naming the last error', () => {
    const s = new ServingState();
    expect(readiness(s, 60, NOW)).toEqual({ ready: false, reason: 'no state loaded yet' });
    s.recordOutcome({
      at: NOW,
      ok: false,
      error: { code: 'MESOS_DNS_STATE_INVALID', message: 'bad json' },
      durationMs: 1,
    });
    expect(readiness(s, 60, NOW)).toEqual({
      ready: false,
      reason: 'no state loaded yet; last refresh failed: MESOS_DNS_STATE_INVALID: bad json',
    });
  });

  it('is ready up to 3 × refreshSeconds after the last success, then not', () => {
    const s = new ServingState();
    s.swap(snapshotAt(NOW - 180_000));
    expect(readiness(s, 60, NOW)).toEqual({ ready: true, serial: 7, ageSeconds: 180 });
    const stale = readiness(s, 60, NOW + 1000);
    expect(stale.ready).toBe(false);
    s.recordOutcome({
      at: NOW + 500,
      ok: false,
      error: { code: 'MESOS_DNS_MASTER_UNREACHABLE', message: 'down' },
      durationMs: 1,
    });
    expect(readiness(s, 60, NOW + 1000)).toEqual({
      ready: false,
      reason:
        'last successful refresh 181s ago, more than 180s (3 × refreshSeconds); last refresh failed: MESOS_DNS_MASTER_UNREACHABLE: down',
    });
  });

  it('counts a successful refresh without a swap as fresh', () => {
    const s = new ServingState();
    s.swap(snapshotAt(NOW - 600_000));
    expect(freshSince(s)).toBe(NOW - 600_000);
    s.recordOutcome({ at: NOW - 1000, ok: true, durationMs: 1 });
    expect(freshSince(s)).toBe(NOW - 1000);
    expect(readiness(s, 60, NOW)).toEqual({ ready: true, serial: 7, ageSeconds: 1 });
  });
});

describe('acceptsJson (go-restful matchesAccept)', () => {
  it.each([
    [undefined, true],
    ['', true],
    ['*/*', true],
    ['application/json', true],
    ['application/json;q=0.1', true],
    ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', true],
    ['text/plain, Application/JSON', true],
    ['text/plain', false],
    ['application/*', false],
    ['application/jsonx', false],
  ])('%j → %s', (accept, ok) => {
    expect(acceptsJson(accept)).toBe(ok);
  });
});
