import type { Client, Event } from 'node-zookeeper-client';
import type { Logger } from 'pino';
import { decodeMasterInfo } from './master-info.js';
import { initialMasters, onAllMasters, onLeader, sameMasters } from '../masters-list.js';
import { closeZkClient, getChildren, getData, isNoNode, openZkClient } from './client.js';
import { selectMasterNodes } from './children.js';
import type { MasterNode } from './children.js';
import { createThrottle } from './throttle.js';
import type { ZkUrl } from '../../config/zk-url.js';

export interface ZkDetectorOptions {
  /** ZooKeeper session timeout asked for (Go: 60 s) */
  sessionTimeoutMs: number;
  /** a connection lost for this long means a new client (and session) is built */
  reconnectAfterMs: number;
  /** rate limit of detection cycles (Go: one per second) */
  minCycleIntervalMs: number;
  /** wait before re-reading after a failed read, e.g. a path that does not exist yet */
  retryMs: number;
  /** longest random pause between connection attempts once every server failed */
  spinDelayMs: number;
}

export const DEFAULT_ZK_DETECTOR_OPTIONS: ZkDetectorOptions = {
  sessionTimeoutMs: 60_000,
  reconnectAfterMs: 60_000,
  minCycleIntervalMs: 1000,
  retryMs: 1000,
  spinDelayMs: 1000,
};

export interface ZkDetectorHooks {
  onMasters(list: string[]): void;
  onZkState(connected: boolean): void;
}

export interface ZkDetector {
  start(): void;
  stop(): Promise<void>;
}

interface DecodedMaster {
  id: string;
  address: string;
}

class ClientReplaced extends Error {
  constructor() {
    super('ZooKeeper client replaced');
  }
}

class RequestTimeout extends Error {
  constructor() {
    super('ZooKeeper request timed out');
  }
}

/**
 * Follows the Mesos masters registered under a ZooKeeper path (behaviour spec
 * §5.2) and reports the ordered masters list of §5.1 whenever it changes.
 * node-zookeeper-client gives up for good once a session expires, so an expired
 * session, or a connection lost for longer than `reconnectAfterMs`, means a new
 * client; watches are re-armed by the next cycle.
 */
