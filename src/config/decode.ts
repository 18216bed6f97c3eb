/**
 * Applies a parsed config document to the defaults with Go `encoding/json`
 * semantics (docs/compatibility.md, Reading config.json): keys matched ASCII-case-insensitively,
 * members applied in document order, unknown keys ignored, `null` leaves scalars
 * alone and empties lists and maps, strict integer types.
 */
import { ConfigError } from '../errors.js';
import type { JsonValue } from './json-entries.js';
import type { Config } from './types.js';

/** The decoded file before validation: enumerations are still free text. */
export type RawConfig = Omit<Config, 'mesosAuthentication' | 'ipSources' | 'stateSource'> & {
  mesosAuthentication: string;
  ipSources: string[];
  stateSource: string;
};

type IntType = 'int' | 'int32' | 'uint16' | 'uint32';
type FieldType = IntType | 'bool' | 'string' | '[]string' | 'map[string][]string' | 'credentials';

interface Field {
  /** Go spelling (as in `/v1/config` and Go's error messages) */
  readonly goKey: string;
  readonly field: keyof RawConfig;
  readonly type: FieldType;
}

const FIELDS: readonly Field[] = [
  { goKey: 'RefreshSeconds', field: 'refreshSeconds', type: 'int' },
  { goKey: 'Port', field: 'port', type: 'int' },
  { goKey: 'Timeout', field: 'timeout', type: 'int' },
  { goKey: 'StateTimeoutSeconds', field: 'stateTimeoutSeconds', type: 'int' },
  { goKey: 'ZkDetectionTimeout', field: 'zkDetectionTimeout', type: 'int' },
  { goKey: 'HttpPort', field: 'httpPort', type: 'int' },
  { goKey: 'TTL', field: 'ttl', type: 'int32' },
  { goKey: 'SRVRecordDefaultWeight', field: 'srvRecordDefaultWeight', type: 'uint16' },
  { goKey: 'SOASerial', field: 'soaSerial', type: 'uint32' },
  { goKey: 'SOARefresh', field: 'soaRefresh', type: 'uint32' },
  { goKey: 'SOARetry', field: 'soaRetry', type: 'uint32' },
  { goKey: 'SOAExpire', field: 'soaExpire', type: 'uint32' },
  { goKey: 'SOAMinttl', field: 'soaMinttl', type: 'uint32' },
  { goKey: 'SOAMname', field: 'soaMname', type: 'string' },
  { goKey: 'SOARname', field: 'soaRname', type: 'string' },
  { goKey: 'Masters', field: 'masters', type: '[]string' },
  { goKey: 'ZoneResolvers', field: 'zoneResolvers', type: 'map[string][]string' },
  { goKey: 'Resolvers', field: 'resolvers', type: '[]string' },
  { goKey: 'IPSources', field: 'ipSources', type: '[]string' },
  { goKey: 'Zk', field: 'zk', type: 'string' },
  { goKey: 'Domain', field: 'domain', type: 'string' },
  { goKey: 'File', field: 'file', type: 'string' },
  { goKey: 'Listener', field: 'listener', type: 'string' },
  { goKey: 'HTTPListener', field: 'httpListener', type: 'string' },
  { goKey: 'RecurseOn', field: 'recurseOn', type: 'bool' },
  { goKey: 'DnsOn', field: 'dnsOn', type: 'bool' },
  { goKey: 'HttpOn', field: 'httpOn', type: 'bool' },
  { goKey: 'ExternalOn', field: 'externalOn', type: 'bool' },
  { goKey: 'EnforceRFC952', field: 'enforceRFC952', type: 'bool' },
  { goKey: 'SetTruncateBit', field: 'setTruncateBit', type: 'bool' },
  { goKey: 'EnumerationOn', field: 'enumerationOn', type: 'bool' },
  { goKey: 'MesosHTTPSOn', field: 'mesosHTTPSOn', type: 'bool' },
  { goKey: 'CACertFile', field: 'caCertFile', type: 'string' },
  { goKey: 'CertFile', field: 'certFile', type: 'string' },
  { goKey: 'KeyFile', field: 'keyFile', type: 'string' },
  { goKey: 'MesosCredentials', field: 'mesosCredentials', type: 'credentials' },
  { goKey: 'IAMConfigFile', field: 'iamConfigFile', type: 'string' },
  { goKey: 'MesosAuthentication', field: 'mesosAuthentication', type: 'string' },
  // Ours: the JSON key is the field name, matched case-insensitively like Go's.
  { goKey: 'Listeners', field: 'listeners', type: '[]string' },
  { goKey: 'EdnsMaxUdpSize', field: 'ednsMaxUdpSize', type: 'int' },
  { goKey: 'Workers', field: 'workers', type: 'int' },
  { goKey: 'HealthyOnly', field: 'healthyOnly', type: 'bool' },
  { goKey: 'PtrOn', field: 'ptrOn', type: 'bool' },
  { goKey: 'ForwardCacheSize', field: 'forwardCacheSize', type: 'int' },
  { goKey: 'ForwardCacheBytes', field: 'forwardCacheBytes', type: 'int' },
  { goKey: 'MaxForwardsInFlight', field: 'maxForwardsInFlight', type: 'int' },
  { goKey: 'MaxForwardsPerClient', field: 'maxForwardsPerClient', type: 'int' },
  { goKey: 'MaxTcpConnections', field: 'maxTcpConnections', type: 'int' },
  { goKey: 'TcpIdleTimeoutSeconds', field: 'tcpIdleTimeoutSeconds', type: 'int' },
  { goKey: 'MaxStateBytes', field: 'maxStateBytes', type: 'int' },
  { goKey: 'RefreshHeapMiB', field: 'refreshHeapMiB', type: 'int' },
  { goKey: 'HttpMaxConnections', field: 'httpMaxConnections', type: 'int' },
  { goKey: 'StateSource', field: 'stateSource', type: 'string' },
];

