import { constants } from 'node:buffer';
import type { Config } from './types.js';

/**
 * The longest delay, in seconds, a Node timer can hold: larger ones fire after
 * 1 ms, which would turn a 30-day timeout into an immediate one.
 */
export const MAX_TIMER_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

/** Limits of our own settings (docs/compatibility.md, Beyond the Go program). */
export const EXTRA_LIMITS = {
  /** 65507 is the largest payload of an IPv4 UDP datagram */
  ednsMaxUdpSize: { min: 512, max: 65507 },
  workers: { min: 1, max: 64 },
  forwardCacheSize: { min: 0, max: Number.MAX_SAFE_INTEGER },
  forwardCacheBytes: { min: 0, max: Number.MAX_SAFE_INTEGER },
  maxForwardsInFlight: { min: 1, max: Number.MAX_SAFE_INTEGER },
  maxForwardsPerClient: { min: 1, max: Number.MAX_SAFE_INTEGER },
  maxTcpConnections: { min: 1, max: Number.MAX_SAFE_INTEGER },
  tcpIdleTimeoutSeconds: { min: 1, max: MAX_TIMER_SECONDS },
  /** the state is decoded into one string for JSON.parse, so it can be no longer than V8's longest string */
  maxStateBytes: { min: 1024, max: constants.MAX_STRING_LENGTH },
  /** below 16 MiB the worker cannot even load its modules; 1 TiB is far beyond any host */
  refreshHeapMiB: { min: 16, max: 1024 * 1024 },
  httpMaxConnections: { min: 1, max: Number.MAX_SAFE_INTEGER },
} as const;

/**
 * The configuration before the file is applied: Go Mesos-DNS defaults
 * (docs/compatibility.md, Keys) plus our own settings.
 * `file` is filled in by the loader; `soaSerial` is set at validation.
 */
export function defaultConfig(): Config {
  return {
    zk: '',
    masters: null,
    zkDetectionTimeout: 30,
    refreshSeconds: 60,
    stateTimeoutSeconds: 300,
    ttl: 60,
    srvRecordDefaultWeight: 1,
    domain: 'mesos',
    port: 53,
    listener: '0.0.0.0',
    dnsOn: true,
    httpOn: true,
    httpListener: '0.0.0.0',
    httpPort: 8123,
    externalOn: true,
    resolvers: ['8.8.8.8'],
    zoneResolvers: {},
    timeout: 5,
    recurseOn: true,
    enforceRFC952: false,
    setTruncateBit: true,
    enumerationOn: true,
    ipSources: ['netinfo', 'mesos', 'host'],
    soaMname: 'ns1.mesos',
    soaRname: 'root.ns1.mesos',
    soaSerial: 0,
    soaRefresh: 60,
    soaRetry: 600,
    soaExpire: 86400,
    soaMinttl: 60,
    mesosHTTPSOn: false,
    caCertFile: '',
    certFile: '',
    keyFile: '',
    mesosAuthentication: '',
    mesosCredentials: { principal: '', secret: '' },
    iamConfigFile: '',
    file: '',
    listeners: [],
    ednsMaxUdpSize: 1232,
    workers: 1,
    healthyOnly: false,
    ptrOn: false,
    forwardCacheSize: 10000,
    forwardCacheBytes: 32 * 1024 * 1024,
    maxForwardsInFlight: 1024,
    maxForwardsPerClient: 100,
    maxTcpConnections: 1000,
    tcpIdleTimeoutSeconds: 8,
    // A 50,000-task state is about 30 MB of JSON: room for 100,000 tasks several times over, yet a bound on what
    // a broken or hostile master can make the refresh worker hold.
    maxStateBytes: 256 * 1024 * 1024,
    // A 50,000-task refresh peaks near 300 MiB RSS (bench:records): room for 100,000 tasks. With a limit, a
    // heavier refresh fails on its own instead of taking the process (and DNS) down with it.
    refreshHeapMiB: 1024,
    // Health checks, scrapers and operators' scripts: a few connections each; this bounds what a flood can hold.
    httpMaxConnections: 256,
    stateSource: 'stream',
  };
}
