import { describe, expect, it } from 'vitest';
import { initialMasters, onAllMasters, onLeader, sameMasters } from '../../src/mesos/masters-list.js';

describe('masters list (docs/compatibility.md, The masters list)', () => {
  it('starts with an unknown leader followed by the configured masters', () => {
    expect(initialMasters(['10.0.0.1:5050', '10.0.0.2:5050'])).toEqual(['', '10.0.0.1:5050', '10.0.0.2:5050']);
    expect(initialMasters(null)).toEqual(['']);
  });

  it('puts a new leader first and removes it from the rest', () => {
    const start = initialMasters(['10.0.0.1:5050', '10.0.0.2:5050']);
    expect(onLeader(start, '10.0.0.2:5050')).toEqual(['10.0.0.2:5050', '10.0.0.1:5050']);
    expect(onLeader(start, '10.0.0.9:5050')).toEqual(['10.0.0.9:5050', '10.0.0.1:5050', '10.0.0.2:5050']);
  });

  it('replaces the leader by "" on "no leader" and keeps the rest', () => {
    expect(onLeader(['10.0.0.2:5050', '10.0.0.1:5050'], null)).toEqual(['', '10.0.0.1:5050']);
  });

  it('replaces the configured masters by the ZooKeeper masters, leader kept first', () => {
    const list = onLeader(initialMasters(['10.9.9.9:5050']), '127.0.0.1:37060');
    expect(onAllMasters(list, ['127.0.0.6:5050', '127.0.0.1:37060', '127.0.0.6:5050'])).toEqual([
      '127.0.0.1:37060',
      '127.0.0.6:5050',
    ]);
    expect(onAllMasters([''], ['127.0.0.6:5050'])).toEqual(['', '127.0.0.6:5050']);
    expect(onAllMasters([], [])).toEqual(['']);
  });

  it('reproduces the sequence observed with the Go binary', () => {
    // json.info_7 = 127.0.0.6:5050, json.info_5 = 127.0.0.1:37060 (leader), no configured masters
    let m = initialMasters(null);
    m = onLeader(m, '127.0.0.1:37060');
    expect(m).toEqual(['127.0.0.1:37060']);
    m = onAllMasters(m, ['127.0.0.6:5050', '127.0.0.1:37060']);
    expect(m).toEqual(['127.0.0.1:37060', '127.0.0.6:5050']);
    // json.info_3 appears with the same address: leader unchanged
    m = onLeader(m, '127.0.0.1:37060');
    m = onAllMasters(m, ['127.0.0.1:37060', '127.0.0.6:5050', '127.0.0.1:37060']);
    expect(m).toEqual(['127.0.0.1:37060', '127.0.0.6:5050']);
    // 3 and 5 deleted: 7 leads alone
    m = onLeader(m, '127.0.0.6:5050');
    m = onAllMasters(m, ['127.0.0.6:5050']);
    expect(m).toEqual(['127.0.0.6:5050']);
    // 7 deleted: nobody left
    m = onLeader(m, null);
    m = onAllMasters(m, []);
    expect(m).toEqual(['']);
  });

  it('never mutates its input', () => {
    const list = Object.freeze(['a:1', 'b:2']) as readonly string[];
    onLeader(list, 'b:2');
    onAllMasters(list, ['c:3']);
    expect(list).toEqual(['a:1', 'b:2']);
  });

  it('compares lists by order and content', () => {
    expect(sameMasters(['', 'a:1'], ['', 'a:1'])).toBe(true);
    expect(sameMasters(['a:1', 'b:2'], ['b:2', 'a:1'])).toBe(false);
    expect(sameMasters([''], [])).toBe(false);
  });
});
