import { describe, expect, it } from 'vitest';
import { formatIPv6, joinHostPort, parseIP, parseIPv6Into, splitHostPort, splitHostPortOrError } from '../../src/net/ip.js';

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
    expect(splitHostPort('[::1]:5[0')).toBeNull();
  });

  it("gives Go's error text", () => {
    expect(splitHostPortOrError('host:')).toEqual({ host: 'host', port: '' });
    expect(splitHostPortOrError('')).toBe('missing port in address');
    expect(splitHostPortOrError('[::1]:5[0')).toBe("address [::1]:5[0: unexpected '[' in address");
    expect(splitHostPortOrError('[::1]x:5')).toBe('address [::1]x:5: missing port in address');
  });

  it('joins like Go net.JoinHostPort', () => {
    expect(joinHostPort('::1', 53)).toBe('[::1]:53');
    expect(joinHostPort('h', '5050')).toBe('h:5050');
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

  it.each(['', ':', '1.2.3.4', '1:2:3:4:5:6:7:8:9', '1::2::3', ':1::', '1:2:', '::1.2.3', '1:2:3:4:5:6:7:1.2.3.4', '1::2:3:4:5:6:7:8', 'fe80::1%eth0', '::01.2.3.4', '12345::'])(
    'rejects %j',
    (text) => {
      const out = new Uint8Array(16).fill(9);
      expect(parseIPv6Into(text, out, 0)).toBe(false);
      expect(out.every((b) => b === 9)).toBe(true);
    },
  );
});
