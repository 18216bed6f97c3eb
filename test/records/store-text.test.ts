import { describe, expect, it } from 'vitest';
import { recordTexts, storeOf } from '../../src/records/store-text.js';
import type { Values } from '../../src/records/types.js';

describe('recordTexts', () => {
  it('lists every record as text, A then AAAA then SRV, names in store order', () => {
    const store = storeOf({
      a: new Map<string, Values>([
        ['b.mesos.', ['10.0.0.2', '10.0.0.3']],
        ['a.mesos.', '10.0.0.1'],
      ]),
      aaaa: new Map([['a.mesos.', '::1']]),
      srv: new Map([['_a._tcp.mesos.', 'a.mesos.:80']]),
    });
    expect([...recordTexts(store)]).toEqual([
      { rtype: 'A', name: 'b.mesos.', value: '10.0.0.2' },
      { rtype: 'A', name: 'b.mesos.', value: '10.0.0.3' },
      { rtype: 'A', name: 'a.mesos.', value: '10.0.0.1' },
      { rtype: 'AAAA', name: 'a.mesos.', value: '::1' },
      { rtype: 'SRV', name: '_a._tcp.mesos.', value: 'a.mesos.:80' },
    ]);
  });
});
