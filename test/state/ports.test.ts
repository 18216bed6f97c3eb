import { describe, expect, it } from 'vitest';
import { MAX_PORTS_PER_TASK, parsePortRanges } from '../../src/state/ports.js';

describe('parsePortRanges', () => {
  it('expands ranges in order', () => {
    expect(parsePortRanges('[31111-31111, 31115-31117]')).toEqual([31111, 31115, 31116, 31117]);
    expect(parsePortRanges('[31801-31802, 31900-31900]')).toEqual([31801, 31802, 31900]);
  });

  it('treats empty forms as no ports', () => {
    expect(parsePortRanges('')).toEqual([]);
    expect(parsePortRanges('[]')).toEqual([]);
  });

  it('skips garbage ranges and reports them', () => {
    const bad: string[] = [];
    expect(parsePortRanges('[a-b, 31002-31002]', { badRange: (r) => bad.push(r) })).toEqual([31002]);
    expect(bad).toEqual(['a-b']);
  });

  it('gives nothing for lo > hi', () => {
    expect(parsePortRanges('[31005-31001]')).toEqual([]);
  });

  it('is lenient where Go crashes: no bracket, bare numbers', () => {
    expect(parsePortRanges('31000-31001')).toEqual([31000, 31001]);
    expect(parsePortRanges('[31000]')).toEqual([31000]);
    expect(parsePortRanges('[31000, 31002-31003')).toEqual([31000, 31002, 31003]);
  });

  it('refuses absurdly wide ranges instead of allocating billions of ports', () => {
    const bad: string[] = [];
    expect(parsePortRanges('[0-4294967295]', { badRange: (r) => bad.push(r) })).toEqual([]);
    expect(bad).toHaveLength(1);
  });

  it('skips numbers too large to count with instead of looping forever', () => {
    const bad: string[] = [];
    expect(
      parsePortRanges('[99999999999999999999-99999999999999999999, 31000-31000]', {
        badRange: (r) => bad.push(r),
      }),
    ).toEqual([31000]);
    expect(bad).toEqual(['99999999999999999999-99999999999999999999']);
  });

  it('keeps at most 1,024 ports per task, all ranges together, and reports how many there were', () => {
    expect(MAX_PORTS_PER_TASK).toBe(1024);
    const totals: number[] = [];
    const ports = parsePortRanges('[1-65535, 1-65535, 1-65535, 1-65535, 1-65535]', { tooMany: (n) => totals.push(n) });
    expect(ports).toHaveLength(1024);
    expect(ports.at(-1)).toBe(1024);
    expect(totals).toEqual([5 * 65535]);
  });

  it('counts ranges past the cap in the lenient form too', () => {
    const totals: number[] = [];
    const ports = parsePortRanges('1000-1999, 5000-5999', { tooMany: (n) => totals.push(n) });
    expect(ports).toHaveLength(1024);
    expect(ports.slice(999, 1001)).toEqual([1999, 5000]);
    expect(totals).toEqual([2000]);
  });

  it('reports nothing at exactly the cap', () => {
    const totals: number[] = [];
    expect(parsePortRanges('[1-512, 2001-2512]', { tooMany: (n) => totals.push(n) })).toHaveLength(1024);
    expect(totals).toEqual([]);
  });
});
