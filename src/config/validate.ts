/**
 * Validation and normalisation of a decoded config, in the Go program's order
 * (docs/compatibility.md, Validation) with its messages, plus start-up rejection of what Go
 * only crashes on later. The first problem throws a `ConfigError`; the
 * non-fatal ones come back as warnings.
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../errors.js';
import { parseZkUrl } from './zk-url.js';
import { checkAuthentication } from './auth.js';
import { EXTRA_LIMITS, MAX_TIMER_SECONDS } from './defaults.js';
import type { RawConfig } from './decode.js';
import { canonicalIp } from '../net/ip.js';
import { localAddresses, parseNameservers, withoutLocal } from './resolv-conf.js';
import { checkListeners } from './listeners.js';
import { checkCaCertFile, checkClientKeyPair } from './tls-files.js';
import type { Config, IPSource, StateSource } from './types.js';
import { DOMAIN_PATTERN, normalizeMasters, normalizeResolvers, normalizeZoneResolvers } from './validate-net.js';

export interface ValidateOptions {
  /** where to find nameservers when forwarding is on and `resolvers` is empty (default `/etc/resolv.conf`) */
  resolvConfPath?: string;
  /** this host's addresses, left out of the resolv.conf fallback (default: every interface address) */
  localAddresses?: () => string[];
  /** clock for the initial SOA serial, in milliseconds (default `Date.now`) */
  now?: () => number;
}

export interface ValidatedConfig {
  config: Config;
  /** non-fatal findings, in Go's wording where Go has one; the caller logs them */
  warnings: string[];
}

const IP_SOURCES: ReadonlySet<string> = new Set<IPSource>(['host', 'docker', 'mesos', 'netinfo']);
/** `file://` chains in `zk` are followed this deep. */
const MAX_ZK_FILE_DEPTH = 5;

function checkServices(raw: RawConfig): void {
  if (!raw.dnsOn && !raw.httpOn) {
    throw new ConfigError('service validation failed: either DNS or HTTP server should be on', 'dnsOn');
  }
  if ((raw.masters === null || raw.masters.length === 0) && raw.zk === '') {
    throw new ConfigError('service validation failed: specify Mesos masters or Zookeeper in config.json', 'masters');
  }
}

/** Follows `file://` indirections (each file's trimmed content is the next value) and checks the result. */
function resolveZk(value: string): string {
  let zk = value;
  for (let depth = 0; zk.startsWith('file://'); depth++) {
    if (depth === MAX_ZK_FILE_DEPTH) {
      throw new ConfigError(
        `zk: more than ${MAX_ZK_FILE_DEPTH} file:// indirections from ${JSON.stringify(value)}`,
        'zk',
      );
    }
    const path = zk.slice('file://'.length);
    try {
      zk = readFileSync(path, 'utf8').trim();
    } catch (err) {
      throw new ConfigError(`zk: cannot read ${JSON.stringify(path)}: ${(err as Error).message}`, 'zk', { cause: err });
    }
  }
  if (zk !== '') parseZkUrl(zk);
  return zk;
}

function fallbackResolvers(opts: ValidateOptions, warnings: string[]): string[] {
  const path = opts.resolvConfPath ?? '/etc/resolv.conf';
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(
      `resolvers: empty, and the nameservers of ${path} cannot be read: ${(err as Error).message}`,
      'resolvers',
      { cause: err },
    );
  }
  const servers = withoutLocal(parseNameservers(text), (opts.localAddresses ?? localAddresses)());
  if (servers.length === 0) {
    warnings.push(`resolvers: empty, and ${path} names no usable nameserver; forwarded queries will fail`);
  }
  return servers;
}

function checkIpSources(sources: readonly string[]): IPSource[] {
  const fail = (why: string): never => {
    throw new ConfigError(`IPSources validation failed: ${why}`, 'ipSources');
  };
  if (sources.length === 0) fail('empty ip sources');
  if (new Set(sources).size !== sources.length) fail('duplicate ip source specified');
  for (const s of sources) if (!IP_SOURCES.has(s)) fail(`invalid ip source ${JSON.stringify(s)}`);
  return sources as IPSource[];
}

/** Values are exact, as `IPSources` and `MesosAuthentication` values are. */
function checkStateSource(value: string): StateSource {
  if (value === 'stream' || value === 'poll') return value;
  throw new ConfigError(`stateSource must be "stream" or "poll", not ${JSON.stringify(value)}`, 'stateSource');
}

