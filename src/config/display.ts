/**
 * The `/v1/config` object: the Go program's keys, spellings and order
 * (docs/compatibility.md, Routes), then ours. The Mesos secret is redacted.
 */
import type { Config } from './types.js';

const REDACTED = '******';

/** `serial` is the SOA serial currently served (it changes with the records). */
export function configForDisplay(config: Config, serial: number): Record<string, unknown> {
  const c = config;
  return {
    RefreshSeconds: c.refreshSeconds,
    Port: c.port,
    Timeout: c.timeout,
    StateTimeoutSeconds: c.stateTimeoutSeconds,
    ZkDetectionTimeout: c.zkDetectionTimeout,
    HttpPort: c.httpPort,
    TTL: c.ttl,
    SRVRecordDefaultWeight: c.srvRecordDefaultWeight,
    SOASerial: serial,
    SOARefresh: c.soaRefresh,
    SOARetry: c.soaRetry,
    SOAExpire: c.soaExpire,
    SOAMinttl: c.soaMinttl,
    SOAMname: c.soaMname,
    SOARname: c.soaRname,
    Masters: c.masters === null ? null : [...c.masters],
    ZoneResolvers: Object.fromEntries(Object.entries(c.zoneResolvers).map(([zone, list]) => [zone, [...list]])),
    Resolvers: [...c.resolvers],
    IPSources: [...c.ipSources],
    Zk: c.zk,
    Domain: c.domain,
    File: c.file,
    Listener: c.listener,
    HTTPListener: c.httpListener,
    RecurseOn: c.recurseOn,
    DnsOn: c.dnsOn,
    HttpOn: c.httpOn,
    ExternalOn: c.externalOn,
    EnforceRFC952: c.enforceRFC952,
    SetTruncateBit: c.setTruncateBit,
    EnumerationOn: c.enumerationOn,
    MesosHTTPSOn: c.mesosHTTPSOn,
    CACertFile: c.caCertFile,
    CertFile: c.certFile,
    KeyFile: c.keyFile,
    MesosCredentials: {
      Principal: c.mesosCredentials.principal,
      Secret: c.mesosCredentials.secret === '' ? '' : REDACTED,
    },
    IAMConfigFile: c.iamConfigFile,
    MesosAuthentication: c.mesosAuthentication,
    Listeners: [...c.listeners],
    EdnsMaxUdpSize: c.ednsMaxUdpSize,
    Workers: c.workers,
    HealthyOnly: c.healthyOnly,
    PtrOn: c.ptrOn,
    ForwardCacheSize: c.forwardCacheSize,
    ForwardCacheBytes: c.forwardCacheBytes,
    MaxForwardsInFlight: c.maxForwardsInFlight,
    MaxForwardsPerClient: c.maxForwardsPerClient,
    MaxTcpConnections: c.maxTcpConnections,
    TcpIdleTimeoutSeconds: c.tcpIdleTimeoutSeconds,
    MaxStateBytes: c.maxStateBytes,
    RefreshHeapMiB: c.refreshHeapMiB,
    HttpMaxConnections: c.httpMaxConnections,
    StateSource: c.stateSource,
  };
}
