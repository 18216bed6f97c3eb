/**
 * Lowering threads' CPU priority below the main thread's: the refresh worker
 * thread, and the helper threads Node starts before our code runs.
 *
 * The main thread answers DNS; the refresh worker fetches, parses, generates
 * and builds, none of which a client waits for. When both want a core (two
 * cores, a build running, the GC helpers busy), the kernel otherwise lets a
 * build run out its time slice while a query waits on a runnable main thread.
 * A higher nice value on the worker makes the waking main thread run first.
 * On Linux the nice value belongs to the thread (setpriority with a thread
 * id), so only the threads named are lowered, never the process.
 */
import { readdirSync, readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/** How much nicer than the process the refresh worker and Node's helper threads run (nice 10 in a process at 0). */
export const REFRESH_THREAD_NICENESS = 10;

/** The highest nice value: the lowest priority. */
const NICE_MAX = 19;

/**
 * Raises the calling thread's nice value by `by`, up to 19. Returns the new
 * value, or null where a thread's priority cannot be set on its own (no
 * `/proc/thread-self`: not Linux) or the call is refused; the thread then
 * keeps the process's priority, as before.
 */
export function lowerThreadPriority(by: number): number | null {
  const tid = callingThread();
  return tid === null ? null : lowerPriorityOf(tid, by);
}

/**
 * Raises by `by` (up to 19) the nice value of every thread of the process that
 * exists now, except the calling one; for the main thread to call before it
 * starts threads of its own. Those already there are Node's: V8's platform
 * threads, which do the garbage collector's parallel and concurrent work for
 * every isolate (most of it for the refresh worker, whose heap holds the state
 * and the records), and libuv's thread pool. At the main thread's priority, the
 * helpers of a collection in the refresh worker took a core from a waiting
 * query; lowered, they still have every core the main thread leaves idle.
 * Threads started later take the priority of the thread that starts them.
 * Returns how many threads were lowered (0 where threads cannot be listed).
 */
export function lowerOtherThreadsPriority(by: number): number {
  const self = callingThread();
  if (self === null) return 0;
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return 0;
  }
  let lowered = 0;
  for (const entry of tids) {
    const tid = Number(entry);
    if (tid !== self && lowerPriorityOf(tid, by) !== null) lowered++;
  }
  return lowered;
}

/** The calling thread's id, or null when it cannot be known (not Linux). */
function callingThread(): number | null {
  try {
    // "<pid>/task/<tid>"
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    return Number.isInteger(tid) && tid > 0 ? tid : null;
  } catch {
    return null;
  }
}

/** The thread's new nice value, or null when it could not be set (refused, or the thread has ended). */
function lowerPriorityOf(tid: number, by: number): number | null {
  try {
    setPriority(tid, Math.min(NICE_MAX, getPriority(tid) + by));
    return getPriority(tid);
  } catch {
    return null;
  }
}
