/**
 * The refresh worker thread's entry point: the thread is lowered below the
 * main thread's priority (thread-priority.ts) before the worker (worker.ts)
 * starts, so everything it does, its first build included, yields to queries.
 * The worker is a static import: the build bundles this entry into one file
 * (scripts/bundle.mjs), where a dynamic import made every module behind it
 * lazily initialised, each module-level constant a variable of a closure,
 * and generation measurably slower.
 */
import { REFRESH_THREAD_NICENESS, lowerThreadPriority } from './thread-priority.js';
import { runRefreshWorker } from './worker.js';

lowerThreadPriority(REFRESH_THREAD_NICENESS);
runRefreshWorker();
