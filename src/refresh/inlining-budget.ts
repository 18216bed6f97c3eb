/**
 * TurboFan's inlining budget, lowered while the first state loads.
 *
 * Until the first table is served, the process does little but run code it
 * has never run before: the refresh worker fetches, generates and builds, the
 * task preparer parses, each in an isolate of its own, and V8 compiles their
 * hot functions on its platform threads. With V8's default budget (920 bytes
 * of bytecode inlined into one function) a compile of a generation function
 * that inlines the record store's insertions took 30-100 ms, several of them
 * again after a deoptimisation, and on two cores those threads take the CPU
 * the worker needs: at 50,000 tasks they used about a core-second of compile
 * time in the two and a half seconds before the first answer. With a budget
 * of 200 the worker's generation took ~260 ms less (means of alternated runs
 * on the README's 2-core VM), while the same generation in one warm isolate,
 * compiled either way, ran as fast: what changes is how long compiling takes,
 * not the code it makes.
 *
 * The DNS hot path does want the default (`answer()` ran ~15% slower compiled
 * with the lower budget), and nothing of it runs before the first table: the
 * DNS port is bound only then. So the budget goes back to V8's default when
 * the first table is swapped in, before the DNS service starts; code compiled
 * after that, the answer path's and any function the worker recompiles, gets
 * the default. V8 reads the flag when it starts a compile job, so setting it
 * at run time takes effect for the next job.
 */
import { setFlagsFromString } from 'node:v8';

const FLAG = '--max-inlined-bytecode-size-cumulative';
/** V8's own value of the flag in Node 20 (`node --v8-options`; a test checks it against the running V8). */
export const V8_DEFAULT_BUDGET = 920;
/** The budget while the first state loads. */
export const FIRST_LOAD_BUDGET = 200;

/** Puts the budget back; nothing after the first call. */
export type RestoreBudget = () => void;

/**
 * Lowers the budget for the first load and returns what puts it back. A
 * process started with the flag (`MESOS_DNS_NODE_FLAGS`) keeps the operator's
 * value throughout.
 */
export function lowerInliningBudget(
  execArgv: readonly string[] = process.execArgv,
  setFlags: (flags: string) => void = setFlagsFromString,
): RestoreBudget {
  const noop: RestoreBudget = () => {};
  // V8 takes `_` for `-` in flag names.
  const given = (arg: string): boolean => arg.replace(/_/g, '-').split('=')[0] === FLAG;
  if (execArgv.some(given)) return noop;
  setFlags(`${FLAG}=${FIRST_LOAD_BUDGET}`);
  let restored = false;
  return () => {
    if (restored) return;
    restored = true;
    setFlags(`${FLAG}=${V8_DEFAULT_BUDGET}`);
  };
}
