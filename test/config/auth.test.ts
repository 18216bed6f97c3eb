import { describe, expect, it } from 'vitest';
import { loadIamConfig } from '../../src/config/auth.js';
import { expectConfigError, load, tempFile } from './support.js';

const GOOD_IAM = JSON.stringify({
  uid: 'svc',
  private_key: '-----BEGIN PRIVATE KEY-----',
  login_endpoint: 'https://127.0.0.1/acs/api/v1/auth/login',
});

describe('MesosAuthentication', () => {
  it('none by default, no warnings', () => {
    const { config, warnings } = load({});
    expect(config.mesosAuthentication).toBe('');
    expect(warnings).toEqual([]);
  });

  it('basic needs a principal or a secret', () => {
    expectConfigError(
      () => load({ mesosAuthentication: 'basic' }),
      'mesosCredentials',
      'invalid HTTP Basic configuration',
    );
    expect(
      load({ mesosAuthentication: 'basic', mesosCredentials: { principal: 'p' } }).config.mesosAuthentication,
    ).toBe('basic');
    expect(load({ mesosAuthentication: 'basic', mesosCredentials: { secret: 's' } }).config.mesosCredentials).toEqual({
      principal: '',
      secret: 's',
    });
  });

  it('rejects unknown mechanisms, case-sensitively', () => {
    expectConfigError(
      () => load({ mesosAuthentication: 'Basic' }),
      'mesosAuthentication',
      'unregistered factory requested',
    );
    expectConfigError(
      () => load({ mesosAuthentication: 'kerberos' }),
      'mesosAuthentication',
      'unregistered factory requested',
    );
  });

  it('iam needs an IAM file with uid, private_key and login_endpoint', () => {
    expectConfigError(
      () => load({ mesosAuthentication: 'iam' }),
      'iamConfigFile',
      'missing configuration for specified authentication mechanism',
    );
    const partial = tempFile('iam.json', JSON.stringify({ uid: 'svc', login_endpoint: 'https://127.0.0.1/login' }));
    expectConfigError(
      () => load({ mesosAuthentication: 'iam', IAMConfigFile: partial }),
      'iamConfigFile',
      'invalid HTTP IAM configuration',
    );
    const good = tempFile('iam.json', GOOD_IAM);
    expect(load({ mesosAuthentication: 'iam', IAMConfigFile: good }).config.mesosAuthentication).toBe('iam');
  });

  it('warns (not fails) when credentials or an IAM file are set without a mechanism', () => {
    const iam = tempFile('iam.json', GOOD_IAM);
    const { warnings } = load({ mesosCredentials: { principal: 'p' }, IAMConfigFile: iam });
    expect(warnings).toEqual([
      'Warning! MesosCredentials is configured, but MesosAuthentication is set to none. This is probably not intentional',
      'Warning! IAMConfigFile is set, but MesosAuthentication is set to none. This is probably not intentional',
    ]);
  });

  it('checks a configured IAM file whatever the mechanism', () => {
    expectConfigError(
      () => load({ IAMConfigFile: '/nonexistent/iam.json' }),
      'iamConfigFile',
      'failed to load IAM config from file "/nonexistent/iam.json": open /nonexistent/iam.json: no such file or directory',
    );
  });
});

describe('loadIamConfig', () => {
  it('reads the keys case-insensitively', () => {
    const f = tempFile(
      'iam.json',
      '{"UID": "svc", "Private_Key": "k", "login_endpoint": "https://127.0.0.1/login", "extra": 1}',
    );
    expect(loadIamConfig(f)).toEqual({ uid: 'svc', privateKey: 'k', loginEndpoint: 'https://127.0.0.1/login' });
  });

  it.each([
    ['{"uid": ', /^invalid IAM JSON: unexpected end of JSON input at line 1, column 9$/],
    ['{"uid": 5}', /^invalid IAM JSON: json: cannot unmarshal number into Go struct field Config.uid of type string$/],
    ['[]', /^invalid IAM JSON: json: cannot unmarshal array into Go value of type iam.Config$/],
    ['{"login_endpoint": "http://[::1"}', /^invalid LoginEndpoint URL: /],
  ])('rejects %j', (content, message) => {
    const f = tempFile('iam.json', content);
    expectConfigError(() => loadIamConfig(f), 'iamConfigFile', message);
  });
});
