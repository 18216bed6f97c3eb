import { describe, expect, it } from 'vitest';
import { parseIP, splitHostPort } from '../../src/records/ip.js';

describe('parseIP', () => {
  it.each([
    ['10.0.0.1', 4, '10.0.0.1'],
    ['::ffff:1.2.3.4', 4, '1.2.3.4'],
    ['2001:DB8:0:0:0:0:0:1', 6, '2001:db8::1'],
    ['fd01:b:0:0:0:1:8000:2', 6, 'fd01:b::1:8000:2'],
    ['2001:db8:0:0:1:0:0:1', 6, '2001:db8::1:0:0:1'],
    ['::', 6, '::'],
    ['::1', 6, '::1'],
    ['1::', 6, '1::'],
    ['::1.2.3.4', 6, '::102:304'],
    ['fe80::fc:ff:fe00:1', 6, 'fe80::fc:ff:fe00:1'],
  ])('%s', (s, family, text) => {
    expect(parseIP(s)).toEqual({ family, text });
  });

  it.each(['', 'not-an-ip', '010.0.0.1', '1.2.3', '256.1.1.1', '1:2:3:4:5:6:7:8:9', '1::2::3', 'fe80::1%eth0', ':::', '12345::1'])(
    'rejects %j',
    (s) => {
      expect(parseIP(s)).toBeNull();
    },
  );
});

describe('splitHostPort', () => {
  it('splits like Go net.SplitHostPort', () => {
    expect(splitHostPort('1.2.3.4:5050')).toEqual({ host: '1.2.3.4', port: '5050' });
    expect(splitHostPort('[::1]:53')).toEqual({ host: '::1', port: '53' });
    expect(splitHostPort('1.2.3.4')).toBeNull();
    expect(splitHostPort('::1:53')).toBeNull();
    expect(splitHostPort('[::1]')).toBeNull();
  });
});
