/**
 * Starting the refresh worker thread. It is told what to do by its first
 * message (`{ type: 'init' }`), not by `workerData`, so the process can start
 * it before the config is read: its loading (a third of a second, most of it
 * undici) then runs beside the main thread's on the other core, and the first
 * fetch, which the first answer waits for, begins that much sooner. This
 * module loads nothing of ours but the defaults, so that it can run first.
 */
import { Worker } from 'node:worker_threads';
import { defaultConfig } from '../config/defaults.js';

/** The refresh worker's young generation: two 4 MiB semi-spaces and their large-object space. */
const WORKER_YOUNG_MIB = 12;

/** The compiled worker entry, beside this module. */
const ENTRY = new URL('./worker-entry.js', import.meta.url);

/**
 * A refresh worker with a heap bound of `heapMiB`. Unbounded, its heap may grow
 * as large as the whole process's. Bounded, a refresh that grows too far ends
 * its worker (a failed refresh) while the host still has memory; the one
 * allocation that could overshoot the bound at once and abort the process, the
 * state text and its parse, is checked first (fetch/heap-room.ts). The young
 * generation is bounded too: V8 grows its semi-spaces to 32 MiB during a
 * build, and they stay resident between builds. With 12 MiB (4 MiB
 * semi-spaces) a 50,000-task first load collected 41-42 times in 152-159 ms
 * instead of 127-128 times in 201-221 ms with 3 MiB, on the thread the first
 * answer waits for; a 5,000-task process was 5 MiB larger after ten
 * refreshes (104-108 MiB against 99-101), where 16 MiB once added 14 MiB.
 */
export function spawnRefreshWorker(heapMiB: number, entry: URL = ENTRY): Worker {
  return new Worker(entry, {
    resourceLimits: { maxOldGenerationSizeMb: heapMiB, maxYoungGenerationSizeMb: WORKER_YOUNG_MIB },
  });
}

/** A refresh worker started ahead of the config, with the default heap bound, waiting for its init message. */
export class EarlyWorker {
  readonly heapMiB = defaultConfig().refreshHeapMiB;
  private readonly worker: Worker;
  /** false once adopted, discarded, or ended on its own */
  private available = true;

  constructor(entry?: URL) {
    this.worker = spawnRefreshWorker(this.heapMiB, entry);
    // Until it is adopted, it neither keeps the process alive (`-version`, a config error) nor may its failure go
    // unheard; a worker that ended is not adopted, and the refresher starts another.
    this.worker.unref();
    this.worker.on('error', () => {
      this.available = false;
    });
    this.worker.on('exit', () => {
      this.available = false;
    });
  }

  /** The worker, once, if it is still running and was started with `heapMiB`; otherwise it is ended. */
  adopt(heapMiB: number): Worker | null {
    if (this.available && heapMiB === this.heapMiB) {
      this.available = false;
      this.worker.removeAllListeners();
      this.worker.ref();
      return this.worker;
    }
    this.discard();
    return null;
  }

  /** Ends the worker unless it was adopted. */
  discard(): void {
    if (!this.available) return;
    this.available = false;
    void this.worker.terminate();
  }
}
