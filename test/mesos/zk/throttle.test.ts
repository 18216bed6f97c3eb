import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createThrottle } from '../../../src/mesos/zk/throttle.js';

describe('createThrottle', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function recorder() {
    const starts: number[] = [];
    let release: () => void = () => undefined;
    const task = vi.fn(
      () =>
        new Promise<void>((resolve) => {
          starts.push(Date.now());
          release = resolve;
        }),
    );
    return { starts, task, finish: () => release() };
  }

  it('runs a first request at once', async () => {
    const r = recorder();
    const t = createThrottle(r.task, 1000, () => undefined);
    t.request();
    await vi.advanceTimersByTimeAsync(0);
    expect(r.task).toHaveBeenCalledTimes(1);
  });

  it('folds requests made during a run into exactly one later run, at least the interval apart', async () => {
    const r = recorder();
    const t = createThrottle(r.task, 1000, () => undefined);
    t.request();
    await vi.advanceTimersByTimeAsync(0);
    t.request();
    t.request();
    t.request();
    await vi.advanceTimersByTimeAsync(100);
    r.finish();
    await vi.advanceTimersByTimeAsync(899);
    expect(r.task).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(r.task).toHaveBeenCalledTimes(2);
    expect(r.starts[1]! - r.starts[0]!).toBe(1000);
    r.finish();
    await vi.advanceTimersByTimeAsync(5000);
    expect(r.task).toHaveBeenCalledTimes(2);
  });

  it('never drops a request that arrives while waiting for the interval', async () => {
    const r = recorder();
    const t = createThrottle(r.task, 1000, () => undefined);
    t.request();
    await vi.advanceTimersByTimeAsync(0);
    r.finish();
    await vi.advanceTimersByTimeAsync(10);
    t.request();
    await vi.advanceTimersByTimeAsync(500);
    t.request();
    await vi.advanceTimersByTimeAsync(490);
    expect(r.task).toHaveBeenCalledTimes(2);
  });

  it('reports a failing task and keeps working', async () => {
    const errors: unknown[] = [];
    const task = vi.fn().mockRejectedValueOnce(new Error('boom')).mockResolvedValue(undefined);
    const t = createThrottle(task, 1000, (err) => errors.push(err));
    t.request();
    await vi.advanceTimersByTimeAsync(0);
    t.request();
    await vi.advanceTimersByTimeAsync(1000);
    expect(errors).toHaveLength(1);
    expect(task).toHaveBeenCalledTimes(2);
  });

  it('runs nothing after cancel', async () => {
    const r = recorder();
    const t = createThrottle(r.task, 1000, () => undefined);
    t.request();
    await vi.advanceTimersByTimeAsync(0);
    t.request();
    t.cancel();
    r.finish();
    await vi.advanceTimersByTimeAsync(5000);
    t.request();
    await vi.advanceTimersByTimeAsync(5000);
    expect(r.task).toHaveBeenCalledTimes(1);
  });
});
