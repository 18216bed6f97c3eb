/**
 * Mesos authentication settings: the IAM service
 * account file and the choice of mechanism, with the Go program's messages.
 */
import { ConfigError } from '../errors.js';
import { parseJsonEntries } from './json-entries.js';
import { readFileGoStyle } from './tls-files.js';
import type { Config, MesosAuthentication } from './types.js';

/** The IAM service-account file (`IAMConfigFile`): JSON keys `uid`, `private_key`, `login_endpoint`. */
export interface IamConfig {
  uid: string;
  privateKey: string;
  loginEndpoint: string;
}

const IAM_FIELDS: Record<string, keyof IamConfig> = {
  uid: 'uid',
  private_key: 'privateKey',
  login_endpoint: 'loginEndpoint',
};

function parseIamJson(text: string): IamConfig {
  const iam: IamConfig = { uid: '', privateKey: '', loginEndpoint: '' };
  const doc = parseJsonEntries(text);
  if (doc.kind === 'null') return iam;
  if (doc.kind !== 'object') throw new Error(`json: cannot unmarshal ${doc.kind} into Go value of type iam.Config`);
  for (const [name, value] of doc.entries) {
    const jsonKey = name.replace(/[A-Z]+/g, (m) => m.toLowerCase());
    const field = IAM_FIELDS[jsonKey];
    if (field === undefined || value.kind === 'null') continue;
    if (value.kind !== 'string') {
      throw new Error(`json: cannot unmarshal ${value.kind} into Go struct field Config.${jsonKey} of type string`);
    }
    iam[field] = value.value;
  }
  return iam;
}

/** Reads and checks an IAM file; errors are `ConfigError`s keyed `iamConfigFile`. */
export function loadIamConfig(path: string): IamConfig {
  let text: string;
  try {
    text = readFileGoStyle(path).toString('utf8');
  } catch (err) {
    throw new ConfigError(
      `failed to load IAM config from file ${JSON.stringify(path)}: ${(err as Error).message}`,
      'iamConfigFile',
      { cause: err },
    );
  }
  let iam: IamConfig;
  try {
    iam = parseIamJson(text);
  } catch (err) {
    throw new ConfigError(`invalid IAM JSON: ${(err as Error).message}`, 'iamConfigFile', { cause: err });
  }
  if (iam.loginEndpoint !== '') {
    try {
      new URL(iam.loginEndpoint);
    } catch (err) {
      throw new ConfigError(`invalid LoginEndpoint URL: ${(err as Error).message}`, 'iamConfigFile', { cause: err });
    }
  }
  return iam;
}

/**
 * Checks `mesosAuthentication` against the credentials and IAM file it needs;
 * returns the typed mechanism and the non-fatal warnings Go prints.
 */
export function checkAuthentication(
  config: Pick<Config, 'mesosCredentials' | 'iamConfigFile'> & { mesosAuthentication: string },
): { mechanism: MesosAuthentication; warnings: string[] } {
  const iam = config.iamConfigFile !== '' ? loadIamConfig(config.iamConfigFile) : null;
  const { principal, secret } = config.mesosCredentials;
  const warnings: string[] = [];
  switch (config.mesosAuthentication) {
    case '':
      if (principal !== '') {
        warnings.push(
          'Warning! MesosCredentials is configured, but MesosAuthentication is set to none. This is probably not intentional',
        );
      }
      if (config.iamConfigFile !== '') {
        warnings.push(
          'Warning! IAMConfigFile is set, but MesosAuthentication is set to none. This is probably not intentional',
        );
      }
      return { mechanism: '', warnings };
    case 'basic':
      if (principal === '' && secret === '') {
        throw new ConfigError('invalid HTTP Basic configuration', 'mesosCredentials');
      }
      return { mechanism: 'basic', warnings };
    case 'iam':
      if (iam === null) {
        throw new ConfigError('missing configuration for specified authentication mechanism', 'iamConfigFile');
      }
      if (iam.uid === '' || iam.privateKey === '' || iam.loginEndpoint === '') {
        throw new ConfigError('invalid HTTP IAM configuration', 'iamConfigFile');
      }
      return { mechanism: 'iam', warnings };
    default:
      throw new ConfigError('unregistered factory requested', 'mesosAuthentication');
  }
}
