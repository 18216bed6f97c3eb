/**
 * The process entry that `bin/mesos-dns` runs. Before the rest of the program
 * loads, Node's helper threads are lowered below the main thread and the
 * refresh worker starts loading (worker-thread.ts); then the command line goes
 * to `main`.
 */
import { REFRESH_THREAD_NICENESS, lowerOtherThreadsPriority } from './refresh/thread-priority.js';
import { EarlyWorker } from './refresh/worker-thread.js';

// Before any thread of ours starts: only Node's own are lowered (the garbage collector's helpers among them).
const helperThreadsLowered = lowerOtherThreadsPriority(REFRESH_THREAD_NICENESS);
const refreshWorker = new EarlyWorker();
const { main } = await import('./cli.js');
await main(process.argv.slice(2), { helperThreadsLowered, refreshWorker });
