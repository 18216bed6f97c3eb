import { describe, expect, it } from 'vitest';
import { FetchFailure, MasterUnavailableError, MesosDnsError, StateError } from '../../src/errors.js';
import { refreshFailure } from '../../src/refresh/messages.js';

describe('refreshFailure', () => {
  it('keeps the master and the code underneath a failed fetch', () => {
    const last = new FetchFailure('MESOS_DNS_FETCH_TOO_LARGE', 'state larger than maxStateBytes (1024) as received');
    const err = new MasterUnavailableError('no master answered', '10.0.0.1:5050', { cause: last });
    expect(refreshFailure(err)).toEqual({
      code: 'MESOS_DNS_MASTER_UNREACHABLE',
      message: 'no master answered',
      master: '10.0.0.1:5050',
      cause: 'MESOS_DNS_FETCH_TOO_LARGE',
    });
  });

  it('keeps the master of an unusable state', () => {
    expect(refreshFailure(new StateError('frameworks is not an array', '10.0.0.2:5050'))).toEqual({
      code: 'MESOS_DNS_STATE_INVALID',
      message: 'frameworks is not an array',
      master: '10.0.0.2:5050',
    });
  });

  it('gives a code to anything thrown', () => {
    expect(refreshFailure(new MesosDnsError('MESOS_DNS_TABLE_INVALID', 'bad table'))).toEqual({
      code: 'MESOS_DNS_TABLE_INVALID',
      message: 'bad table',
    });
    expect(refreshFailure(new TypeError('x is undefined'))).toEqual({
      code: 'MESOS_DNS_REFRESH_FAILED',
      message: 'x is undefined',
    });
  });
});
