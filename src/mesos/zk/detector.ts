import type { Client, Event } from 'node-zookeeper-client';
import type { Logger } from 'pino';
import type { ZkUrl } from '../../config/zk-url.js';
import { MesosDnsError, hasCode } from '../../errors.js';
import { initialMasters, onAllMasters, onLeader, sameMasters } from '../masters-list.js';
import { selectMasterNodes, type MasterNode } from './children.js';
import { closeZkClient, getChildren, getData, isNoNode, openZkClient } from './client.js';
import { decodeMasterInfo, type MasterInfo } from './master-info.js';
import { createThrottle, type Throttle } from './throttle.js';

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

/** One ZooKeeper client and everything that belongs to it: replaced as a whole. */
interface Session {
  client: Client;
  /** aborted when the client is replaced, ending its pending requests */
  abort: AbortController;
  connected: boolean;
}

/**
 * Follows the Mesos masters registered under a ZooKeeper path (docs/design.md,
 * "Master detection") and reports the ordered masters list whenever it
 * changes. node-zookeeper-client gives up for good once a session expires, so
 * an expired session, or a connection lost for longer than `reconnectAfterMs`,
 * means a new client; watches are re-armed by the next cycle.
 */
export class ZkDetector {
  /** the ordered masters list: entry 0 the leader (`""` unknown), then the others */
  private list: string[];
  /** the last list reported, so an unchanged one is not reported again */
  private reported: string[] | null = null;
  /** the znode of the leader the list reflects */
  private leaderNode: string | null = null;
  private session: Session | null = null;
  private stopped = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  /** the last problem logged at warn level; repeats go to debug */
  private lastProblem = '';
  private readonly warnedNames = new Set<string>();
  private readonly throttle: Throttle;
  private readonly childBase: string;

  constructor(
    private readonly zk: ZkUrl,
    configMasters: string[] | null,
    private readonly hooks: ZkDetectorHooks,
    private readonly log: Logger,
    private readonly options: ZkDetectorOptions = DEFAULT_ZK_DETECTOR_OPTIONS,
  ) {
    this.list = initialMasters(configMasters);
    this.childBase = zk.path === '/' ? '/' : `${zk.path}/`;
    this.throttle = createThrottle(
      () => this.cycle(),
      options.minCycleIntervalMs,
      (err) => {
        log.error({ err }, 'master detection cycle failed');
      },
    );
  }

