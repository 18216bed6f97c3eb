/**
 * Lowering the calling thread's CPU priority, for the refresh worker thread.
 *
 * The main thread answers DNS; the refresh worker fetches, parses, generates
 * and builds, none of which a client waits for. When both want a core (two
 * cores, a build running, the GC helpers busy), the kernel otherwise lets a
 * build run out its time slice while a query waits on a runnable main thread.
 * A higher nice value on the worker makes the waking main thread run first.
 * On Linux the nice value belongs to the thread (setpriority with a thread
 * id), so only the calling thread is lowered, never the process.
 */
import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/** How much nicer than the process the refresh worker runs (nice 10 in a process at 0). */
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
  let tid: number;
  try {
    // "<pid>/task/<tid>"
    tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
  } catch {
    return null;
  }
  if (!Number.isInteger(tid) || tid <= 0) return null;
  try {
    const nice = Math.min(NICE_MAX, getPriority(tid) + by);
    setPriority(tid, nice);
    return getPriority(tid);
  } catch {
    return null;
  }
}
