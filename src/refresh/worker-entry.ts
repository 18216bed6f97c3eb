/**
 * The refresh worker thread's entry point: the thread is lowered below the
 * main thread's priority (thread-priority.ts) before the worker (worker.ts)
 * loads, so everything it does, its first build included, yields to queries.
 */
import { REFRESH_THREAD_NICENESS, lowerThreadPriority } from './thread-priority.js';

lowerThreadPriority(REFRESH_THREAD_NICENESS);
await import('./worker.js');
