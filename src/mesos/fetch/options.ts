import { readFileSync } from 'node:fs';
import type { Config } from '../../config/types.js';
import { ConfigError } from '../../errors.js';

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
    auth: authFromConfig(config),
  };
  if (config.mesosHTTPSOn) {
    if (config.caCertFile !== '') options.ca = readText(config.caCertFile, 'CACertFile');
    if (config.certFile !== '' || config.keyFile !== '') {
      if (config.certFile === '') throw new ConfigError('Missing certificate', 'CertFile');
      if (config.keyFile === '') throw new ConfigError('Missing private key', 'KeyFile');
      options.cert = readText(config.certFile, 'CertFile');
      options.key = readText(config.keyFile, 'KeyFile');
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
    case 'iam':
      return readIamConfig(config.iamConfigFile);
    default:
      throw new ConfigError('unregistered factory requested', 'MesosAuthentication');
  }
}

function readIamConfig(file: string): FetchAuth {
  const key = 'IAMConfigFile';
  if (file === '') throw new ConfigError('missing configuration for specified authentication mechanism', key);
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`failed to load IAM config from file "${file}": ${errorText(err)}`, key, { cause: err });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    // The parser's message may quote file content, i.e. the private key: keep it out.
    throw new ConfigError(`invalid IAM JSON in "${file}"`, key);
  }
  const record = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  const uid = stringField(record, 'uid');
  const privateKey = stringField(record, 'private_key');
  const loginEndpoint = stringField(record, 'login_endpoint');
  if (uid === '' || privateKey === '' || loginEndpoint === '') {
    throw new ConfigError('invalid HTTP IAM configuration', key);
  }
  if (!URL.canParse(loginEndpoint)) throw new ConfigError('invalid LoginEndpoint URL', key);
  return { kind: 'iam', uid, privateKey, loginEndpoint };
}

/** JSON keys match case-insensitively, last one wins, as Go's encoding/json decodes them. */
function stringField(record: Record<string, unknown>, name: string): string {
  let value = '';
  for (const [k, v] of Object.entries(record)) {
    if (k.toLowerCase() === name && typeof v === 'string') value = v;
  }
  return value;
}

function readText(file: string, key: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`${key} read failed: ${errorText(err)}`, key, { cause: err });
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
