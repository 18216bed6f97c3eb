import { describe, expect, it } from 'vitest';
import { BuildQueue } from '../../src/refresh/build-queue.js';

describe('BuildQueue', () => {
  it('runs builds one at a time in the order asked, numbered as they start, past a failed one', async () => {
    const q = new BuildQueue<string>();
    const log: string[] = [];
    let release!: () => void;
    const first = q.run(async (seq) => {
      log.push(`start ${seq}`);
      await new Promise<void>((r) => (release = r));
      log.push(`end ${seq}`);
      return 'a';
    });
    const failing = q.run(async (seq) => {
      log.push(`start ${seq}`);
      throw new Error('b failed');
    });
    const third = q.run(async (seq) => {
      log.push(`start ${seq}`);
      return 'c';
    });
    await new Promise((r) => setImmediate(r));
    expect(log).toEqual(['start 1']);
    expect(q.idle).toBe(false);
    release();
    expect(await first).toBe('a');
    await expect(failing).rejects.toThrow('b failed');
    expect(await third).toBe('c');
    expect(log).toEqual(['start 1', 'end 1', 'start 2', 'start 3']);
    await new Promise((r) => setImmediate(r));
    expect(q.idle).toBe(true);
  });

  it('is idle before any build', () => {
    expect(new BuildQueue<void>().idle).toBe(true);
  });
});
