/** Task IP sources, in the order the operator lists them (docs/compatibility.md, Task addresses). */
export type IPSource = 'host' | 'docker' | 'mesos' | 'netinfo';

export type MesosAuthentication = '' | 'basic' | 'iam';

/** Where the cluster state comes from (docs/compatibility.md, Stream and poll). */
export type StateSource = 'stream' | 'poll';

/**
 * The effective, validated configuration. Field names are the camelCase forms of
 * the Go Mesos-DNS keys (docs/compatibility.md, Keys); the canonical key for messages and
 * `/v1/config` is given where it differs in more than case.
 */
export interface Config {
  zk: string;
  /** `null` when the key was absent (Go reports `"Masters": null`). Entries are normalised `host:port`. */
  masters: string[] | null;
  zkDetectionTimeout: number;
  refreshSeconds: number;
  stateTimeoutSeconds: number;
  ttl: number;
  srvRecordDefaultWeight: number;
  /** lower-cased, no trailing dot */
  domain: string;
  port: number;
  listener: string;
  dnsOn: boolean;
  httpOn: boolean;
  httpListener: string;
  httpPort: number;
  externalOn: boolean;
  /** normalised `ip:port` / `[ipv6]:port` */
  resolvers: string[];
  /** lower-cased zone (no trailing dot) → normalised resolvers */
  zoneResolvers: Record<string, string[]>;
  /** forwarding timeout in seconds (0 in the file means 5) */
  timeout: number;
  recurseOn: boolean;
  enforceRFC952: boolean;
  setTruncateBit: boolean;
  enumerationOn: boolean;
  ipSources: IPSource[];
  /** with exactly one trailing dot, e.g. `ns1.mesos.` */
  soaMname: string;
  /** `@` replaced by `.`, exactly one trailing dot */
  soaRname: string;
  soaSerial: number;
  soaRefresh: number;
  soaRetry: number;
  soaExpire: number;
  soaMinttl: number;
  mesosHTTPSOn: boolean;
  caCertFile: string;
  certFile: string;
  keyFile: string;
  mesosAuthentication: MesosAuthentication;
  mesosCredentials: { principal: string; secret: string };
  iamConfigFile: string;
  /** absolute path of the config file */
  file: string;

  // Beyond the Go program (docs/compatibility.md).
  /** DNS listen addresses, canonical IP text (default none: `listener` alone); read through `dnsListenAddresses` */
  listeners: string[];
  /** largest UDP reply we send to an EDNS0 client (default 1232, never below 512) */
  ednsMaxUdpSize: number;
  /** node:cluster workers serving DNS (default 1 = no cluster) */
  workers: number;
  /** leave out tasks whose latest running status says healthy:false (default false) */
  healthyOnly: boolean;
  /** PTR records under in-addr.arpa and ip6.arpa for the task, agent and master addresses we know (default false) */
  ptrOn: boolean;
  /** entries kept in the forwarded-answer cache; 0 disables it (default 10000) */
  forwardCacheSize: number;
  /** bytes the forwarded-answer cache may hold; 0 disables it (default 32 MiB) */
  forwardCacheBytes: number;
  /** forwarded queries in flight at once; more are answered SERVFAIL (default 1024) */
  maxForwardsInFlight: number;
  /** forwarded queries of one client (source address) in flight at once; more are answered SERVFAIL (default 100) */
  maxForwardsPerClient: number;
  /** open TCP connections at once (default 1000) */
  maxTcpConnections: number;
  /** seconds an idle TCP connection is kept open (default 8, as Go) */
  tcpIdleTimeoutSeconds: number;
  /** largest master state accepted, in bytes received and again in bytes decompressed (default 256 MiB) */
  maxStateBytes: number;
  /** the refresh worker thread's heap (V8 old generation), in MiB; a refresh that needs more fails (default 1024) */
  refreshHeapMiB: number;
  /** open HTTP connections at once; further ones are closed at once (default 256) */
  httpMaxConnections: number;
  /**
   * `stream` (default): the master's event stream, with polling whenever the master has none or the stream
   * keeps failing; `poll`: `GET /master/state` every `refreshSeconds` only, as the Go program
   */
  stateSource: StateSource;
}