  start(): void {
    if (this.stopped || this.session !== null) return;
    this.reportZkState(false);
    this.publish(this.list);
    this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.throttle.cancel();
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.retryTimer);
    const s = this.session;
    this.session = null;
    if (s !== null) {
      s.abort.abort();
      await closeZkClient(s.client);
    }
  }

  private publish(next: string[]): void {
    this.list = next;
    if (this.reported !== null && sameMasters(this.reported, next)) return;
    this.reported = next;
    this.log.debug({ masters: next }, 'masters list changed');
    try {
      this.hooks.onMasters([...next]);
    } catch (err) {
      this.log.error({ err }, 'masters-list listener failed');
    }
  }

  private reportZkState(up: boolean): void {
    if (this.session !== null) this.session.connected = up;
    try {
      this.hooks.onZkState(up);
    } catch (err) {
      this.log.error({ err }, 'ZooKeeper-state listener failed');
    }
  }

  /** The watch or the session is gone: Go reports "no leader" if one was known. */
  private loseLeader(): void {
    this.leaderNode = null;
    if (this.list[0] !== '') this.publish(onLeader(this.list, null));
  }

  private problem(message: string, err?: unknown): void {
    if (message === this.lastProblem) this.log.debug({ err, path: this.zk.path }, message);
    else this.log.warn({ err, path: this.zk.path }, message);
    this.lastProblem = message;
  }

  private scheduleRetry(): void {
    if (this.stopped || this.retryTimer !== undefined) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.throttle.request();
    }, this.options.retryMs);
  }

  /** Every request of a cycle ends: the answer, the client being replaced, or a deadline. */
  private request<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
    const replaced = () => new MesosDnsError('MESOS_DNS_ZK_CLIENT_REPLACED', 'ZooKeeper client replaced');
    return new Promise<T>((resolve, reject) => {
      if (signal.aborted) return reject(replaced());
      const onAbort = (): void => reject(replaced());
      // The library has no read timeout: a silent half-open connection would stall detection forever.
      const timer = setTimeout(
        () =>
          reject(
            new MesosDnsError('MESOS_DNS_ZK_REQUEST_TIMEOUT', 'ZooKeeper did not answer within the session timeout'),
          ),
        this.options.sessionTimeoutMs,
      );
      signal.addEventListener('abort', onAbort, { once: true });
      p.then(resolve, reject).finally(() => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
      });
    });
  }

  /** The decoded znode; null when it vanished or holds no usable MasterInfo. I/O errors are thrown. */
  private async readMaster(
    s: Session,
    node: MasterNode,
    cache: Map<string, MasterInfo | null>,
  ): Promise<MasterInfo | null> {
    const known = cache.get(node.name);
    if (known !== undefined) return known;
    let result: MasterInfo | null = null;
    try {
      result = decodeMasterInfo(
        await this.request(getData(s.client, `${this.childBase}${node.name}`), s.abort.signal),
        node.kind,
      );
    } catch (err) {
      if (hasCode(err, 'MESOS_DNS_ZK_BAD_MASTER_INFO')) {
        this.log.warn({ node: node.name, err }, 'ignoring master znode with unusable data');
      } else if (!isNoNode(err)) {
        throw err;
      }
    }
    cache.set(node.name, result);
    return result;
  }

  private async cycle(): Promise<void> {
    const s = this.session;
    if (this.stopped || s === null || !s.connected) return;
    try {
      await this.readMasters(s);
    } catch (err) {
      if (s.abort.signal.aborted || this.session !== s || this.stopped) return;
      if (hasCode(err, 'MESOS_DNS_ZK_REQUEST_TIMEOUT')) {
        this.replaceClient('ZooKeeper did not answer within the session timeout');
        return;
      }
      if (isNoNode(err)) {
        this.problem(`ZooKeeper path ${this.zk.path} does not exist (yet)`, err);
        this.loseLeader();
      } else {
        this.problem('cannot read the masters from ZooKeeper', err);
      }
      this.scheduleRetry();
    }
  }

  /** One detection cycle: elect the leader, read every master, re-arm the children watch. */
  private async readMasters(s: Session): Promise<void> {
    const signal = s.abort.signal;
    const nodes = selectMasterNodes(await this.request(getChildren(s.client, this.zk.path, this.watcher), signal));
    for (const name of nodes.invalid) {
      if (!this.warnedNames.has(name))
        this.log.warn({ node: name }, 'ignoring znode whose sequence is not an unsigned 64-bit number');
      this.warnedNames.add(name);
    }
    const cache = new Map<string, MasterInfo | null>();
    let next = this.list;
    const leaderName = nodes.leader?.name ?? null;
    const leaderChanged = leaderName !== this.leaderNode;
    if (leaderChanged) {
      const leader = nodes.leader === null ? null : await this.readMaster(s, nodes.leader, cache);
      next = onLeader(next, leader?.address ?? null);
    }
    const byId = new Map<string, string>();
    for (const node of nodes.masters) {
      const m = await this.readMaster(s, node, cache);
      if (m !== null && !byId.has(m.id)) byId.set(m.id, m.address);
    }
    if (signal.aborted) return;
    this.lastProblem = '';
    this.leaderNode = leaderName;
    if (leaderChanged) this.log.info({ node: leaderName, leader: next[0] || null }, 'leader changed');
    this.publish(onAllMasters(next, [...byId.values()]));
  }

  private readonly watcher = (event: Event): void => {
    this.log.debug({ event: event.getName() }, 'ZooKeeper watch fired');
    this.throttle.request();
  };

  private connect(): void {
    const client = openZkClient(this.zk.servers, {
      sessionTimeoutMs: this.options.sessionTimeoutMs,
      spinDelayMs: this.options.spinDelayMs,
      log: this.log,
    });
    const s: Session = { client, abort: new AbortController(), connected: false };
    this.session = s;
    const current = (): boolean => this.session === s && !this.stopped;
    client.on('state', (state) => this.log.debug({ state: String(state) }, 'ZooKeeper client state'));
    client.on('connected', () => {
      if (!current()) return;
      clearTimeout(this.reconnectTimer);
      this.reconnectTimer = undefined;
      this.log.info({ servers: this.zk.servers }, 'connected to ZooKeeper');
      this.reportZkState(true);
      this.throttle.request();
    });
    client.on('disconnected', () => {
      if (!current()) return;
      this.log.warn('lost the ZooKeeper connection; reconnecting');
      this.reportZkState(false);
      this.armReconnect();
    });
    client.on('expired', () => {
      if (current()) this.replaceClient('ZooKeeper session expired');
    });
    client.on('authenticationFailed', () => {
      if (current()) this.replaceClient('ZooKeeper authentication failed');
    });
    client.connect();
    this.armReconnect();
  }

  /** Without a connection for `reconnectAfterMs`, the session is as good as lost: start afresh. */
  private armReconnect(): void {
    if (this.reconnectTimer !== undefined) return;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (this.session?.connected !== true && !this.stopped) {
        this.replaceClient(`no ZooKeeper connection for ${this.options.reconnectAfterMs} ms`);
      }
    }, this.options.reconnectAfterMs);
  }

  private replaceClient(reason: string): void {
    this.log.warn({ servers: this.zk.servers }, `${reason}; starting a new ZooKeeper session`);
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    const old = this.session;
    if (old !== null) {
      old.abort.abort();
      if (old.connected) this.reportZkState(false);
      this.session = null;
      void closeZkClient(old.client).catch((err: unknown) =>
        this.log.debug({ err }, 'closing old ZooKeeper client failed'),
      );
    }
    this.loseLeader();
    this.connect();
  }
}