const BY_FOLDED_KEY = new Map(FIELDS.map((f) => [asciiLower(f.goKey), f]));

function asciiLower(s: string): string {
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

// JavaScript numbers hold Go's int exactly only within the safe range.
const INT_RANGES: Record<IntType, readonly [bigint, bigint]> = {
  int: [BigInt(Number.MIN_SAFE_INTEGER), BigInt(Number.MAX_SAFE_INTEGER)],
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  uint16: [0n, 2n ** 16n - 1n],
  uint32: [0n, 2n ** 32n - 1n],
};

/** Decoding context: the Go field path for messages, the config key for `ConfigError.key`. */
interface Ctx {
  readonly file: string;
  readonly path: string;
  readonly key: string;
}

function typeError(ctx: Ctx, what: string, goType: string): ConfigError {
  return new ConfigError(
    `failed to unmarshal config file ${JSON.stringify(ctx.file)}: json: cannot unmarshal ${what} into Go struct field ${ctx.path} of type ${goType}`,
    ctx.key,
  );
}

function decodeInt(v: JsonValue, type: IntType, ctx: Ctx): number | undefined {
  if (v.kind === 'null') return undefined;
  if (v.kind !== 'number') throw typeError(ctx, v.kind, type);
  const [min, max] = INT_RANGES[type];
  if (!/^-?[0-9]+$/.test(v.raw) || BigInt(v.raw) < min || BigInt(v.raw) > max) {
    throw typeError(ctx, `number ${v.raw}`, type);
  }
  return Number(v.raw);
}

function decodeBool(v: JsonValue, ctx: Ctx): boolean | undefined {
  if (v.kind === 'null') return undefined;
  if (v.kind !== 'bool') throw typeError(ctx, v.kind, 'bool');
  return v.value;
}

function decodeString(v: JsonValue, ctx: Ctx): string | undefined {
  if (v.kind === 'null') return undefined;
  if (v.kind !== 'string') throw typeError(ctx, v.kind, 'string');
  return v.value;
}

/** `null` → `null` (Go's nil slice); a `null` element decodes to `""` as in Go. */
function decodeStrings(v: JsonValue, ctx: Ctx): string[] | null {
  if (v.kind === 'null') return null;
  if (v.kind !== 'array') throw typeError(ctx, v.kind, '[]string');
  return v.items.map((item) => decodeString(item, ctx) ?? '');
}

function decodeZones(v: JsonValue, into: Record<string, string[]>, ctx: Ctx): Record<string, string[]> {
  if (v.kind === 'null') return {};
  if (v.kind !== 'object') throw typeError(ctx, v.kind, 'map[string][]string');
  const out = { ...into };
  for (const [zone, list] of v.entries) {
    // Zones are DNS names; lower-casing fixes Go's silently unused upper-case keys.
    out[zone.toLowerCase()] = decodeStrings(list, ctx) ?? [];
  }
  return out;
}

function decodeCredentials(v: JsonValue, into: Config['mesosCredentials'], ctx: Ctx): Config['mesosCredentials'] {
  if (v.kind === 'null') return into;
  if (v.kind !== 'object') throw typeError(ctx, v.kind, 'basic.Credentials');
  const out = { ...into };
  for (const [name, value] of v.entries) {
    const sub = asciiLower(name);
    if (sub !== 'principal' && sub !== 'secret') continue;
    const goName = sub === 'principal' ? 'Principal' : 'Secret';
    const decoded = decodeString(value, { ...ctx, path: `${ctx.path}.${goName}` });
    if (decoded !== undefined) out[sub] = decoded;
  }
  return out;
}

function applyField(config: RawConfig, f: Field, v: JsonValue, file: string): void {
  const ctx: Ctx = { file, path: `Config.${f.goKey}`, key: f.field };
  const target = config as unknown as Record<string, unknown>;
  switch (f.type) {
    case 'bool': {
      const b = decodeBool(v, ctx);
      if (b !== undefined) target[f.field] = b;
      return;
    }
    case 'string': {
      const s = decodeString(v, ctx);
      if (s !== undefined) target[f.field] = s;
      return;
    }
    case '[]string': {
      const list = decodeStrings(v, ctx);
      // Only Masters distinguishes "absent" (null) from empty; Go shows both lists as-is.
      target[f.field] = list === null && f.field !== 'masters' ? [] : list;
      return;
    }
    case 'map[string][]string':
      config.zoneResolvers = decodeZones(v, config.zoneResolvers, ctx);
      return;
    case 'credentials':
      config.mesosCredentials = decodeCredentials(v, config.mesosCredentials, ctx);
      return;
    default: {
      const n = decodeInt(v, f.type, ctx);
      if (n !== undefined) target[f.field] = n;
    }
  }
}

/**
 * Applies `doc` onto `base` (not modified) and returns the result. `file` is the
 * absolute config path used in messages.
 */
export function decodeConfig(doc: JsonValue, base: RawConfig, file: string): RawConfig {
  const config: RawConfig = {
    ...base,
    masters: base.masters === null ? null : [...base.masters],
    resolvers: [...base.resolvers],
    listeners: [...base.listeners],
    ipSources: [...base.ipSources],
    zoneResolvers: { ...base.zoneResolvers },
    mesosCredentials: { ...base.mesosCredentials },
  };
  if (doc.kind === 'null') return config;
  if (doc.kind !== 'object') {
    throw new ConfigError(
      `failed to unmarshal config file ${JSON.stringify(file)}: json: cannot unmarshal ${doc.kind} into Go value of type records.Config`,
    );
  }
  for (const [name, value] of doc.entries) {
    const f = BY_FOLDED_KEY.get(asciiLower(name));
    if (f) applyField(config, f, value, file);
  }
  return config;
}