export function createZkDetector(
  zk: ZkUrl,
  configMasters: string[] | null,
  hooks: ZkDetectorHooks,
  log: Logger,
  options: ZkDetectorOptions = DEFAULT_ZK_DETECTOR_OPTIONS,
): ZkDetector {
  let list = initialMasters(configMasters);
  let emitted: string[] | null = null;
  let leaderNode: string | null = null;
  let client: Client | null = null;
  let generation = 0;
  let abort = new AbortController();
  let stopped = false;
  let connected = false;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let lastProblem = '';
  const warnedNames = new Set<string>();

  const publish = (next: string[]): void => {
    list = next;
    if (emitted !== null && sameMasters(emitted, next)) return;
    emitted = next;
    log.debug({ masters: next }, 'masters list changed');
    try {
      hooks.onMasters([...next]);
    } catch (err) {
      log.error({ err }, 'masters-list listener failed');
    }
  };

  const reportZkState = (up: boolean): void => {
    connected = up;
    try {
      hooks.onZkState(up);
    } catch (err) {
      log.error({ err }, 'ZooKeeper-state listener failed');
    }
  };

  /** The watch or the session is gone: Go emits "no leader" if one was known. */
  const loseLeader = (): void => {
    leaderNode = null;
    if (list[0] !== '') publish(onLeader(list, null));
  };

  const problem = (message: string, err?: unknown): void => {
    if (message === lastProblem) log.debug({ err, path: zk.path }, message);
    else log.warn({ err, path: zk.path }, message);
    lastProblem = message;
  };

  const scheduleRetry = (): void => {
    if (stopped || retryTimer !== undefined) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      throttle.request();
    }, options.retryMs);
  };

  /** Every request of a cycle ends: the answer, the client being replaced, or a deadline. */
  const request = <T>(p: Promise<T>, signal: AbortSignal): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (signal.aborted) return reject(new ClientReplaced());
      const onAbort = (): void => reject(new ClientReplaced());
      // The library has no read timeout: a silent half-open connection would stall detection forever.
      const timer = setTimeout(() => reject(new RequestTimeout()), options.sessionTimeoutMs);
      signal.addEventListener('abort', onAbort, { once: true });
      p.then(resolve, reject).finally(() => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
      });
    });

  /** The decoded znode; null when it vanished or holds no usable MasterInfo. I/O errors are thrown. */
  const readMaster = async (
    c: Client,
    node: MasterNode,
    signal: AbortSignal,
    cache: Map<string, DecodedMaster | null>,
  ): Promise<DecodedMaster | null> => {
    const known = cache.get(node.name);
    if (known !== undefined) return known;
    let result: DecodedMaster | null = null;
    try {
      const decoded = decodeMasterInfo(await request(getData(c, `${childBase}${node.name}`), signal), node.kind);
      if (decoded.ok) result = { id: decoded.id, address: decoded.address };
      else log.warn({ node: node.name, reason: decoded.reason }, 'ignoring master znode with unusable data');
    } catch (err) {
      if (!isNoNode(err)) throw err;
    }
    cache.set(node.name, result);
    return result;
  };

  const childBase = zk.path === '/' ? '/' : `${zk.path}/`;

  const cycle = async (): Promise<void> => {
    const c = client;
    const g = generation;
    const signal = abort.signal;
    if (stopped || c === null || !connected) return;
    try {
      await readMasters(c, signal);
    } catch (err) {
      if (signal.aborted || g !== generation || stopped) return;
      if (err instanceof RequestTimeout) {
        replaceClient('ZooKeeper did not answer within the session timeout');
        return;
      }
      if (isNoNode(err)) {
        problem(`ZooKeeper path ${zk.path} does not exist (yet)`, err);
        loseLeader();
      } else {
        problem('cannot read the masters from ZooKeeper', err);
      }
      scheduleRetry();
    }
  };

  /** One detection cycle (behaviour spec §5.2 steps 1-3), re-arming the children watch. */
  const readMasters = async (c: Client, signal: AbortSignal): Promise<void> => {
    const nodes = selectMasterNodes(await request(getChildren(c, zk.path, watcher), signal));
    for (const name of nodes.invalid) {
      if (!warnedNames.has(name)) log.warn({ node: name }, 'ignoring znode whose sequence is not an unsigned 64-bit number');
      warnedNames.add(name);
    }
    const cache = new Map<string, DecodedMaster | null>();
    let next = list;
    const leaderName = nodes.leader?.name ?? null;
    const leaderChanged = leaderName !== leaderNode;
    if (leaderChanged) {
      const leader = nodes.leader === null ? null : await readMaster(c, nodes.leader, signal, cache);
      next = onLeader(next, leader?.address ?? null);
    }
    const byId = new Map<string, string>();
    for (const node of nodes.masters) {
      const m = await readMaster(c, node, signal, cache);
      if (m !== null && !byId.has(m.id)) byId.set(m.id, m.address);
    }
    if (signal.aborted) return;
    lastProblem = '';
    leaderNode = leaderName;
    if (leaderChanged) log.info({ node: leaderName, leader: next[0] || null }, 'leader changed');
    publish(onAllMasters(next, [...byId.values()]));
  };

  const throttle = createThrottle(cycle, options.minCycleIntervalMs, (err) => {
    log.error({ err }, 'master detection cycle failed');
  });

  const watcher = (event: Event): void => {
    log.debug({ event: event.getName() }, 'ZooKeeper watch fired');
    throttle.request();
  };

  const connect = (): void => {
    generation += 1;
    const g = generation;
    abort = new AbortController();
    const c = openZkClient(zk.servers, { sessionTimeoutMs: options.sessionTimeoutMs, spinDelayMs: options.spinDelayMs });
    client = c;
    c.on('state', (state) => log.debug({ state: String(state), generation: g }, 'ZooKeeper client state'));
    c.on('connected', () => {
      if (g !== generation || stopped) return;
      clearTimeout(reconnectTimer);
      reconnectTimer = undefined;
      log.info({ servers: zk.servers }, 'connected to ZooKeeper');
      reportZkState(true);
      throttle.request();
    });
    c.on('disconnected', () => {
      if (g !== generation || stopped) return;
      log.warn('lost the ZooKeeper connection; reconnecting');
      reportZkState(false);
      armReconnect();
    });
    c.on('expired', () => {
      if (g === generation && !stopped) replaceClient('ZooKeeper session expired');
    });
    c.on('authenticationFailed', () => {
      if (g === generation && !stopped) replaceClient('ZooKeeper authentication failed');
    });
    c.connect();
    armReconnect();
  };

  /** Without a connection for `reconnectAfterMs`, the session is as good as lost: start afresh. */
  const armReconnect = (): void => {
    if (reconnectTimer !== undefined) return;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      if (!connected && !stopped) replaceClient(`no ZooKeeper connection for ${options.reconnectAfterMs} ms`);
    }, options.reconnectAfterMs);
  };

  const replaceClient = (reason: string): void => {
    log.warn({ servers: zk.servers }, `${reason}; starting a new ZooKeeper session`);
    clearTimeout(reconnectTimer);
    reconnectTimer = undefined;
    abort.abort();
    const old = client;
    client = null;
    if (connected) reportZkState(false);
    loseLeader();
    if (old !== null) void closeZkClient(old).catch((err) => log.debug({ err }, 'closing old ZooKeeper client failed'));
    connect();
  };

  return {
    start() {
      if (stopped || client !== null) return;
      reportZkState(false);
      publish(list);
      connect();
    },
    async stop() {
      stopped = true;
      throttle.cancel();
      clearTimeout(reconnectTimer);
      clearTimeout(retryTimer);
      abort.abort();
      const c = client;
      client = null;
      if (c !== null) await closeZkClient(c);
    },
  };
}
