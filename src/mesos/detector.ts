import type { Logger } from 'pino';
import type { Config } from '../config/types.js';
import { componentLogger } from '../log.js';
import type { ZkDetector, ZkDetectorOptions } from './zk/detector.js';
import { parseZkUrl } from '../config/zk-url.js';

export interface MasterDetector {
  start(): void;
  stop(): Promise<void>;
}

export interface DetectorEvents {
  /** The ordered masters list (docs/compatibility.md, The masters list): entry 0 is the leader, `""` when unknown. */
  onMasters(list: string[]): void;
  onZkState?(connected: boolean): void;
  /** No leader for `zkDetectionTimeout` seconds (docs/compatibility.md, Detection timeout); Go logs and exits 1. */
  onTimeout?(seconds: number): void;
}

/**
 * Static mode (`zk` empty) reports the configured masters once, at start;
 * ZooKeeper mode reports them once the ZooKeeper client has loaded (it loads
 * only in that mode: with static masters the first fetch does not wait for
 * its ~40 ms), then follows the registered masters. Both run the detection
 * timeout. `zk` is expected to have passed config validation; a bad value
 * throws `ConfigError`.
 */
export function createDetector(
  config: Pick<Config, 'zk' | 'masters' | 'zkDetectionTimeout'>,
  events: DetectorEvents,
  root: Logger,
  zkOptions: Partial<ZkDetectorOptions> = {},
): MasterDetector {
  const log = componentLogger(root, 'detector');
  const timeout = createDetectionTimeout(config.zkDetectionTimeout, events, log);
  const onMasters = (list: string[]): void => {
    if ((list[0] ?? '') === '') timeout.restart();
    else timeout.stop();
    try {
      events.onMasters(list);
    } catch (err) {
      log.error({ err }, 'masters-list listener failed');
    }
  };

  if (config.zk === '') {
    return {
      start() {
        timeout.restart();
        onMasters([...(config.masters ?? [])]);
      },
      async stop() {
        timeout.stop();
      },
    };
  }

  const zk = parseZkUrl(config.zk);
  if (/[^/]\/+\s*$/.test(config.zk)) log.warn({ zk: config.zk, path: zk.path }, 'ignoring trailing "/" of the zk path');
  const hooks = {
    onMasters,
    onZkState(connected: boolean) {
      try {
        events.onZkState?.(connected);
      } catch (err) {
        log.error({ err }, 'ZooKeeper-state listener failed');
      }
    },
  };
  let detector: ZkDetector | null = null;
  let loading: Promise<void> | null = null;
  let stopped = false;
  return {
    start() {
      timeout.restart();
      loading = import('./zk/detector.js').then(
        ({ ZkDetector: Detector, DEFAULT_ZK_DETECTOR_OPTIONS }) => {
          if (stopped) return;
          detector = new Detector(zk, config.masters, hooks, componentLogger(root, 'zk'), {
            ...DEFAULT_ZK_DETECTOR_OPTIONS,
            ...zkOptions,
          });
          detector.start();
        },
        // Not expected (the module ships with the program); the detection timeout then ends the process.
        (err: unknown) => log.error({ err }, 'the ZooKeeper detector could not be loaded'),
      );
    },
    async stop() {
      stopped = true;
      timeout.stop();
      await loading;
      await detector?.stop();
    },
  };
}

interface DetectionTimeout {
  restart(): void;
  stop(): void;
}

function createDetectionTimeout(seconds: number, events: DetectorEvents, log: Logger): DetectionTimeout {
  let timer: NodeJS.Timeout | undefined;
  const stop = (): void => {
    clearTimeout(timer);
    timer = undefined;
  };
  return {
    restart() {
      stop();
      if (!(seconds > 0)) return;
      timer = setTimeout(() => {
        timer = undefined;
        if (events.onTimeout === undefined) log.error({ seconds }, `master detection timed out after ${seconds}s`);
        try {
          events.onTimeout?.(seconds);
        } catch (err) {
          log.error({ err }, 'detection-timeout listener failed');
        }
      }, seconds * 1000);
    },
    stop,
  };
}
