import { describe, expect, it } from 'vitest';
import {
  joinHostPort,
  parseEndpoint,
  parsePort,
  splitHostPort,
  splitHostPortOrThrow,
} from '../../src/net/host-port.js';

describe('splitHostPortOrThrow (Go net.SplitHostPort)', () => {
  it.each([
    ['1.2.3.4:5050', '1.2.3.4', '5050'],
    ['[::1]:53', '::1', '53'],
    ['host:', 'host', ''],
    [':80', '', '80'],
  ])('%s', (input, host, port) => {
    expect(splitHostPortOrThrow(input)).toEqual({ host, port });
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
    expect(() => splitHostPortOrThrow(input)).toThrow(message);
    expect(splitHostPort(input)).toBeNull();
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
    expect(splitHostPortOrThrow('host:')).toEqual({ host: 'host', port: '' });
    expect(() => splitHostPortOrThrow('')).toThrow(/^missing port in address$/);
    expect(() => splitHostPortOrThrow('[::1]:5[0')).toThrow("address [::1]:5[0: unexpected '[' in address");
  });

  it('joins like Go net.JoinHostPort', () => {
    expect(joinHostPort('::1', 53)).toBe('[::1]:53');
    expect(joinHostPort('h', '5050')).toBe('h:5050');
  });
});

describe('parseEndpoint', () => {
  it.each([
    ['127.0.0.1:5050', { host: '127.0.0.1', port: 5050 }],
    ['[::1]:5050', { host: '::1', port: 5050 }],
    ['master.example:65535', { host: 'master.example', port: 65535 }],
  ])('splits %s and joins it back', (text, expected) => {
    expect(parseEndpoint(text)).toEqual(expected);
    expect(joinHostPort(expected.host, expected.port)).toBe(text);
  });

  it.each([
    '127.0.0.1',
    '::1:5050',
    '[::1]5050',
    ':5050',
    'h:0',
    'h:65536',
    'h:50a',
    'h:',
    'h:+80',
    '[::1',
    'a]b:5050',
    '[[::1]:5050',
  ])('rejects %s', (text) => {
    expect(parseEndpoint(text)).toBeNull();
  });
});
