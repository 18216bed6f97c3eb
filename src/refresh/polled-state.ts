/**
 * A poll's state: `GET /master/state`, fetched and validated in the refresh
 * worker, validation a turn of the event loop at a time so the event stream
 * is read and built meanwhile.
 */
import type { Logger } from 'pino';
import { fetchState, type FetchOptions, type PreviousState } from '../mesos/fetch/fetch.js';
import {
  validateFrameworksAndAgents,
  validationSteps,
  type MesosState,
  type StateWarning,
  type Task,
  type TaskList,
  type ValidatedState,
} from '../state/state.js';
import type { PolledTasks } from '../state/task.js';

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
export type Polled<Tasks extends TaskList> =
  | { unchanged: true; bytes: number; fetchMs: number }
  | {
      unchanged: false;
      state: MesosState<Tasks>;
      master: string;
      bytes: number;
      digest: string;
      /** performance.now() when the fetch began */
      started: number;
      fetchMs: number;
      /** the bad items skipped so far: with tasks validated as they are read, those read yet */
      skippedItems: () => number;
    };

/** How a fetched document is validated; a bad task found later goes to `reportTask`. */
export type Validation<Tasks extends TaskList> = (
  doc: unknown,
  master: string,
  reportTask: (warning: StateWarning) => void,
) => Promise<ValidatedState<Tasks>>;

/** Every task validated before the state is returned, a turn of the event loop at a time. */
export const TASKS_FIRST: Validation<Task[]> = (doc, master) => validateInTurns(doc, master);

/**
 * Each task validated as it is read (`PolledTasks`), so that none outlives its
 * reading; reading them is then synchronous work for whoever reads them.
 */
export const TASKS_AS_READ: Validation<PolledTasks> = (doc, master, reportTask) =>
  Promise.resolve(validateFrameworksAndAgents(doc, master, reportTask));

/**
 * `GET /master/state` from the first master that answers, validated; or only
 * its size, when its bytes are `previous`'s. Bad items are logged to the
 * refresh log and counted.
 */
export async function fetchValidated<Tasks extends TaskList>(
  masters: string[],
  previous: PreviousState | null,
  fetchOptions: FetchOptions,
  logs: { fetch: Logger; refresh: Logger },
  validation: Validation<Tasks>,
): Promise<Polled<Tasks>> {
  const started = performance.now();
  const fetched = await fetchState(masters, fetchOptions, logs.fetch, previous);
  const fetchMs = performance.now() - started;
  if (fetched.unchanged) return { unchanged: true, bytes: fetched.bytes, fetchMs };
  const { master, bytes, digest } = fetched;
  let skipped = 0;
  const skip = (w: StateWarning) => {
    skipped++;
    logs.refresh.warn({ master, ...w }, 'skipped a bad state item');
  };
  const { state, warnings } = await validation(fetched.body, master, skip);
  // The parsed document is no longer needed: let GC reclaim it before generation (peak memory).
  fetched.body = null;
  for (const w of warnings) skip(w);
  return { unchanged: false, state, master, bytes, digest, started, fetchMs, skippedItems: () => skipped };
}
