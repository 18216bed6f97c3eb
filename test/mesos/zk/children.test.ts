import { describe, expect, it } from 'vitest';
import { selectMasterNodes } from '../../../src/mesos/zk/children.js';

describe('selectMasterNodes', () => {
  it('elects the json.info_ node with the smallest sequence, ignoring other children', () => {
    const r = selectMasterNodes(['json.info_0000000007', 'log_replicas', 'json.info_0000000005', 'info_0000000001']);
    expect(r.leader).toEqual({ name: 'json.info_0000000005', kind: 'json', seq: 5n });
    expect(r.masters.map((m) => m.name)).toEqual(['info_0000000001', 'json.info_0000000005', 'json.info_0000000007']);
    expect(r.invalid).toEqual([]);
  });

  it('compares sequences as numbers, not text, up to 2^64-1', () => {
    const r = selectMasterNodes(['json.info_10', 'json.info_9', 'json.info_18446744073709551615']);
    expect(r.leader?.name).toBe('json.info_9');
    expect(selectMasterNodes(['json.info_18446744073709551616', 'json.info_18446744073709551615']).leader?.name).toBe(
      'json.info_18446744073709551615',
    );
  });

  it('falls back to legacy info_ nodes only when no json.info_ node exists', () => {
    expect(selectMasterNodes(['info_0000000003', 'info_0000000002']).leader).toEqual({
      name: 'info_0000000002',
      kind: 'protobuf',
      seq: 2n,
    });
  });

  it('reports non-numeric suffixes and never elects them', () => {
    const r = selectMasterNodes(['json.info_abc', 'json.info_', 'json.info_-1', 'json.info_+3', 'info_x']);
    expect(r.leader).toBeNull();
    expect(r.masters).toEqual([]);
    expect(r.invalid).toEqual(['json.info_abc', 'json.info_', 'json.info_-1', 'json.info_+3', 'info_x']);
  });

  it('has no leader without master nodes', () => {
    expect(selectMasterNodes([]).leader).toBeNull();
    expect(selectMasterNodes(['log_replicas']).leader).toBeNull();
  });
});
