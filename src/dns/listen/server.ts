import { isIPv6 } from 'node:net';
import type { Logger } from 'pino';
import { componentLogger } from '../../log.js';
import { dnsListenAddresses } from '../../config/listeners.js';
import type { Config } from '../../config/types.js';
import { MesosDnsError } from '../../errors.js';
import { joinHostPort } from '../../net/host-port.js';
import { QueryDispatcher, type TableSource } from '../answer/dispatch.js';
import { Forwarder } from '../forward/forwarder.js';
import type { ForwardLatency } from '../stats/latency.js';
import type { DnsStats } from '../stats/counters.js';
import { startTcpServer, type TcpConnectionLimit, type TcpServer } from './tcp.js';
import { startUdpServer, type UdpServer } from './udp.js';

export interface DnsServerOptions {
  config: Config;
  /** read per query; `ServingState` (or a worker's table holder) */
  serving: TableSource;
  stats: DnsStats;
  /** the root logger: the server and its forwarder log as components of their own */
  log: Logger;
  /** where forward latency is recorded (the metrics module reads it); a new one when omitted */
  latency?: ForwardLatency;
}

export interface DnsServerHandle {
  /** bound ports (differ from config.port only when it is 0) */
  udpPort: number;
  tcpPort: number;
  /** null when forwarding is off (`externalOn: false`) */
  forwarder: Forwarder | null;
  /** TCP connections open now */
  readonly tcpConnections: number;
  close(): Promise<void>;
}

const PORT_ZERO_TRIES = 20;

/**
 * DNS over UDP and TCP on every listen address (`listeners`, else
 * `listener`) at `port`, answering from whatever table `serving` holds at the
 * time of each query (SERVFAIL inside the domain while it holds none). With
 * port 0 every socket gets the same ephemeral port.
 */
export async function startDnsServer(opts: DnsServerOptions): Promise<DnsServerHandle> {
  const { config } = opts;
  const log = componentLogger(opts.log, 'dns');
  const forwarder = config.externalOn
    ? new Forwarder({ config, stats: opts.stats, log: componentLogger(opts.log, 'forwarder'), latency: opts.latency })
    : null;
  const dispatcher = new QueryDispatcher(config, opts.serving, opts.stats, forwarder);
  const addresses = dnsListenAddresses(config);
  let bound: Bound;
  try {
    bound = await bindAll(config, addresses, dispatcher, log);
  } catch (err) {
    await forwarder?.close();
    throw err;
  }
  log.debug({ addresses, port: bound.port, forwarding: forwarder !== null }, 'DNS server listening');
  let closing: Promise<void> | null = null;
  return {
    udpPort: bound.port,
    tcpPort: bound.port,
    forwarder,
    get tcpConnections() {
      return bound.limit.open;
    },
    close() {
      closing ??= Promise.all([...bound.sockets.map((s) => s.close()), forwarder?.close()]).then(() => undefined);
      return closing;
    },
  };
}

interface Bound {
  port: number;
  sockets: Array<UdpServer | TcpServer>;
  limit: TcpConnectionLimit;
}

/**
 * UDP then TCP on each address, all on one port. With several addresses an
 * IPv6 socket takes IPv6 only, so `::` beside `0.0.0.0` (or beside an IPv4
 * address) does not collide with it; a lone `::` stays dual-stack, as Go's.
 */
async function bindAll(
  config: Config,
  addresses: readonly string[],
  dispatcher: QueryDispatcher,
  log: Logger,
): Promise<Bound> {
  const several = addresses.length > 1;
  const idleTimeoutMs = config.tcpIdleTimeoutSeconds * 1000;
  for (let tries = 1; ; tries++) {
    const limit: TcpConnectionLimit = { max: config.maxTcpConnections, open: 0 };
    const sockets: Array<UdpServer | TcpServer> = [];
    let port = config.port;
    let at = { transport: 'udp', host: addresses[0]! };
    try {
      for (const host of addresses) {
        const ipv6Only = several && isIPv6(host);
        at = { transport: 'udp', host };
        const udp = await startUdpServer({ host, port, ipv6Only, dispatcher, log });
        sockets.push(udp);
        port = udp.port;
        at = { transport: 'tcp', host };
        sockets.push(await startTcpServer({ host, port, ipv6Only, dispatcher, log, limit, idleTimeoutMs }));
      }
      return { port, sockets, limit };
    } catch (err) {
      await Promise.all(sockets.map((s) => s.close()));
      // With port 0 the kernel's pick on the first socket may be taken on another: pick again.
      const inUse = (err as NodeJS.ErrnoException).code === 'EADDRINUSE';
      if (config.port !== 0 || !inUse || tries >= PORT_ZERO_TRIES)
        throw listenFailure(err, at.transport, at.host, port);
    }
  }
}

/** A bind error that names the socket: `DNS cannot listen on udp 127.0.0.1:53: EADDRINUSE …`. */
function listenFailure(err: unknown, transport: string, host: string, port: number): MesosDnsError {
  const why = err instanceof Error ? err.message : String(err);
  return new MesosDnsError(
    'MESOS_DNS_LISTEN_FAILED',
    `DNS cannot listen on ${transport} ${joinHostPort(host, port)}: ${why}`,
    { cause: err },
  );
}
