import { describe, expect, it } from 'vitest';
import { generate } from '../../src/records/generator.js';
import { valuesOf } from '../../src/records/record-set.js';
import type { Values } from '../../src/records/types.js';
import { recordSetOf } from '../../src/records/store-text.js';

function run(masters: string[], leader: string) {
  const g = generate(
    { leader, frameworks: [], slaves: [] },
    {
      domain: 'foo.com',
      enforceRFC952: false,
      ipSources: ['host'],
      soaMname: 'ns1.foo.com.',
      listener: '::1',
      masters,
      healthyOnly: false,
      resolved: new Map(),
      interfaceAddrs: [],
    },
  );
  const view = (m: Map<string, Values>) => Object.fromEntries([...m].map(([k, v]) => [k, [...valuesOf(v)].sort()]));
  return {
    a: view(recordSetOf(g.store).a),
    aaaa: view(recordSetOf(g.store).aaaa),
    srv: view(recordSetOf(g.store).srv),
  };
}

// The Go program's records/generator_test.go cases (docs/compatibility.md, Leader and master records).
describe('leader and master records', () => {
  it.each(['', '@', '1@', '@2', '3@4'])('no leader or master records for leader %j', (leader) => {
    const r = run([], leader);
    expect(r.a).toEqual({});
    expect(r.srv).toEqual({});
    expect(r.aaaa).toEqual({ 'ns1.foo.com.': ['::1'] });
  });

  it.each<[string[], Record<string, string[]>]>([
    [[], { 'leader.foo.com.': ['0.0.0.6'], 'master.foo.com.': ['0.0.0.6'], 'master0.foo.com.': ['0.0.0.6'] }],
    [
      ['0.0.0.6:7'],
      { 'leader.foo.com.': ['0.0.0.6'], 'master.foo.com.': ['0.0.0.6'], 'master0.foo.com.': ['0.0.0.6'] },
    ],
    [
      ['0.0.0.8:9'],
      {
        'leader.foo.com.': ['0.0.0.6'],
        'master.foo.com.': ['0.0.0.6', '0.0.0.8'],
        'master0.foo.com.': ['0.0.0.8'],
        'master1.foo.com.': ['0.0.0.6'],
      },
    ],
    [
      ['0.0.0.8:9', '0.0.0.8:9'],
      {
        'leader.foo.com.': ['0.0.0.6'],
        'master.foo.com.': ['0.0.0.6', '0.0.0.8'],
        'master0.foo.com.': ['0.0.0.8'],
        'master1.foo.com.': ['0.0.0.6'],
      },
    ],
    [
      ['0.0.0.8:9', '0.0.0.6:7'],
      {
        'leader.foo.com.': ['0.0.0.6'],
        'master.foo.com.': ['0.0.0.6', '0.0.0.8'],
        'master0.foo.com.': ['0.0.0.8'],
        'master1.foo.com.': ['0.0.0.6'],
      },
    ],
    [
      ['0.0.0.8:9', '0.0.0.6:7', '0.0.0.6:7'],
      {
        'leader.foo.com.': ['0.0.0.6'],
        'master.foo.com.': ['0.0.0.6', '0.0.0.8'],
        'master0.foo.com.': ['0.0.0.8'],
        'master1.foo.com.': ['0.0.0.6'],
      },
    ],
    [
      ['0.0.0.8:9', '0.0.0.6:7', '0.0.0.7:0'],
      {
        'leader.foo.com.': ['0.0.0.6'],
        'master.foo.com.': ['0.0.0.6', '0.0.0.7', '0.0.0.8'],
        'master0.foo.com.': ['0.0.0.8'],
        'master1.foo.com.': ['0.0.0.6'],
        'master2.foo.com.': ['0.0.0.7'],
      },
    ],
  ])('masters %j with leader 5@0.0.0.6:7', (masters, wantA) => {
    const r = run(masters, '5@0.0.0.6:7');
    expect(r.a).toEqual(wantA);
    expect(r.srv).toEqual({
      '_leader._tcp.foo.com.': ['leader.foo.com.:7'],
      '_leader._udp.foo.com.': ['leader.foo.com.:7'],
    });
  });

  it('files IPv6 masters and leaders under AAAA', () => {
    const r = run(['0.0.0.8:9', '0.0.0.6:7', '[2001:db8::1]:0'], '5@0.0.0.6:7');
    expect(r.aaaa['master.foo.com.']).toEqual(['2001:db8::1']);
    expect(r.aaaa['master2.foo.com.']).toEqual(['2001:db8::1']);
    const v6 = run([], '5@[2001:db8::1]:7');
    expect(v6.aaaa['leader.foo.com.']).toEqual(['2001:db8::1']);
    expect(v6.aaaa['master0.foo.com.']).toEqual(['2001:db8::1']);
  });

  it('skips the empty leader slot of a ZooKeeper list and appends the leader when unlisted', () => {
    const r = run(['', '127.0.0.6:5050'], 'master@127.0.0.1:37060');
    expect(r.a['master0.foo.com.']).toEqual(['127.0.0.6']);
    expect(r.a['master1.foo.com.']).toEqual(['127.0.0.1']);
  });

  it('gives no records for a leader host that is not an IP (Go crashes)', () => {
    expect(run([], 'master@localhost:5050').a).toEqual({});
  });
});
