import { describe, expect, it } from 'vitest';
import { MemoryBudget } from '../../src/records/budget.js';
import { u8s } from '../../src/records/growable.js';

describe('Growable.pushFrom', () => {
  it('appends a run of another array, growing past its first buffer, and charges the growth', () => {
    const budget = new MemoryBudget(1 << 20);
    const g = u8s(20, budget);
    const src = Uint8Array.from({ length: 64 }, (_, i) => i + 1);
    g.push(200);
    g.pushFrom(src, 3, 16);
    g.pushFrom(src, 40, 16);
    expect(g.length).toBe(33);
    expect([...g.items.subarray(0, g.length)]).toEqual([200, ...src.subarray(3, 19), ...src.subarray(40, 56)]);
    expect(g.items.length).toBeGreaterThanOrEqual(33);
    expect(budget.bytes).toBe(g.items.byteLength);
  });
});
