import { describe, expect, it } from 'vitest';
import { InFlight } from '../../../src/dns/forward/inflight.js';

function exchange() {
  const e = { aborted: 0, abort: () => void e.aborted++ };
  return e;
}

const w = (client: string, name = '') => ({ client, name });

describe('InFlight', () => {
  it('merges waiters of one key onto one exchange, and settles them together', () => {
    const f = new InFlight<ReturnType<typeof w>>({ maxWaiting: 100, maxPerClient: 100 });
    const [a, b, c, d] = [w('x', 'a'), w('y', 'b'), w('x', 'c'), w('x', 'd')];
    expect(f.join('k', a)).toBe(false);
    f.open('k', exchange(), a);
    expect(f.join('k', b)).toBe(true);
    expect(f.join('k', c)).toBe(true);
    f.open('other', exchange(), d);
    expect([f.size, f.exchanges]).toEqual([4, 2]);
    expect(f.settle('k')).toEqual([a, b, c]);
    expect([f.size, f.exchanges]).toEqual([1, 1]);
    expect(f.settle('k')).toEqual([]);
    expect(f.join('k', w('x'))).toBe(false);
  });

  it("counts each client's waiting queries, merged ones included, against its quota", () => {
    const f = new InFlight<ReturnType<typeof w>>({ maxWaiting: 100, maxPerClient: 2 });
    f.open('k', exchange(), w('10.0.0.1'));
    expect(f.admits('10.0.0.1')).toBe(true);
    f.join('k', w('10.0.0.1'));
    expect(f.admits('10.0.0.1')).toBe(false);
    expect(f.admits('10.0.0.2')).toBe(true);
    // Another client's query merged onto the same exchange counts for that client only.
    f.join('k', w('10.0.0.2'));
    expect(f.admits('10.0.0.2')).toBe(true);
    f.settle('k');
    expect(f.admits('10.0.0.1')).toBe(true);
  });

  it('stops admitting anyone at the global limit', () => {
    const f = new InFlight<ReturnType<typeof w>>({ maxWaiting: 3, maxPerClient: 2 });
    f.open('a', exchange(), w('10.0.0.1'));
    f.open('b', exchange(), w('10.0.0.2'));
    f.open('c', exchange(), w('10.0.0.3'));
    expect(f.admits('10.0.0.4')).toBe(false);
    f.settle('b');
    expect(f.admits('10.0.0.4')).toBe(true);
  });

  it('aborts every exchange and hands back every waiter', () => {
    const f = new InFlight<ReturnType<typeof w>>({ maxWaiting: 100, maxPerClient: 100 });
    const x = exchange();
    const y = exchange();
    f.open('x', x, w('1', 'a'));
    f.join('x', w('1', 'b'));
    f.open('y', y, w('2', 'c'));
    expect(
      f
        .abortAll()
        .map((v) => v.name)
        .sort(),
    ).toEqual(['a', 'b', 'c']);
    expect([x.aborted, y.aborted, f.size, f.exchanges]).toEqual([1, 1, 0, 0]);
    expect(f.admits('1')).toBe(true);
  });
});
