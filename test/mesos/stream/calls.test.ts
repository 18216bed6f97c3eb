import { describe, expect, it } from 'vitest';
import { frameworkPids } from '../../../src/mesos/stream/calls.js';
import { FetchFailure } from '../../../src/errors.js';

describe('frameworkPids (v0 /master/frameworks)', () => {
  it('reads each framework pid as validateState does: absent → null, unusable → null with a warning', () => {
    const { pids, warnings } = frameworkPids({
      frameworks: [
        { id: 'a', name: 'marathon', pid: 'scheduler(1)@10.0.0.5:25501' },
        { id: 'b', name: 'http framework' },
        { id: 'c', name: 'broken', pid: 'no-at-sign' },
        { id: 'd', name: 'null pid', pid: null },
        { name: 'no id', pid: 'x@1.2.3.4:5' },
      ],
      completed_frameworks: [{ id: 'e', pid: 'scheduler@10.0.0.6:1' }],
    });
    expect([...pids]).toEqual([
      ['a', { id: 'scheduler(1)', host: '10.0.0.5', port: '25501' }],
      ['b', null],
      ['c', null],
      ['d', null],
    ]);
    expect(warnings.map((w) => w.id)).toEqual(['c', 'd']);
  });

  it('fails on a document without a frameworks list', () => {
    expect(() => frameworkPids({ error: 'nope' })).toThrow(FetchFailure);
    expect(() => frameworkPids([])).toThrow(FetchFailure);
  });
});
