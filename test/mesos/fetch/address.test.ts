import { describe, expect, it } from 'vitest';
import { parseLeader, sameEndpoint } from '../../../src/mesos/fetch/address.js';
import { checkState } from '../../../src/mesos/fetch/http.js';
import { FetchFailure } from '../../../src/errors.js';

describe('parseLeader', () => {
  it('takes the address of a UPID', () => {
    expect(parseLeader('master@10.0.0.1:5050')).toEqual({ host: '10.0.0.1', port: 5050 });
    expect(parseLeader('master@[fd00::1]:5050')).toEqual({ host: 'fd00::1', port: 5050 });
  });

  it.each(['10.0.0.1:5050', 'a@b@10.0.0.1:5050', '@10.0.0.1:5050', 'master@10.0.0.1'])('rejects %s', (text) => {
    expect(parseLeader(text)).toBeNull();
  });
});

describe('sameEndpoint', () => {
  it('compares ports and canonical addresses', async () => {
    expect(await sameEndpoint({ host: '127.0.0.1', port: 1 }, { host: '127.0.0.1', port: 1 })).toBe(true);
    expect(await sameEndpoint({ host: '127.0.0.1', port: 1 }, { host: '127.0.0.1', port: 2 })).toBe(false);
    expect(await sameEndpoint({ host: '127.0.0.1', port: 1 }, { host: '127.0.0.2', port: 1 })).toBe(false);
    expect(await sameEndpoint({ host: '::1', port: 1 }, { host: '0:0::1', port: 1 })).toBe(true);
    expect(await sameEndpoint({ host: '::ffff:127.0.0.1', port: 1 }, { host: '127.0.0.1', port: 1 })).toBe(true);
  });

  it('resolves host names before comparing', async () => {
    expect(await sameEndpoint({ host: 'localhost', port: 1 }, { host: '127.0.0.1', port: 1 })).toBe(true);
    expect(await sameEndpoint({ host: 'LOCALHOST', port: 1 }, { host: 'localhost', port: 1 })).toBe(true);
  });
});

describe('checkState', () => {
  function codeOf(text: string): string | undefined {
    try {
      checkState(Buffer.from(text));
      return undefined;
    } catch (err) {
      return err instanceof FetchFailure ? err.code : 'not a FetchFailure';
    }
  }

  it('accepts an object with a leader, last key wins case-insensitively', () => {
    const doc = checkState(Buffer.from('{"Leader":"master@1.2.3.4:5050","leader":"master@5.6.7.8:5050"}'));
    expect(doc.leader).toBe('master@5.6.7.8:5050');
  });

  it.each([
    ['', 'MESOS_DNS_FETCH_EMPTY_BODY'],
    ['  \n', 'MESOS_DNS_FETCH_EMPTY_BODY'],
    ['{"leader":', 'MESOS_DNS_FETCH_BAD_JSON'],
    ['null', 'MESOS_DNS_FETCH_NOT_OBJECT'],
    ['"master@1.2.3.4:5050"', 'MESOS_DNS_FETCH_NOT_OBJECT'],
    ['[]', 'MESOS_DNS_FETCH_NOT_OBJECT'],
    ['{}', 'MESOS_DNS_FETCH_NO_LEADER'],
    ['{"leader":""}', 'MESOS_DNS_FETCH_NO_LEADER'],
    ['{"leader":42}', 'MESOS_DNS_FETCH_NO_LEADER'],
  ])('rejects %j with %s', (text, code) => {
    expect(codeOf(text)).toBe(code);
  });
});
