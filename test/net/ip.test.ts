import { describe, expect, it } from 'vitest';
import { canonicalIp, formatIPv6, parseIP, parseIPv6Into } from '../../src/net/ip.js';

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

  it.each([
    '',
    'not-an-ip',
    '010.0.0.1',
    '1.2.3',
    '256.1.1.1',
    '1:2:3:4:5:6:7:8:9',
    '1::2::3',
    'fe80::1%eth0',
    ':::',
    '12345::1',
  ])('rejects %j', (s) => {
    expect(parseIP(s)).toBeNull();
  });
});

describe('parseIPv6Into / formatIPv6', () => {
  const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

  it.each([
    ['::', '00000000000000000000000000000000', '::'],
    ['1::', '00010000000000000000000000000000', '1::'],
    ['2001:DB8::1', '20010db8000000000000000000000001', '2001:db8::1'],
    ['::ffff:1.2.3.4', '00000000000000000000ffff01020304', '::ffff:102:304'],
    ['1:2:3:4:5:6:1.2.3.4', '00010002000300040005000601020304', '1:2:3:4:5:6:102:304'],
    ['1:0:0:1:0:0:0:1', '00010000000000010000000000000001', '1:0:0:1::1'],
    ['1:2:3:4:5:6:7::', '00010002000300040005000600070000', '1:2:3:4:5:6:7:0'],
  ])('%s', (text, bytes, canonical) => {
    const out = new Uint8Array(18).fill(9);
    expect(parseIPv6Into(text, out, 1)).toBe(true);
    expect(hex(out.subarray(1, 17))).toBe(bytes);
    expect([out[0], out[17]]).toEqual([9, 9]);
    expect(formatIPv6(out, 1)).toBe(canonical);
  });

  it.each([
    '',
    ':',
    '1.2.3.4',
    '1:2:3:4:5:6:7:8:9',
    '1::2::3',
    ':1::',
    '1:2:',
    '::1.2.3',
    '1:2:3:4:5:6:7:1.2.3.4',
    '1::2:3:4:5:6:7:8',
    'fe80::1%eth0',
    '::01.2.3.4',
    '12345::',
  ])('rejects %j', (text) => {
    const out = new Uint8Array(16).fill(9);
    expect(parseIPv6Into(text, out, 0)).toBe(false);
    expect(out.every((b) => b === 9)).toBe(true);
  });
});

describe('canonicalIp', () => {
  it.each([
    ['1.2.3.4', '1.2.3.4'],
    ['0.0.0.0', '0.0.0.0'],
    ['::', '::'],
    ['::1', '::1'],
    ['0:0::1', '::1'],
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['2001:db8:0:1:0:0:0:1', '2001:db8:0:1::1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['fe80:0:0:0:fc:ff:fe00:1', 'fe80::fc:ff:fe00:1'],
    ['::ffff:1.2.3.4', '1.2.3.4'],
    ['::ffff:0102:0304', '1.2.3.4'],
    ['::1.2.3.4', '::102:304'],
    ['1:0:0:1:0:0:0:1', '1:0:0:1::1'],
  ])('%s → %s', (input, expected) => {
    expect(canonicalIp(input)).toBe(expected);
  });

  it.each(['localhost', '', '1.2.3', '01.2.3.4', '1.2.3.256', 'fe80::1%eth0', '[::1]', '1.2.3.4:53', ':::'])(
    'rejects %j',
    (input) => {
      expect(canonicalIp(input)).toBeNull();
      expect(parseIP(input)).toBeNull();
    },
  );

  it('tells the family', () => {
    expect(parseIP('10.0.0.1')?.family).toBe(4);
    expect(parseIP('fd00::2')?.family).toBe(6);
    expect(parseIP('::ffff:10.0.0.1')?.family).toBe(4);
  });
});
