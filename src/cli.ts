import type { Logger } from 'pino';
import { loadConfig } from './config/load.js';
import { parseFlags, usage } from './config/flags.js';
import type { Config } from './config/types.js';
import { dnsListenAddresses } from './config/listeners.js';
import { DnsOnFirstTable } from './dns/listen/first-table.js';
import { udpSendBatching } from './dns/listen/send-batching.js';
import { ForwardLatency } from './dns/stats/latency.js';
import { DnsStats } from './dns/stats/counters.js';
import { FlagError, errorMessage } from './errors.js';
import { componentLogger, createLogger, type LogOptions } from './log.js';
import { createDetector, type MasterDetector } from './mesos/detector.js';
import { fetchOptionsFromConfig } from './mesos/fetch/options.js';
import type { RestoreBudget } from './refresh/inlining-budget.js';
import { Refresher } from './refresh/refresher.js';
import { REFRESH_THREAD_NICENESS } from './refresh/thread-priority.js';
import type { EarlyWorker } from './refresh/worker-thread.js';
import { ServingState } from './serving.js';
import { VERSION } from './version.js';

/**
 * Settings a SIGHUP cannot change: those bound to sockets or processes, and
 * those the DNS servers and the forwarder (possibly in worker processes) take
 * once at start-up.
 */
const RESTART_KEYS = [
  'port',
  'listener',
  'listeners',
  'dnsOn',
  'httpOn',
  'httpPort',
  'httpListener',
  'httpMaxConnections',
  'workers',
  'maxTcpConnections',
  'tcpIdleTimeoutSeconds',
  'domain',
  'externalOn',
  'recurseOn',
  'setTruncateBit',
  'ednsMaxUdpSize',
  'resolvers',
  'zoneResolvers',
  'timeout',
  'forwardCacheSize',
  'forwardCacheBytes',
  'maxForwardsInFlight',
  'maxForwardsPerClient',
] as const;

const sameValue = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
const STOP_DEADLINE_MS = 5000;

/** What the process entry (main.ts) did before this module loaded. */
export interface EarlyStart {
  /** how many of Node's helper threads run below the main thread */
  helperThreadsLowered: number;
  /** the refresh worker, already loading its modules */
  refreshWorker: EarlyWorker;
  /** puts TurboFan's inlining budget back to V8's default, at the first table (refresh/inlining-budget.ts) */
  restoreInliningBudget: RestoreBudget;
}

interface Running {
  close(): Promise<void>;
}

/** Entry point of `bin/mesos-dns`; returns only for -version/-help, otherwise runs until a signal. */
export async function main(argv: string[], early: EarlyStart): Promise<void> {
  let flags;
  try {
    flags = parseFlags(argv);
  } catch (err) {
    if (!(err instanceof FlagError)) throw err;
    process.stderr.write(`${err.message}\n${usage()}`);
    process.exit(2);
  }
  if (flags.help) {
    process.stderr.write(usage());
    return;
  }
  if (flags.version) {
    process.stdout.write(`${VERSION}\n`);
    return;
  }
  const logOptions: LogOptions = { verbosity: flags.verbosity, pretty: flags.pretty, toStderr: flags.logToStderr };
  const root = createLogger(logOptions);
  const log = componentLogger(root, 'main');

  let config: Config;
  try {
    const loaded = loadConfig(flags.config);
    config = loaded.config;
    for (const w of loaded.warnings) log.warn(w);
  } catch (err) {
    process.stderr.write(`mesos-dns: ${errorMessage(err)}\n`);
    log.fatal({ err }, 'config not loaded');
    log.flush();
    process.exit(1);
  }
  log.info({ file: config.file, version: VERSION }, 'config loaded');
  log.debug(
    { config: { ...config, mesosCredentials: { principal: config.mesosCredentials.principal, secret: '******' } } },
    'configuration',
  );

  try {
    await run(config, flags.config, root, logOptions, early);
  } catch (err) {
    log.fatal({ err }, 'mesos-dns could not start');
    log.flush();
    process.stderr.write(`mesos-dns: ${errorMessage(err)}\n`);
    process.exit(1);
  }
}