function checkInt(value: number, key: string, min: number, max: number, what: string): void {
  if (!Number.isInteger(value) || value < min || value > max) throw new ConfigError(`${key} ${what}`, key);
}

/** What Go accepts but then crashes on or misbehaves with, and our own settings. */
function checkBeyondGo(c: RawConfig): void {
  checkInt(
    c.refreshSeconds,
    'refreshSeconds',
    1,
    MAX_TIMER_SECONDS,
    `must be a positive integer of at most ${MAX_TIMER_SECONDS}`,
  );
  checkInt(c.stateTimeoutSeconds, 'stateTimeoutSeconds', 1, MAX_TIMER_SECONDS, `must be at most ${MAX_TIMER_SECONDS}`);
  checkInt(
    c.zkDetectionTimeout,
    'zkDetectionTimeout',
    Number.MIN_SAFE_INTEGER,
    MAX_TIMER_SECONDS,
    `must be at most ${MAX_TIMER_SECONDS}`,
  );
  if (canonicalIp(c.listener) === null) throw new ConfigError('listener must be an IP address', 'listener');
  if (canonicalIp(c.httpListener) === null) {
    throw new ConfigError('httpListener must be an IP address', 'httpListener');
  }
  checkInt(c.port, 'port', 0, 65535, 'must be an integer from 0 to 65535');
  checkInt(c.httpPort, 'httpPort', 0, 65535, 'must be an integer from 0 to 65535');
  checkInt(c.timeout, 'timeout', 0, MAX_TIMER_SECONDS, `must be from 0 to ${MAX_TIMER_SECONDS}`);
  checkInt(c.ttl, 'ttl', 0, 2 ** 31 - 1, 'must not be negative');
  for (const [key, { min, max }] of Object.entries(EXTRA_LIMITS)) {
    const value = c[key as keyof typeof EXTRA_LIMITS];
    const range = max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `from ${min} to ${max}`;
    checkInt(value, key, min, max, `must be an integer ${range}`);
  }
}

/** Validates and normalises `raw` (not modified). */
export function validateConfig(raw: RawConfig, opts: ValidateOptions = {}): ValidatedConfig {
  const warnings: string[] = [];
  checkServices(raw);
  const masters = raw.masters === null ? null : normalizeMasters(raw.masters);
  const zk = resolveZk(raw.zk);

  let resolvers = [...raw.resolvers];
  let zoneResolvers: Record<string, string[]>;
  if (raw.externalOn) {
    if (resolvers.length === 0) resolvers = fallbackResolvers(opts, warnings);
    resolvers = normalizeResolvers(resolvers);
    // Zones are lower-cased when decoded, so compare them with the lower-cased domain.
    zoneResolvers = normalizeZoneResolvers(raw.zoneResolvers, raw.domain.toLowerCase());
  } else {
    zoneResolvers = Object.fromEntries(Object.entries(raw.zoneResolvers).map(([z, list]) => [z, [...list]]));
  }

  const ipSources = checkIpSources(raw.ipSources);
  if (raw.stateTimeoutSeconds <= 0) {
    throw new ConfigError(`Invalid HTTP Timeout: ${raw.stateTimeoutSeconds}`, 'stateTimeoutSeconds');
  }
  const domain = raw.domain.toLowerCase();
  if (!DOMAIN_PATTERN.test(domain)) throw new ConfigError(`${domain} is not a valid domain name`, 'domain');

  const soaRname = `${raw.soaRname.replaceAll('@', '.').replace(/\.+$/, '')}.`;
  const soaMname = `${raw.soaMname.replace(/\.+$/, '')}.`;
  const soaSerial = Math.floor((opts.now ?? Date.now)() / 1000) >>> 0;

  if (raw.caCertFile !== '') checkCaCertFile(raw.caCertFile);
  checkClientKeyPair(raw.certFile, raw.keyFile);
  const auth = checkAuthentication(raw);
  warnings.push(...auth.warnings);

  checkBeyondGo(raw);
  const listeners = checkListeners(raw.listeners, raw.listener);
  const stateSource = checkStateSource(raw.stateSource);

  const config: Config = {
    ...raw,
    zk,
    masters,
    resolvers,
    zoneResolvers,
    ipSources,
    listeners,
    domain,
    soaMname,
    soaRname,
    soaSerial,
    timeout: raw.timeout === 0 ? 5 : raw.timeout,
    mesosAuthentication: auth.mechanism,
    mesosCredentials: { ...raw.mesosCredentials },
    stateSource,
  };
  return { config, warnings };
}
