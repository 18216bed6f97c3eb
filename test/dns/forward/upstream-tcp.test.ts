import { afterEach, describe, expect, it } from 'vitest';
import { parseUpstream } from '../../../src/dns/forward/router.js';
import { tcpAttempt } from '../../../src/dns/forward/upstream-tcp.js';
import type { VerifiedReply } from '../../../src/dns/forward/verify.js';
import { aRR, buildQuery, buildReply, counts, questionEnd } from '../../helpers/dns-msg.js';
import { startUpstream, type StandInUpstream } from '../../helpers/upstream.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function upstream(...args: Parameters<typeof startUpstream>): Promise<StandInUpstream> {
  const u = await startUpstream(...args);
  cleanups.push(() => u.close());
  return u;
}

function attempt(query: Buffer, resolver: string, timeoutMs = 5000) {
  return new Promise<{ reply: VerifiedReply | null; failure: string; ignored: number }>((resolve) => {
    let ignored = 0;
    tcpAttempt(
      query,
      questionEnd(query),
      parseUpstream(resolver),
      timeoutMs,
      () => ignored++,
      (reply, failure) => resolve({ reply, failure, ignored }),
    );
  });
}

describe('tcpAttempt', () => {
  it('reads a long framed reply whole', async () => {
    const up = await upstream((q) =>
      buildReply(q, { answers: Array.from({ length: 3000 }, (_, i) => aRR('x', `10.0.${i >> 8}.${i & 255}`)) }),
    );
    const out = await attempt(buildQuery('long.example'), up.resolver);
    expect(counts(out.reply!.msg).an).toBe(3000);
    expect(up.queries.map((q) => q.transport)).toEqual(['tcp']);
  });

  it('ignores a message that does not answer the query, and fails on the timeout', async () => {
    const up = await upstream((q) => buildReply(buildQuery('other.example', { id: q.readUInt16BE(0) })));
    const out = await attempt(buildQuery('x.example'), up.resolver, 300);
    expect(out).toMatchObject({ reply: null, failure: 'timeout', ignored: 1 });
  });

  it('fails when the connection is refused', async () => {
    const closed = await startUpstream(() => null);
    await closed.close();
    const out = await attempt(buildQuery('x.example'), closed.resolver);
    expect(out.reply).toBeNull();
    expect(out.failure).toMatch(/ECONNREFUSED/);
  });
});
