/**
 * The process entry that `bin/mesos-dns` runs. Before the rest of the program
 * loads, Node's helper threads are lowered below the main thread, TurboFan's
 * inlining budget is lowered for the first load (inlining-budget.ts), and the
 * refresh worker starts loading (worker-thread.ts); then the command line goes
 * to `main`.
 */
import { lowerInliningBudget } from './refresh/inlining-budget.js';
import { REFRESH_THREAD_NICENESS, lowerOtherThreadsPriority } from './refresh/thread-priority.js';
import { EarlyWorker } from './refresh/worker-thread.js';

// Before any thread of ours starts: only Node's own are lowered (the garbage collector's helpers among them).
const helperThreadsLowered = lowerOtherThreadsPriority(REFRESH_THREAD_NICENESS);
// Back to V8's default once the first table is swapped in (cli.ts), before the DNS service starts.
const restoreInliningBudget = lowerInliningBudget();
const refreshWorker = new EarlyWorker();
const { main } = await import('./cli.js');
await main(process.argv.slice(2), { helperThreadsLowered, refreshWorker, restoreInliningBudget });
