import { describe, expect, it } from 'vitest';
import { decodeMasterInfo, type MasterInfoKind } from '../../../src/mesos/zk/master-info.js';

const addressOf = (data: Buffer, kind: MasterInfoKind): string => decodeMasterInfo(data, kind).address;
const refuses = (data: Buffer, kind: MasterInfoKind): void => {
  expect(() => decodeMasterInfo(data, kind)).toThrow(expect.objectContaining({ code: 'MESOS_DNS_ZK_BAD_MASTER_INFO' }));
};

const json = (v: unknown): Buffer => Buffer.from(JSON.stringify(v));

// A protobuf writer for the test data only: varint (wire 0) and length-delimited (wire 2) fields.
function varint(n: bigint): number[] {
  const out: number[] = [];
  do {
    let byte = Number(n & 0x7fn);
    n >>= 7n;
    if (n > 0n) byte |= 0x80;
    out.push(byte);
  } while (n > 0n);
  return out;
}
type Field = [number, number | bigint | string | Buffer];
function proto(fields: Field[]): Buffer {
  const bytes: number[] = [];
  for (const [no, value] of fields) {
    if (typeof value === 'number' || typeof value === 'bigint') {
      bytes.push(...varint(BigInt(no) << 3n), ...varint(BigInt.asUintN(64, BigInt(value))));
    } else {
      const data = typeof value === 'string' ? Buffer.from(value) : value;
      bytes.push(...varint((BigInt(no) << 3n) | 2n), ...varint(BigInt(data.length)), ...data);
    }
  }
  return Buffer.from(bytes);
}

describe('parseMasterInfo, JSON (json.info_ znodes)', () => {
  it('uses address.ip and address.port', () => {
    expect(addressOf(json({ id: 'm5', address: { ip: '127.0.0.1', port: 37060 }, hostname: 'h5' }), 'json')).toBe(
      '127.0.0.1:37060',
    );
  });

  it('brackets an IPv6 address', () => {
    expect(addressOf(json({ id: 'm', address: { ip: '2001:db8::1', port: 5050 } }), 'json')).toBe('[2001:db8::1]:5050');
  });

  it('gives port 0 when address.port is missing, as Go', () => {
    expect(addressOf(json({ id: 'm', address: { ip: '10.0.0.1' } }), 'json')).toBe('10.0.0.1:0');
  });

  it('prefers address over the legacy fields', () => {
    expect(addressOf(json({ id: 'm', ip: 16777343, port: 1, address: { ip: '10.0.0.2', port: 2 } }), 'json')).toBe(
      '10.0.0.2:2',
    );
  });

  it('reads the legacy uint32 ip in little-endian order with port 5050 by default', () => {
    expect(addressOf(json({ id: 'm', ip: 16777343 }), 'json')).toBe('127.0.0.1:5050');
    expect(addressOf(json({ id: 'm', ip: 100728842, port: 5051 }), 'json')).toBe('10.0.1.6:5051');
  });

  it('returns the id for de-duplication', () => {
    expect(decodeMasterInfo(json({ id: 'abc', ip: 16777343 }), 'json')).toEqual({
      id: 'abc',
      address: '127.0.0.1:5050',
    });
  });

  it.each([
    ['not JSON', Buffer.from('{nope')],
    ['an array', json([1, 2])],
    ['null', json(null)],
    ['no address at all', json({ id: 'm', hostname: 'h' })],
    ['an empty address.ip', json({ id: 'm', address: { ip: '', port: 5050 } })],
    ['a hostname as address.ip', json({ id: 'm', address: { ip: 'master1', port: 5050 } })],
    ['a string port', json({ id: 'm', address: { ip: '10.0.0.1', port: '5050' } })],
    ['a negative legacy ip', json({ id: 'm', ip: -1 })],
    ['a legacy ip beyond uint32', json({ id: 'm', ip: 2 ** 32 })],
    ['empty data', Buffer.alloc(0)],
  ])('refuses %s with a coded error', (_what, data) => {
    refuses(data, 'json');
  });
});

describe('parseMasterInfo, protobuf (legacy info_ znodes)', () => {
  it('decodes id, ip and port', () => {
    const data = proto([
      [1, 'master-1'],
      [2, 16777343],
      [3, 5051],
      [4, 'master@127.0.0.1:5051'],
    ]);
    expect(decodeMasterInfo(data, 'protobuf')).toEqual({ id: 'master-1', address: '127.0.0.1:5051' });
  });

  it('defaults the port to 5050', () => {
    expect(
      addressOf(
        proto([
          [1, 'm'],
          [2, 16777343],
        ]),
        'protobuf',
      ),
    ).toBe('127.0.0.1:5050');
  });

  it('prefers the embedded Address message and skips unknown fields', () => {
    const address = proto([
      [1, 'h1'],
      [2, '10.0.0.7'],
      [3, 5052],
    ]);
    const data = proto([
      [1, 'm'],
      [2, 16777343],
      [3, 5050],
      [5, 'host'],
      [7, address],
      [99, 42],
    ]);
    expect(addressOf(data, 'protobuf')).toBe('10.0.0.7:5052');
  });

  it.each([
    ['garbage', Buffer.from('this is not a protobuf')],
    ['a truncated field', proto([[1, 'master-1']]).subarray(0, 5)],
    ['no id', proto([[2, 16777343]])],
    ['no ip and no address', proto([[1, 'm']])],
    ['JSON given as protobuf', json({ id: 'm', address: { ip: '10.0.0.1', port: 5050 } })],
  ])('returns null for %s', (_what, data) => {
    refuses(data, 'protobuf');
  });
});
