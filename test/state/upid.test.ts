import { describe, expect, it } from 'vitest';
import { parseUPID } from '../../src/state/upid.js';

describe('parseUPID', () => {
  it('parses IPv4, bracketed IPv6, host names and service ports', () => {
    expect(parseUPID('slave(1)@10.0.0.1:5051')).toEqual({ id: 'slave(1)', host: '10.0.0.1', port: '5051' });
    expect(parseUPID('slave(1)@[2001:db8::1]:5051')).toEqual({ id: 'slave(1)', host: '2001:db8::1', port: '5051' });
    expect(parseUPID('scheduler(1)@localhost:8080')).toEqual({ id: 'scheduler(1)', host: 'localhost', port: '8080' });
    expect(parseUPID('s@10.0.0.1:http')).toEqual({ id: 's', host: '10.0.0.1', port: 'http' });
  });

  it('strips surrounding quotes and spaces like the Go decoder', () => {
    expect(parseUPID('  slave(1)@127.0.0.1:5051  ')).toEqual({ id: 'slave(1)', host: '127.0.0.1', port: '5051' });
    expect(parseUPID('"slave(1)@127.0.0.1:5051"')?.host).toBe('127.0.0.1');
  });

  it.each([
    '',
    'noatsign',
    'a@b@c:1',
    'slave@10.0.0.1',
    'slave@2001:db8::1:5051',
    'slave@[2001:db8::1]',
    'slave@:5051',
    'slave@h:',
  ])('rejects %j', (s) => {
    expect(parseUPID(s)).toBeNull();
  });
});
