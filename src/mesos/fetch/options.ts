import { readFileSync } from 'node:fs';
import type { Config } from '../../config/types.js';
import { loadIamConfig } from '../../config/auth.js';
import { ConfigError, errorMessage } from '../../errors.js';

export type FetchAuth =
  | { kind: 'none' }
  | { kind: 'basic'; principal: string; secret: string }
  | { kind: 'iam'; uid: string; privateKey: string; loginEndpoint: string };

/**
 * Everything the state fetch needs, as plain data: it is posted to the refresh
 * worker, so it must survive structured cloning (strings only, no class instances).
 */
export interface FetchOptions {
  https: boolean;
  /** whole-attempt deadline per master: connect + headers + body (and the IAM login) */
  timeoutMs: number;
  /** largest state accepted, counted while it streams in: bytes received, and again bytes decompressed */
  maxStateBytes: number;
  /** PEM CA bundle; when absent over HTTPS, certificates are not verified (Go behaviour) */
  ca?: string;
  /** PEM client certificate and key, presented together */
  cert?: string;
  key?: string;
  auth: FetchAuth;
}

export type FetchConfig = Pick<
  Config,
  | 'mesosHTTPSOn'
  | 'stateTimeoutSeconds'
  | 'maxStateBytes'
  | 'caCertFile'
  | 'certFile'
  | 'keyFile'
  | 'mesosAuthentication'
  | 'mesosCredentials'
  | 'iamConfigFile'
>;

/**
 * Reads the TLS and IAM files once, so the worker never touches the file system.
 * TLS files are only read when HTTPS is on: otherwise they are unused (config
 * validation has already checked them).
 */
export function fetchOptionsFromConfig(config: FetchConfig): FetchOptions {
  const options: FetchOptions = {
    https: config.mesosHTTPSOn,
    timeoutMs: config.stateTimeoutSeconds * 1000,
    maxStateBytes: config.maxStateBytes,
    auth: authFromConfig(config),
  };
  if (config.mesosHTTPSOn) {
    if (config.caCertFile !== '') options.ca = readText(config.caCertFile, 'caCertFile');
    if (config.certFile !== '' || config.keyFile !== '') {
      if (config.certFile === '') throw new ConfigError('Missing certificate', 'certFile');
      if (config.keyFile === '') throw new ConfigError('Missing private key', 'keyFile');
      options.cert = readText(config.certFile, 'certFile');
      options.key = readText(config.keyFile, 'keyFile');
    }
  }
  return options;
}

function authFromConfig(config: FetchConfig): FetchAuth {
  switch (config.mesosAuthentication) {
    case '':
      return { kind: 'none' };
    case 'basic':
      return {
        kind: 'basic',
        principal: config.mesosCredentials.principal,
        secret: config.mesosCredentials.secret,
      };
    case 'iam': {
      if (config.iamConfigFile === '') {
        throw new ConfigError('missing configuration for specified authentication mechanism', 'iamConfigFile');
      }
      const iam = loadIamConfig(config.iamConfigFile);
      if (iam.uid === '' || iam.privateKey === '' || iam.loginEndpoint === '') {
        throw new ConfigError('invalid HTTP IAM configuration', 'iamConfigFile');
      }
      return { kind: 'iam', ...iam };
    }
    default:
      throw new ConfigError('unregistered factory requested', 'mesosAuthentication');
  }
}

function readText(file: string, key: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`${key} read failed: ${errorMessage(err)}`, key, { cause: err });
  }
}