/** Starts every component; `root` is the logger each derives its own from. */
async function run(
  initial: Config,
  configPath: string,
  root: Logger,
  logOptions: LogOptions,
  early: EarlyStart,
): Promise<void> {
  const log = componentLogger(root, 'main');
  log.debug(
    { threads: early.helperThreadsLowered, by: REFRESH_THREAD_NICENESS },
    "Node's helper threads run below the main thread",
  );
  // One config object shared by reference: SIGHUP updates it in place, so every
  // component reads the new values on its next use.
  const config = initial;
  const serving = new ServingState();
  const stats = new DnsStats();
  const running: Running[] = [];

  const latency = new ForwardLatency();
  const addresses = dnsListenAddresses(config);
  let dns: DnsOnFirstTable | null = null;
  const refresher = new Refresher({
    config,
    fetchOptions: fetchOptionsFromConfig(config),
    serving,
    log: componentLogger(root, 'refresh'),
    logOptions,
    earlyWorker: early.refreshWorker,
    onSwap: (snapshot) => {
      // Before the DNS service starts at this first table: the answer path is compiled with the default budget.
      early.restoreInliningBudget();
      dns?.publish(snapshot.table);
    },
  });
  // The refresh worker (loading since the process started, main.ts) gets its config, and static masters, before
  // the servers' modules load, so that its first fetch, which the first answer waits for, never waits for them.
  refresher.prepare();
  const loading = loadServers();
  if (config.dnsOn) {
    dns = new DnsOnFirstTable(
      async () => (await loading).startDnsService({ config, serving, stats, log: root, logOptions, latency }),
      {
        listening: (service) =>
          log.info(
            {
              addresses,
              udpPort: service.udpPort,
              tcpPort: service.tcpPort,
              workers: config.workers,
              udpSendBatching: udpSendBatching(),
            },
            'DNS listening',
          ),
        failed: (err) => {
          // As at start-up: a port that cannot be bound is fatal, and the supervisor sees exit 1.
          log.fatal({ err, addresses, port: config.port }, 'DNS could not listen after the first state load');
          log.flush();
          process.stderr.write(`mesos-dns: ${errorMessage(err)}\n`);
          process.exit(1);
        },
      },
    );
    running.push(dns);
    log.info({ addresses, port: config.port }, 'DNS listens once the first state has loaded');
  }
  let detector: MasterDetector = startDetector(config, serving, refresher, root);
  // Detector replacements (SIGHUP) run one after another, so two quick reloads never leave one running.
  let detectorSwap: Promise<void> = Promise.resolve();
  const servers = await loading;
  if (config.httpOn) {
    const http = await servers.startHttpServer({
      config,
      serving,
      stats,
      log: componentLogger(root, 'http'),
      views: (view) => refresher.view(view),
      extraMetrics: (registry) =>
        servers.registerSnapshotHistogram(registry, {
          name: 'mesos_dns_forward_latency_seconds',
          help: 'Time from the arrival of a forwarded query to its reply from an upstream answer, in seconds.',
          bounds: latency.bounds,
          read: () => latency.snapshot(),
        }),
    });
    running.push(http);
    log.info({ listener: config.httpListener, port: http.port }, 'HTTP listening');
  }

  refresher.start();

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    const deadline = setTimeout(() => {
      log.error('clean stop took longer than 5 s; exiting anyway');
      log.flush();
      process.exit(1);
    }, STOP_DEADLINE_MS);
    deadline.unref();
    await detectorSwap;
    await Promise.allSettled([detector.stop(), refresher.stop(), ...running.map((r) => r.close())]);
    log.info('stopped');
    log.flush();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));

  process.on('SIGHUP', () => {
    if (stopping) return;
    let next: Config;
    let fetchOptions: ReturnType<typeof fetchOptionsFromConfig>;
    try {
      const loaded = loadConfig(configPath);
      next = loaded.config;
      for (const w of loaded.warnings) log.warn(w);
      // Reads the TLS and IAM files: done before anything changes, so a file caught mid-rotation leaves all as it was.
      fetchOptions = fetchOptionsFromConfig(next);
    } catch (err) {
      log.error({ err }, 'SIGHUP: config not reloaded; keeping the current one');
      return;
    }
    const needRestart = RESTART_KEYS.filter((k) => !sameValue(next[k], config[k]));
    if (needRestart.length > 0)
      log.warn({ keys: needRestart }, 'SIGHUP: these settings need a restart and were not changed');
    for (const k of RESTART_KEYS) (next as unknown as Record<string, unknown>)[k] = config[k];
    const detectionChanged = next.zk !== config.zk || !sameValue(next.masters, config.masters);
    Object.assign(config, next);
    refresher.reconfigure(config, fetchOptions);
    if (detectionChanged) {
      detectorSwap = detectorSwap
        .then(() => detector.stop())
        .then(() => {
          if (!stopping) detector = startDetector(config, serving, refresher, root);
        })
        .catch((err: unknown) => log.error({ err }, 'SIGHUP: restarting master detection failed'));
    }
    log.info({ file: config.file }, 'SIGHUP: config reloaded; refreshing now');
    refresher.request();
  });
}

/** The modules of the servers: the heavy ones (prom-client among them). */
async function loadServers() {
  const [dns, http, metrics] = await Promise.all([
    import('./dns/listen/primary.js'),
    import('./http/server.js'),
    import('./http/metrics.js'),
  ]);
  return {
    startDnsService: dns.startDnsService,
    startHttpServer: http.startHttpServer,
    registerSnapshotHistogram: metrics.registerSnapshotHistogram,
  };
}

function startDetector(config: Config, serving: ServingState, refresher: Refresher, root: Logger): MasterDetector {
  const log = componentLogger(root, 'detector');
  const detector = createDetector(
    config,
    {
      onMasters: (list) => {
        log.info({ masters: list }, 'masters list changed');
        refresher.setMasters(list);
      },
      onZkState: (connected) => {
        serving.zkConnected = connected;
      },
      onTimeout: (seconds) => {
        log.fatal({ seconds }, `master detection timed out after ${seconds}s; exiting so the supervisor restarts us`);
        log.flush();
        process.exit(1);
      },
    },
    root,
  );
  detector.start();
  return detector;
}
