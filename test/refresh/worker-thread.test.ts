import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultConfig } from '../../src/config/defaults.js';
import { EarlyWorker, spawnRefreshWorker } from '../../src/refresh/worker-thread.js';

const ECHO = new URL('./init-echo-worker.mjs', import.meta.url);
const MISSING = new URL('./no-such-worker.mjs', import.meta.url);
const DEFAULT_HEAP = defaultConfig().refreshHeapMiB;

const started: Worker[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(started.splice(0).map((w) => w.terminate()));
});

async function firstReply(w: Worker): Promise<{ type: string; heapMiB: number }> {
  const [msg] = (await once(w, 'message')) as [{ type: string; heapMiB: number }];
  return msg;
}

describe('spawnRefreshWorker', () => {
  it('starts the thread with the heap bound asked for', async () => {
    const w = spawnRefreshWorker(64, ECHO);
    started.push(w);
    w.postMessage({ type: 'init' });
    expect(await firstReply(w)).toEqual({ type: 'init', heapMiB: 64 });
  });
});

describe('EarlyWorker', () => {
  it('is adopted once when the config keeps the default heap bound, and gets its messages in order', async () => {
    const early = new EarlyWorker(ECHO);
    const w = early.adopt(DEFAULT_HEAP);
    expect(w).not.toBeNull();
    started.push(w!);
    expect(early.adopt(DEFAULT_HEAP)).toBeNull();
    // Posted before the thread has loaded anything: none is lost, the first stays first.
    w!.postMessage({ type: 'init' });
    w!.postMessage({ type: 'refresh' });
    const replies: string[] = [];
    w!.on('message', (msg: { type: string; heapMiB: number }) => {
      replies.push(msg.type);
      expect(msg.heapMiB).toBe(DEFAULT_HEAP);
    });
    await vi.waitFor(() => expect(replies).toEqual(['init', 'refresh']));
    // Discarding an adopted worker leaves it alone.
    const terminate = vi.spyOn(Worker.prototype, 'terminate');
    early.discard();
    expect(terminate).not.toHaveBeenCalled();
  });

  it('is ended, not adopted, when the config asks for another heap bound', async () => {
    const terminate = vi.spyOn(Worker.prototype, 'terminate');
    const early = new EarlyWorker(ECHO);
    expect(early.adopt(DEFAULT_HEAP + 1)).toBeNull();
    expect(terminate).toHaveBeenCalledTimes(1);
    const [ended] = terminate.mock.instances as unknown as Worker[];
    await vi.waitFor(() => expect(ended!.threadId).toBe(-1));
  });

  it('is ended by discard when never adopted (the process stops before its first refresh)', async () => {
    const terminate = vi.spyOn(Worker.prototype, 'terminate');
    const early = new EarlyWorker(ECHO);
    early.discard();
    early.discard();
    expect(terminate).toHaveBeenCalledTimes(1);
    expect(early.adopt(DEFAULT_HEAP)).toBeNull();
  });

  it('is not adopted once it has failed, and its failure reaches no one else', async () => {
    const emit = vi.spyOn(Worker.prototype, 'emit');
    const errors: unknown[] = [];
    const onUncaught = (err: unknown) => errors.push(err);
    process.on('uncaughtException', onUncaught);
    try {
      const early = new EarlyWorker(MISSING);
      // The events of that worker only: one ended by an earlier test may still be exiting.
      const thread = emit.mock.contexts[0];
      const events = () => emit.mock.calls.filter((_, i) => emit.mock.contexts[i] === thread).map(([event]) => event);
      await vi.waitFor(() => expect(events()).toContain('exit'));
      expect(events()).toContain('error');
      expect(early.adopt(DEFAULT_HEAP)).toBeNull();
    } finally {
      process.off('uncaughtException', onUncaught);
    }
    expect(errors).toEqual([]);
  });
});
