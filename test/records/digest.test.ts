import { describe, expect, it } from 'vitest';
import { nextSerial, recordDigest as digestOfStore } from '../../src/records/digest.js';
import { storeOf } from '../../src/records/store-text.js';
import { parseAddr } from '../../src/net/ip.js';
import type { RecordSet, Values } from '../../src/records/types.js';

/** A RecordSet as the generator stores it: a single value as the string itself. */
function rs(a: Array<[string, string[]]>, srv: Array<[string, string[]]> = []): RecordSet {
  const m = (xs: Array<[string, string[]]>) =>
    new Map<string, Values>(xs.map(([k, v]) => [k, v.length === 1 ? v[0]! : v]));
  return { a: m(a), aaaa: new Map(), srv: m(srv) };
}

const recordDigest = (records: RecordSet): string => digestOfStore(storeOf(records));

describe('recordDigest', () => {
  it('ignores the order of names and values', () => {
    const x = rs([
      ['a.mesos.', ['10.0.0.1', '10.0.0.2']],
      ['b.mesos.', ['10.0.0.3']],
    ]);
    const y = rs([
      ['b.mesos.', ['10.0.0.3']],
      ['a.mesos.', ['10.0.0.2', '10.0.0.1']],
    ]);
    expect(recordDigest(x)).toBe(recordDigest(y));
  });

  it('changes when a value, a name or a type changes', () => {
    const base = recordDigest(rs([['a.mesos.', ['10.0.0.1']]]));
    expect(recordDigest(rs([['a.mesos.', ['10.0.0.2']]]))).not.toBe(base);
    expect(recordDigest(rs([['b.mesos.', ['10.0.0.1']]]))).not.toBe(base);
    expect(recordDigest(rs([], [['a.mesos.', ['10.0.0.1']]]))).not.toBe(base);
    expect(recordDigest(rs([['a.mesos.', ['10.0.0.1', '10.0.0.1x']]]))).not.toBe(base);
  });

  it('counts the PTR pairs (ptrOn): an address pointing elsewhere is a change, their order is not', () => {
    const withPtrs = (pairs: Array<[string, string]>): string => {
      const s = storeOf(
        rs([
          ['a.mesos.', ['10.0.0.1']],
          ['b.mesos.', ['10.0.0.1']],
        ]),
      );
      for (const [ip, name] of pairs) s.ptr.add(parseAddr(ip)!, s.id(name));
      return digestOfStore(s);
    };
    const base = withPtrs([['10.0.0.1', 'a.mesos.']]);
    expect(withPtrs([])).not.toBe(base);
    expect(withPtrs([['10.0.0.1', 'b.mesos.']])).not.toBe(base);
    expect(withPtrs([['10.0.0.2', 'a.mesos.']])).not.toBe(base);
    expect(withPtrs([['::ffff:10.0.0.2', 'a.mesos.']])).toBe(withPtrs([['10.0.0.2', 'a.mesos.']]));
    expect(withPtrs([['fd00::1', 'a.mesos.']])).not.toBe(withPtrs([['fd00::2', 'a.mesos.']]));
    expect(
      withPtrs([
        ['10.0.0.1', 'a.mesos.'],
        ['10.0.0.1', 'b.mesos.'],
      ]),
    ).toBe(
      withPtrs([
        ['10.0.0.1', 'b.mesos.'],
        ['10.0.0.1', 'a.mesos.'],
      ]),
    );
  });

  it('reads a single value stored as a string and as a one-element array alike', () => {
    const single = rs([['a.mesos.', ['10.0.0.1']]], [['_a._tcp.mesos.', ['a.mesos.:80']]]);
    expect(typeof single.a.get('a.mesos.')).toBe('string');
    const listed: RecordSet = {
      a: new Map([['a.mesos.', ['10.0.0.1']]]),
      aaaa: new Map(),
      srv: new Map([['_a._tcp.mesos.', ['a.mesos.:80']]]),
    };
    expect(recordDigest(single)).toBe(recordDigest(listed));
    expect(recordDigest(single)).toMatch(/^2:/);
  });
});

describe('nextSerial', () => {
  it('starts at the current time', () => {
    expect(nextSerial(null, false, 1_800_000_000)).toBe(1_800_000_000);
  });

  it('keeps the serial while the content is unchanged', () => {
    expect(nextSerial(1_800_000_000, true, 1_800_000_500)).toBe(1_800_000_000);
  });

  it('moves to the current time when the content changes', () => {
    expect(nextSerial(1_800_000_000, false, 1_800_000_500)).toBe(1_800_000_500);
  });

  it('never goes backwards: same second or a clock stepped back still increases it', () => {
    expect(nextSerial(1_800_000_000, false, 1_800_000_000)).toBe(1_800_000_001);
    expect(nextSerial(1_800_000_000, false, 1_700_000_000)).toBe(1_800_000_001);
  });
});
