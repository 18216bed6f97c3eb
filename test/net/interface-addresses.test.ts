import { describe, expect, it } from 'vitest';
import { isUsableNameServerAddress, nameServerAddresses } from '../../src/net/interface-addresses.js';

describe('isUsableNameServerAddress', () => {
  it.each([
    '127.0.0.1',
    '127.1.2.3',
    '127.255.255.255',
    '169.254.0.1',
    '169.254.255.254',
    '0.0.0.0',
    '::1',
    '0:0:0:0:0:0:0:1',
    '::',
    'fe80::1',
    'fe80::fc:ff:fe00:1',
    'febf:ffff::1',
    '::ffff:127.0.0.1',
    '::ffff:169.254.10.20',
    '::ffff:7f00:1',
    'not-an-address',
    '',
  ])('leaves out %s', (address) => {
    expect(isUsableNameServerAddress(address)).toBe(false);
  });

  it.each([
    '10.0.0.5',
    '192.0.2.2',
    '126.255.255.255',
    '128.0.0.1',
    '169.253.0.1',
    '169.255.0.1',
    '::ffff:192.0.2.2',
    'fd00::2',
    '2001:db8::53',
    'fec0::1',
    'fe7f::1',
    '::2',
  ])('keeps %s', (address) => {
    expect(isUsableNameServerAddress(address)).toBe(true);
  });
});

describe('nameServerAddresses', () => {
  it('keeps the usable addresses of every interface in order, without zone indexes', () => {
    const interfaces = {
      lo: [
        { address: '127.0.0.1', internal: true },
        { address: '::1', internal: true },
      ],
      eth0: [
        { address: '192.0.2.2', internal: false },
        { address: '169.254.3.4', internal: false },
        { address: 'fd00::2', internal: false },
        { address: 'fe80::fc:ff:fe00:1%eth0', internal: false },
      ],
      eth1: [{ address: '2001:db8::53%eth1', internal: false }],
      down: undefined,
    };
    expect(nameServerAddresses(interfaces)).toEqual(['192.0.2.2', 'fd00::2', '2001:db8::53']);
  });

  it('leaves out an address the system calls internal even when it looks routable', () => {
    expect(nameServerAddresses({ tun: [{ address: '10.9.9.9', internal: true }] })).toEqual([]);
  });
});
