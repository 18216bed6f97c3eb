import { describe, expect, it } from 'vitest';
import { freshSince, readiness } from '../../src/http/health.js';
import { acceptsJson } from '../../src/http/routes.js';
import { ServingState, type Snapshot, type StreamReport } from '../../src/serving.js';

const NOW = 1_700_000_000_000;
/** what `/ready` adds with `stateSource` "poll" */
const POLL = { source: 'poll', stream: null };

function snapshotAt(loadedAt: number): Snapshot {
  // readiness reads only serial, loadedAt and master; the table is never touched.
  return { serial: 7, loadedAt } as Snapshot;
}

describe('readiness', () => {
  it('is not ready before the first load: MESOS_DNS_NOT_LOADED, then the failed refresh with its master and cause', () => {
    const s = new ServingState();
    expect(readiness(s, 60, NOW)).toEqual({
      ready: false,
      reason: 'MESOS_DNS_NOT_LOADED',
      cause: null,
      master: null,
      detail: 'no state loaded yet',
      ...POLL,
    });
    s.recordOutcome({
      at: NOW,
      ok: false,
      error: {
        code: 'MESOS_DNS_MASTER_UNREACHABLE',
        message: 'no master answered; 10.0.0.1:5050: MESOS_DNS_FETCH_BAD_JSON invalid JSON',
        master: '10.0.0.1:5050',
        cause: 'MESOS_DNS_FETCH_BAD_JSON',
      },
      durationMs: 1,
    });
    expect(readiness(s, 60, NOW)).toEqual({
      ready: false,
      reason: 'MESOS_DNS_MASTER_UNREACHABLE',
      cause: 'MESOS_DNS_FETCH_BAD_JSON',
      master: '10.0.0.1:5050',
      detail: 'no state loaded yet',
      ...POLL,
    });
  });

  it('never shows the text of an error: it may quote what a master sent', () => {
    const s = new ServingState();
    const secret = 'AKIAIOSFODNN7EXAMPLE';
    s.recordOutcome({
      at: NOW,
      ok: false,
      error: { code: 'MESOS_DNS_STATE_INVALID', message: `Unexpected token 'A', "${secret}" is not valid JSON` },
      durationMs: 1,
    });
    const shown = JSON.stringify(readiness(s, 60, NOW));
    expect(shown).toContain('MESOS_DNS_STATE_INVALID');
    expect(shown).not.toContain(secret);
    expect(shown).not.toContain('Unexpected token');
  });

  it('is ready up to 3 × refreshSeconds after the last success, then not', () => {
    const s = new ServingState();
    s.swap({ ...snapshotAt(NOW - 180_000), master: '10.0.0.2:5050' });
    expect(readiness(s, 60, NOW)).toEqual({ ready: true, serial: 7, ageSeconds: 180, ...POLL });
    expect(readiness(s, 60, NOW + 1000)).toEqual({
      ready: false,
      reason: 'MESOS_DNS_STALE',
      cause: null,
      master: '10.0.0.2:5050',
      detail: 'last successful refresh 181s ago, more than 180s (3 × refreshSeconds)',
      ...POLL,
    });
    s.recordOutcome({
      at: NOW + 500,
      ok: false,
      error: { code: 'MESOS_DNS_REFRESH_OUT_OF_MEMORY', message: 'down' },
      durationMs: 1,
    });
    expect(readiness(s, 60, NOW + 1000)).toEqual({
      ready: false,
      reason: 'MESOS_DNS_REFRESH_OUT_OF_MEMORY',
      cause: null,
      master: null,
      detail: 'last successful refresh 181s ago, more than 180s (3 × refreshSeconds)',
      ...POLL,
    });
  });

  it('counts a successful refresh without a swap as fresh', () => {
    const s = new ServingState();
    s.swap(snapshotAt(NOW - 600_000));
    expect(freshSince(s, NOW)).toBe(NOW - 600_000);
    s.recordOutcome({ at: NOW - 1000, ok: true, durationMs: 1 });
    expect(freshSince(s, NOW)).toBe(NOW - 1000);
    expect(readiness(s, 60, NOW)).toEqual({ ready: true, serial: 7, ageSeconds: 1, ...POLL });
  });
});

describe('readiness with the event stream', () => {
  const report = (state: StreamReport['state'], lastEventAt: number): StreamReport => ({
    state,
    master: '10.0.0.1:5050',
    code: state === 'subscribed' ? null : 'MESOS_DNS_STREAM_CLOSED',
    failures: state === 'subscribed' ? 0 : 1,
    subscriptions: 1,
    failuresTotal: 0,
    eventsByType: {},
    lastEventAt,
    builds: { snapshot: 1, changes: 0 },
    resyncs: { agreed: 0, repaired: 0 },
  });
  const failedPoll = (s: ServingState, at: number) =>
    s.recordOutcome({ at, ok: false, error: { code: 'MESOS_DNS_MASTER_UNREACHABLE', message: 'down' }, durationMs: 1 });

  it('stays ready while the stream is subscribed, though every poll fails', () => {
    const s = new ServingState();
    s.swap(snapshotAt(NOW - 600_000));
    failedPoll(s, NOW - 1000);
    s.stream = report('subscribed', NOW - 600_000);
    expect(readiness(s, 60, NOW)).toEqual({
      ready: true,
      serial: 7,
      ageSeconds: 0,
      source: 'stream',
      stream: 'subscribed',
    });
  });

  it('goes 503 once both the stream and the polls have failed for more than 3 × refreshSeconds', () => {
    const s = new ServingState();
    s.swap(snapshotAt(NOW - 600_000));
    failedPoll(s, NOW - 1000);
    s.stream = report('failing', NOW - 170_000);
    expect(readiness(s, 60, NOW)).toMatchObject({ ready: true, ageSeconds: 170, source: 'poll', stream: 'failing' });
    expect(readiness(s, 60, NOW + 11_000)).toMatchObject({
      ready: false,
      reason: 'MESOS_DNS_MASTER_UNREACHABLE',
      source: 'poll',
      stream: 'failing',
    });
  });

  it('counts a subscribed stream whose last build failed as confirming nothing', () => {
    const s = new ServingState();
    s.swap(snapshotAt(NOW - 600_000));
    s.stream = report('subscribed', NOW);
    s.recordOutcome({
      at: NOW - 1000,
      ok: false,
      stream: true,
      error: { code: 'MESOS_DNS_REFRESH_OUT_OF_MEMORY', message: 'x' },
      durationMs: 1,
    });
    expect(readiness(s, 60, NOW)).toMatchObject({ ready: false, reason: 'MESOS_DNS_REFRESH_OUT_OF_MEMORY' });
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
