import { describe, expect, it } from 'vitest';
import { slaveIdTail, taskHash } from '../../src/records/hash.js';

describe('taskHash', () => {
  it.each([
    ['nginx.1bc32344-3dda-11e4-a088-c20493233aa5', '6ud99'],
    ['test', 'iffe9'],
    ['web.1', 'e844k'],
    ['db.1', 'f3ink'],
    ['x', 'n85k5'],
    ['big.1', '3tpy8'],
    ['Web.App_v2.xyz', 'r8wxt'],
    ['liquor-store.b8db9f73-562f-11e4-a088-c20493233aa5', '4dfjd'],
    ['toy-store.b8db9f73-562f-11e4-a088-c20493233aa5', 'go588'],
    ['car-store.43758382-562f-11e4-a088-c20493233aa5', 'zinaz'],
    ['chronos.49b91a9a-3dda-11e4-a088-c20493233aa5', 'rx8q6'],
    ['', '5eh48'],
  ])('%j → %s', (id, hash) => {
    expect(taskHash(id)).toBe(hash);
  });
});

describe('slaveIdTail', () => {
  it('takes the last dash field, lower-cased', () => {
    expect(slaveIdTail('20140803-125133-3041283216-5050-2410-S1')).toBe('s1');
    expect(slaveIdTail('20160101-000000-668835601-5050-2116-3')).toBe('3');
    expect(slaveIdTail('NODASH')).toBe('nodash');
  });
});
