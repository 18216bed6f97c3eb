/** Runs a task at most once per interval, one run at a time, without losing requests. */
export interface Throttle {
  /** Ask for a run; requests arriving during a run or a wait fold into one later run. */
  request(): void;
  /** No further runs; a run in progress finishes but is not repeated. */
  cancel(): void;
}

/**
 * Detection cycles are limited to one per second (as Go) but, unlike a plain
 * debounce, a request during a run always causes one more run afterwards, so the
 * last change (e.g. the leader's znode going away) is never dropped.
 * `task` must not reject; a rejection is passed to `onError` and counts as done.
 */
export function createThrottle(
  task: () => Promise<void>,
  minIntervalMs: number,
  onError: (err: unknown) => void,
): Throttle {
  let lastStart = -Infinity;
  let running = false;
  let pending = false;
  let cancelled = false;
  let timer: NodeJS.Timeout | undefined;

  const schedule = (): void => {
    if (cancelled || running || timer !== undefined) return;
    const delay = Math.max(0, lastStart + minIntervalMs - Date.now());
    timer = setTimeout(start, delay);
  };

  const start = (): void => {
    timer = undefined;
    if (cancelled) return;
    running = true;
    pending = false;
    lastStart = Date.now();
    task()
      .catch(onError)
      .finally(() => {
        running = false;
        if (pending) schedule();
      });
  };

  return {
    request() {
      if (cancelled) return;
      if (running) pending = true;
      else schedule();
    },
    cancel() {
      cancelled = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}
