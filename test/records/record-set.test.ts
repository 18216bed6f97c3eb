import { describe, expect, it } from 'vitest';
import { addValue, recordCount, valueCount, valuesOf } from '../../src/records/record-set.js';
import type { Values } from '../../src/records/types.js';

describe('record set values', () => {
  it('reads a single value stored as a string as a one-element list, never as its characters', () => {
    expect(valuesOf('10.0.0.1')).toEqual(['10.0.0.1']);
    expect(valuesOf(['10.0.0.1', '10.0.0.2'])).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(valueCount('10.0.0.1')).toBe(1);
    expect(valueCount(['10.0.0.1', '10.0.0.2'])).toBe(2);
  });

  it('adds distinct values in insertion order, a single one as the string itself', () => {
    const m = new Map<string, Values>();
    addValue(m, 'a.mesos.', '10.0.0.1');
    expect(m.get('a.mesos.')).toBe('10.0.0.1');
    addValue(m, 'a.mesos.', '10.0.0.1');
    expect(m.get('a.mesos.')).toBe('10.0.0.1');
    addValue(m, 'a.mesos.', '10.0.0.2');
    addValue(m, 'a.mesos.', '10.0.0.1');
    addValue(m, 'a.mesos.', '10.0.0.3');
    addValue(m, 'b.mesos.', '10.0.0.9');
    expect(m.get('a.mesos.')).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3']);
    expect(recordCount(m)).toBe(4);
  });
});
