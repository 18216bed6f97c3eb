import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { Exchange } from '../../../src/dns/forward/exchange.js';
import { upstreamQuery } from '../../../src/dns/forward/question.js';
import type { UpstreamAnswer } from '../../../src/dns/forward/reply.js';
import { parseUpstream } from '../../../src/dns/forward/router.js';
import { aRR, buildQuery, buildReply, counts, idOf, questionEnd } from '../../helpers/dns-msg.js';
import { startUpstream, type StandInUpstream } from '../../helpers/upstream.js';

const log = pino({ level: 'silent' });
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function upstream(...args: Parameters<typeof startUpstream>): Promise<StandInUpstream> {
  const u = await startUpstream(...args);
  cleanups.push(() => u.close());
  return u;
}

function ask(name: string, resolvers: string[], timeoutMs = 5000) {
  const client = buildQuery(name);
  const end = questionEnd(client);
  const counters = { attempts: 0, ignored: 0, syncDone: false };
  const done = new Promise<UpstreamAnswer | null>((resolve) => {
    let starting = true;
    const x = new Exchange({
      query: upstreamQuery(
        client,
        { qnameEnd: end - 4, questionEnd: end, qtype: 1, qclass: 1, dnssecOk: false, checkingDisabled: false },
        1232,
      ),
      questionEnd: end,
      upstreams: resolvers.map((r) => parseUpstream(r)),
      timeoutMs,
      log,
      onAttempt: () => counters.attempts++,
      onIgnored: () => counters.ignored++,
      done: (answer) => {
        if (starting) counters.syncDone = true;
        resolve(answer);
      },
    });
    x.start();
    starting = false;
  });
  return { done, counters };
}

const many = (n: number) => Array.from({ length: n }, (_, i) => aRR('x', `10.0.${i >> 8}.${i & 255}`));

describe('Exchange', () => {
  it('repeats a truncated UDP exchange over TCP with the same upstream, with a new ID', async () => {
    const up = await upstream((q, transport) =>
      transport === 'udp' ? buildReply(q, { tc: true }) : buildReply(q, { answers: many(200) }),
    );
    const { done, counters } = ask('big.example', [up.resolver]);
    const answer = await done;
    expect(counts(answer!.msg).an).toBe(200);
    expect(up.queries.map((q) => q.transport)).toEqual(['udp', 'tcp']);
    expect(counters).toMatchObject({ attempts: 2, syncDone: false });
  });

  it('fails over in order on a timeout, and ends with null when every upstream failed', async () => {
    const silent = await upstream(() => null);
    const good = await upstream((q) => buildReply(q, { answers: many(1) }));
    const first = ask('x.example', [silent.resolver, good.resolver], 200);
    expect(counts((await first.done)!.msg).an).toBe(1);
    expect([silent.queries.length, good.queries.length]).toEqual([1, 1]);
    const none = ask('x.example', [silent.resolver, silent.resolver], 200);
    expect(await none.done).toBeNull();
    expect(none.counters.attempts).toBe(2);
  });

  it('waits out an upstream whose replies carry the wrong question, then tries the next', async () => {
    const wrong = await upstream((q) => buildReply(buildQuery('other.example', { id: idOf(q) })));
    const good = await upstream((q) => buildReply(q, { answers: many(1) }));
    const { done, counters } = ask('x.example', [wrong.resolver, good.resolver], 300);
    expect(await done).not.toBeNull();
    expect(counters).toMatchObject({ attempts: 2, ignored: 1 });
  });

  it('gives every attempt an ID of its own, drawn at random', async () => {
    const up = await upstream((q) => buildReply(q, { answers: many(1) }));
    for (let i = 0; i < 20; i++) await ask(`id${i}.example`, [up.resolver]).done;
    const ids = new Set(up.queries.map((q) => idOf(q.msg)));
    expect(ids.size).toBeGreaterThanOrEqual(18);
  });
});
