import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { fetchOptionsFromConfig } from '../../../src/mesos/fetch/options.js';
import type { FetchConfig } from '../../../src/mesos/fetch/options.js';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mesos-dns-fetch-options-'));
  writeFileSync(join(dir, 'ca.pem'), 'CA-PEM');
  writeFileSync(join(dir, 'cert.pem'), 'CERT-PEM');
  writeFileSync(join(dir, 'key.pem'), 'KEY-PEM');
  writeFileSync(
    join(dir, 'iam.json'),
    JSON.stringify({
      UID: 'svc',
      private_key: 'PRIVATE-KEY-PEM',
      login_endpoint: 'https://127.0.0.1/acs/api/v1/auth/login',
    }),
  );
  writeFileSync(join(dir, 'iam-empty.json'), JSON.stringify({ uid: 'svc', private_key: '', login_endpoint: 'x' }));
  writeFileSync(join(dir, 'iam-bad.json'), '{"uid": "svc", "private_key": "-----BEGIN SECRET');
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function config(overrides: Partial<FetchConfig> = {}): FetchConfig {
  return {
    mesosHTTPSOn: false,
    stateTimeoutSeconds: 300,
    maxStateBytes: 268_435_456,
    caCertFile: '',
    certFile: '',
    keyFile: '',
    mesosAuthentication: '',
    mesosCredentials: { principal: '', secret: '' },
    iamConfigFile: '',
    ...overrides,
  };
}

function configErrorKey(overrides: Partial<FetchConfig>): string | undefined {
  try {
    fetchOptionsFromConfig(config(overrides));
    return 'no error';
  } catch (err) {
    return err instanceof ConfigError ? err.key : 'not a ConfigError';
  }
}

describe('fetchOptionsFromConfig', () => {
  it('defaults to plain HTTP, no auth, the state timeout in ms, the state size cap', () => {
    expect(fetchOptionsFromConfig(config())).toEqual({
      https: false,
      timeoutMs: 300_000,
      maxStateBytes: 268_435_456,
      auth: { kind: 'none' },
    });
  });

  it('reads the TLS files when HTTPS is on, and gives plain clonable data', () => {
    const options = fetchOptionsFromConfig(
      config({
        mesosHTTPSOn: true,
        stateTimeoutSeconds: 5,
        maxStateBytes: 1_048_576,
        caCertFile: join(dir, 'ca.pem'),
        certFile: join(dir, 'cert.pem'),
        keyFile: join(dir, 'key.pem'),
        mesosAuthentication: 'basic',
        mesosCredentials: { principal: 'alice', secret: 's3cret' },
      }),
    );
    expect(options).toEqual({
      https: true,
      timeoutMs: 5000,
      maxStateBytes: 1_048_576,
      ca: 'CA-PEM',
      cert: 'CERT-PEM',
      key: 'KEY-PEM',
      auth: { kind: 'basic', principal: 'alice', secret: 's3cret' },
    });
    expect(structuredClone(options)).toEqual(options);
  });

  it('ignores TLS files when HTTPS is off', () => {
    expect(fetchOptionsFromConfig(config({ caCertFile: join(dir, 'missing.pem') })).ca).toBeUndefined();
  });

  it('reads the IAM file, keys case-insensitive', () => {
    const options = fetchOptionsFromConfig(
      config({ mesosAuthentication: 'iam', iamConfigFile: join(dir, 'iam.json') }),
    );
    expect(options.auth).toEqual({
      kind: 'iam',
      uid: 'svc',
      privateKey: 'PRIVATE-KEY-PEM',
      loginEndpoint: 'https://127.0.0.1/acs/api/v1/auth/login',
    });
  });

  it('names the offending key in errors', () => {
    expect(configErrorKey({ mesosHTTPSOn: true, caCertFile: join(dir, 'missing.pem') })).toBe('caCertFile');
    expect(configErrorKey({ mesosHTTPSOn: true, certFile: join(dir, 'cert.pem') })).toBe('keyFile');
    expect(configErrorKey({ mesosHTTPSOn: true, keyFile: join(dir, 'key.pem') })).toBe('certFile');
    expect(configErrorKey({ mesosAuthentication: 'iam' })).toBe('iamConfigFile');
    expect(configErrorKey({ mesosAuthentication: 'iam', iamConfigFile: join(dir, 'iam-empty.json') })).toBe(
      'iamConfigFile',
    );
    expect(configErrorKey({ mesosAuthentication: 'kerberos' as FetchConfig['mesosAuthentication'] })).toBe(
      'mesosAuthentication',
    );
  });

  it('does not quote a broken IAM file (it holds a private key)', () => {
    let message = '';
    try {
      fetchOptionsFromConfig(config({ mesosAuthentication: 'iam', iamConfigFile: join(dir, 'iam-bad.json') }));
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('invalid IAM JSON');
    expect(message).not.toContain('BEGIN SECRET');
  });
});
