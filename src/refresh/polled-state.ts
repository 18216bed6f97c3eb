/**
 * A poll's state: `GET /master/state`, fetched and validated in the refresh
 * worker, validation a turn of the event loop at a time so the event stream
 * is read and built meanwhile.
 */
import type { Logger } from 'pino';
import { fetchState, type FetchOptions, type PreviousState } from '../mesos/fetch/fetch.js';
import { validationSteps, type MesosState, type ValidatedState } from '../state/state.js';

/** Tasks validated in one turn of the worker's event loop: about 20 ms of work. */
const TASKS_PER_TURN = 1000;

/**
 * `validateState`, a turn of the event loop at a time: at 50,000 tasks it is a
 * second of work, during which the event stream would otherwise go unread
 * and its changes unbuilt.
 */
async function validateInTurns(doc: unknown, master: string): Promise<ValidatedState> {
  const steps = validationSteps(doc, master, TASKS_PER_TURN);
  for (let step = steps.next(); ; step = steps.next()) {
    if (step.done === true) return step.value;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** A fetched state, validated; or only its size, when its bytes are as last time. */
export type Polled =
  | { unchanged: true; bytes: number; fetchMs: number }
  | {
      unchanged: false;
      state: MesosState;
      master: string;
      bytes: number;
      digest: string;
      /** performance.now() when the fetch began */
      started: number;
      fetchMs: number;
      skippedItems: number;
    };

/**
 * `GET /master/state` from the first master that answers, validated; or only
 * its size, when its bytes are `previous`'s. Bad items are logged to `log` and
 * counted.
 */
export async function fetchValidated(
  masters: string[],
  previous: PreviousState | null,
  fetchOptions: FetchOptions,
  fetchLog: Logger,
  log: Logger,
): Promise<Polled> {
  const started = performance.now();
  const fetched = await fetchState(masters, fetchOptions, fetchLog, previous);
  const fetchMs = performance.now() - started;
  if (fetched.unchanged) return { unchanged: true, bytes: fetched.bytes, fetchMs };
  const { state, warnings } = await validateInTurns(fetched.body, fetched.master);
  // The parsed document is no longer needed: let GC reclaim it before generation (peak memory).
  fetched.body = null;
  for (const w of warnings) log.warn({ master: fetched.master, ...w }, 'skipped a bad state item');
  const { master, bytes, digest } = fetched;
  return { unchanged: false, state, master, bytes, digest, started, fetchMs, skippedItems: warnings.length };
}
