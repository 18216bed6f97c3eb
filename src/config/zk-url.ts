import { readFileSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import { ConfigError } from '../errors.js';

export interface ZkServer {
  host: string;
  port: number;
}

export interface ZkUrl {
  servers: ZkServer[];
  /** absolute znode path, no trailing slash (root is `/`) */
  path: string;
}

const DEFAULT_ZK_PORT = 2181;
/** `file://` values may point at files that again hold `file://`; bound the chain. */
const MAX_FILE_INDIRECTIONS = 8;

/**
 * Parses the `zk` setting (docs/compatibility.md, ZooKeeper). Departures from Go, all of them
 * things Go crashes or hangs on: the last host may omit its port, trailing
 * slashes of the path are stripped, the `zk://` prefix is case-insensitive, and a
 * missing path means the root `/`. `file://PATH` reads the value from that file,
 * as Go does. Throws `ConfigError` with key `zk`.
 */
export function parseZkUrl(value: string): ZkUrl {
  return parseWithIndirection(value.trim(), 0);
}

function parseWithIndirection(value: string, depth: number): ZkUrl {
  const scheme = /^([a-z]+):\/\//i.exec(value)?.[1]?.toLowerCase();
  if (scheme === 'file') {
    if (depth >= MAX_FILE_INDIRECTIONS) fail(`too many file:// indirections in zk setting "${value}"`);
    return parseWithIndirection(readZkFile(value.slice('file://'.length)), depth + 1);
  }
  if (scheme !== 'zk') fail(`zk setting "${value}" must start with zk:// (or file://)`);
  return parseZk(value.slice('zk://'.length), value);
}

function readZkFile(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (err) {
    throw new ConfigError(`cannot read zk setting from file "${file}": ${(err as Error).message}`, 'zk', {
      cause: err,
    });
  }
}

function parseZk(rest: string, original: string): ZkUrl {
  const slash = rest.indexOf('/');
  const hostPart = slash === -1 ? rest : rest.slice(0, slash);
  const rawPath = slash === -1 ? '/' : rest.slice(slash);
  if (/[?#@]/.test(rest)) fail(`zk setting "${original}" must not contain credentials, a query or a fragment`);
  if (hostPart === '') fail(`zk setting "${original}" names no ZooKeeper host`);
  const servers = hostPart.split(',').map((h) => parseServer(h, original));
  return { servers, path: normalisePath(rawPath, original) };
}

function parseServer(text: string, original: string): ZkServer {
  let host: string;
  let portText: string | undefined;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close === -1) fail(`unclosed "[" in ZooKeeper host "${text}" of "${original}"`);
    host = text.slice(1, close);
    const after = text.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) fail(`bad ZooKeeper host "${text}" in "${original}"`);
    portText = after === '' ? undefined : after.slice(1);
    if (!isIPv6(host)) fail(`"${host}" in "${original}" is not an IPv6 address`);
  } else {
    const parts = text.split(':');
    if (parts.length > 2) fail(`IPv6 ZooKeeper host "${text}" in "${original}" must be in brackets`);
    host = parts[0] ?? '';
    portText = parts[1];
  }
  if (host === '') fail(`empty ZooKeeper host in "${original}"`);
  return { host, port: parsePort(portText, text, original) };
}

function parsePort(portText: string | undefined, text: string, original: string): number {
  if (portText === undefined) return DEFAULT_ZK_PORT;
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (!(port >= 1 && port <= 65535)) fail(`invalid port in ZooKeeper host "${text}" of "${original}"`);
  return port;
}

function normalisePath(rawPath: string, original: string): string {
  const path = rawPath.replace(/\/+$/, '');
  if (path === '') return '/';
  if (
    path
      .split('/')
      .slice(1)
      .some((seg) => seg === '' || seg === '.' || seg === '..')
  ) {
    fail(`invalid znode path "${rawPath}" in "${original}"`);
  }
  return path;
}

function fail(message: string): never {
  throw new ConfigError(message, 'zk');
}
