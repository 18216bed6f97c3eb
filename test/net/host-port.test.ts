import { describe, expect, it } from 'vitest';
import { canonicalIp, ipFamily, joinHostPort, parsePort, splitHostPort } from '../../src/config/ip.js';

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
      expect(ipFamily(input)).toBe(0);
    },
  );

  it('tells the family', () => {
    expect(ipFamily('10.0.0.1')).toBe(4);
    expect(ipFamily('fd00::2')).toBe(6);
    expect(ipFamily('::ffff:10.0.0.1')).toBe(4);
  });
});

describe('splitHostPort (Go net.SplitHostPort)', () => {
  it.each([
    ['1.2.3.4:5050', '1.2.3.4', '5050'],
    ['[::1]:53', '::1', '53'],
    ['host:', 'host', ''],
    [':80', '', '80'],
  ])('%s', (input, host, port) => {
    expect(splitHostPort(input)).toEqual({ host, port });
  });

  it.each([
    ['1.2.3.4', 'address 1.2.3.4: missing port in address'],
    ['', 'missing port in address'],
    ['::1:53', 'address ::1:53: too many colons in address'],
    ['[::1', "address [::1: missing ']' in address"],
    ['[::1]', 'address [::1]: missing port in address'],
    ['[::1]x:5', 'address [::1]x:5: missing port in address'],
    ['[::1]:5:6', 'address [::1]:5:6: too many colons in address'],
    ['a[b:5', "address a[b:5: unexpected '[' in address"],
    ['a]b:5', "address a]b:5: unexpected ']' in address"],
  ])('rejects %j', (input, message) => {
    expect(() => splitHostPort(input)).toThrow(message);
  });
});

describe('joinHostPort and parsePort', () => {
  it('brackets IPv6 hosts', () => {
    expect(joinHostPort('::1', 53)).toBe('[::1]:53');
    expect(joinHostPort('1.2.3.4', '53')).toBe('1.2.3.4:53');
  });

  it('accepts what strconv.Atoi accepts within 1..65535', () => {
    expect(parsePort('53')).toBe(53);
    expect(parsePort('+80')).toBe(80);
    expect(parsePort('0080')).toBe(80);
    expect(parsePort('65535')).toBe(65535);
    for (const bad of ['0', '65536', '-1', 'x', '', '5 3', '1e3']) expect(parsePort(bad)).toBeNull();
  });
});
