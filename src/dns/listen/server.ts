import type { Logger } from 'pino';
import { componentLogger } from '../../log.js';
import type { Config } from '../../config/types.js';
import { QueryDispatcher, type TableSource } from '../answer/dispatch.js';
import { Forwarder } from '../forward/forwarder.js';
import type { ForwardLatency } from '../stats/latency.js';
import type { DnsStats } from '../stats/counters.js';
import { startTcpServer, type TcpServer } from './tcp.js';
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
 * DNS over UDP and TCP on `listener:port`, answering from whatever table
 * `serving` holds at the time of each query (SERVFAIL inside the domain until
 * the first one). With port 0 both transports get the same ephemeral port.
 */
export async function startDnsServer(opts: DnsServerOptions): Promise<DnsServerHandle> {
  const { config } = opts;
  const log = componentLogger(opts.log, 'dns');
  const forwarder = config.externalOn
    ? new Forwarder({ config, stats: opts.stats, log: componentLogger(opts.log, 'forwarder'), latency: opts.latency })
    : null;
  const dispatcher = new QueryDispatcher(config, opts.serving, opts.stats, forwarder);
  let pair: { udp: UdpServer; tcp: TcpServer };
  try {
    pair = await bindBoth(config, dispatcher, log);
  } catch (err) {
    await forwarder?.close();
    throw err;
  }
  const { udp, tcp } = pair;
  log.debug(
    { listener: config.listener, udpPort: udp.port, tcpPort: tcp.port, forwarding: forwarder !== null },
    'DNS server listening',
  );
  let closing: Promise<void> | null = null;
  return {
    udpPort: udp.port,
    tcpPort: tcp.port,
    forwarder,
    get tcpConnections() {
      return tcp.connections;
    },
    close() {
      closing ??= Promise.all([udp.close(), tcp.close(), forwarder?.close()]).then(() => undefined);
      return closing;
    },
  };
}

async function bindBoth(
  config: Config,
  dispatcher: QueryDispatcher,
  log: Logger,
): Promise<{ udp: UdpServer; tcp: TcpServer }> {
  const tcpOpts = {
    host: config.listener,
    dispatcher,
    log,
    maxConnections: config.maxTcpConnections,
    idleTimeoutMs: config.tcpIdleTimeoutSeconds * 1000,
  };
  for (let tries = 1; ; tries++) {
    const udp = await startUdpServer({ host: config.listener, port: config.port, dispatcher, log });
    try {
      const tcp = await startTcpServer({ ...tcpOpts, port: udp.port });
      return { udp, tcp };
    } catch (err) {
      await udp.close();
      // With port 0 the kernel's UDP pick may be taken on TCP: pick again.
      const inUse = (err as NodeJS.ErrnoException).code === 'EADDRINUSE';
      if (config.port !== 0 || !inUse || tries >= PORT_ZERO_TRIES) throw err;
    }
  }
}
