import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Batcher } from '../../src/refresh/batch.js';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance'] });
});
afterEach(() => {
  vi.useRealTimers();
});

/** A batcher whose runs take until the test ends them; it records each batch and how many ran at once. */
function recording(windowMs = 10, restMs = 0) {
  const batches: number[][] = [];
  const finishers: Array<() => void> = [];
  let running = 0;
  let mostAtOnce = 0;
  const batcher = new Batcher<number>(
    windowMs,
    async (batch) => {
      batches.push(batch);
      running++;
      mostAtOnce = Math.max(mostAtOnce, running);
      await new Promise<void>((resolve) => finishers.push(resolve));
      running--;
    },
    restMs,
  );
  const finish = async () => {
    finishers.shift()?.();
    await vi.advanceTimersByTimeAsync(0);
  };
  return { batcher, batches, finish, mostAtOnce: () => mostAtOnce };
}

describe('Batcher', () => {
  it('runs the items of one burst together, after the window', async () => {
    const { batcher, batches } = recording();
    batcher.add(1);
    await vi.advanceTimersByTimeAsync(5);
    batcher.add(2);
    batcher.add(3);
    expect(batches).toEqual([]);
    await vi.advanceTimersByTimeAsync(5);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('folds items arriving during a run into the next one, never running two at once', async () => {
    const { batcher, batches, finish, mostAtOnce } = recording();
    batcher.add(1);
    await vi.advanceTimersByTimeAsync(10);
    batcher.add(2);
    await vi.advanceTimersByTimeAsync(50);
    batcher.add(3);
    await vi.advanceTimersByTimeAsync(50);
    expect(batches).toEqual([[1]]);
    await finish();
    await vi.advanceTimersByTimeAsync(10);
    expect(batches).toEqual([[1], [2, 3]]);
    await finish();
    await batcher.whenIdle();
    expect(mostAtOnce()).toBe(1);
  });

  it('forgets pending items on clear; a run in progress finishes', async () => {
    const { batcher, batches, finish } = recording();
    batcher.add(1);
    await vi.advanceTimersByTimeAsync(10);
    batcher.add(2);
    batcher.clear();
    await finish();
    await vi.advanceTimersByTimeAsync(100);
    expect(batches).toEqual([[1]]);
    await batcher.whenIdle();
  });

  it('rests between runs: the next starts no sooner than the rest after the last ended, however soon its items came', async () => {
    const { batcher, batches, finish } = recording(10, 200);
    batcher.add(1);
    await vi.advanceTimersByTimeAsync(10);
    expect(batches).toEqual([[1]]);
    await vi.advanceTimersByTimeAsync(30);
    batcher.add(2);
    await finish();
    batcher.add(3);
    await vi.advanceTimersByTimeAsync(199);
    expect(batches).toEqual([[1]]);
    await vi.advanceTimersByTimeAsync(1);
    expect(batches).toEqual([[1], [2, 3]]);
    await finish();
    // After a quiet spell longer than the rest, an item waits the window only.
    await vi.advanceTimersByTimeAsync(500);
    batcher.add(4);
    await vi.advanceTimersByTimeAsync(10);
    expect(batches).toEqual([[1], [2, 3], [4]]);
    await finish();
    await batcher.whenIdle();
  });
});
