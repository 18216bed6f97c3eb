import { describe, expect, it } from 'vitest';
import { InFlight } from '../../../src/dns/forward/inflight.js';

function exchange() {
  const e = { aborted: 0, abort: () => void e.aborted++ };
  return e;
}

describe('InFlight', () => {
  it('merges waiters of one key onto one exchange, and settles them together', () => {
    const f = new InFlight<string>();
    expect(f.join('k', 'a')).toBe(false);
    f.open('k', exchange(), 'a');
    expect(f.join('k', 'b')).toBe(true);
    expect(f.join('k', 'c')).toBe(true);
    f.open('other', exchange(), 'd');
    expect([f.size, f.exchanges]).toEqual([4, 2]);
    expect(f.settle('k')).toEqual(['a', 'b', 'c']);
    expect([f.size, f.exchanges]).toEqual([1, 1]);
    expect(f.settle('k')).toEqual([]);
    expect(f.join('k', 'e')).toBe(false);
  });

  it('aborts every exchange and hands back every waiter', () => {
    const f = new InFlight<string>();
    const x = exchange();
    const y = exchange();
    f.open('x', x, 'a');
    f.join('x', 'b');
    f.open('y', y, 'c');
    expect(f.abortAll().sort()).toEqual(['a', 'b', 'c']);
    expect([x.aborted, y.aborted, f.size, f.exchanges]).toEqual([1, 1, 0, 0]);
  });
});
