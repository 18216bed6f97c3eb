import { existsSync } from 'node:fs';
import { getPriority } from 'node:os';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { threadNices } from '../helpers/threads.js';

const MODULE = new URL('../../dist/src/refresh/thread-priority.js', import.meta.url).href;
const linux = existsSync('/proc/thread-self');

/** Runs `lowerThreadPriority(by)` twice in a new thread: what each call returned, and that thread's id. */
async function inThread(by: number): Promise<{ first: number | null; second: number | null; tid: number }> {
  const code = `
    import { parentPort } from 'node:worker_threads';
    import { readlinkSync } from 'node:fs';
    const { lowerThreadPriority } = await import(${JSON.stringify(MODULE)});
    const first = lowerThreadPriority(${by});
    const second = lowerThreadPriority(${by});
    parentPort.postMessage({ first, second, tid: Number(readlinkSync('/proc/thread-self').split('/').pop()) });
    await new Promise((r) => parentPort.once('message', r));
  `;
  const w = new Worker(new URL(`data:text/javascript,${encodeURIComponent(code)}`));
  try {
    const result = await new Promise<{ first: number | null; second: number | null; tid: number }>(
      (resolve, reject) => {
        w.once('message', resolve);
        w.once('error', reject);
      },
    );
    // Still running: its nice value can be read from outside.
    expect(threadNices().get(result.tid)).toBe(result.second);
    w.postMessage('done');
    return result;
  } finally {
    await w.terminate();
  }
}

describe.runIf(linux)('lowerThreadPriority', () => {
  it('raises the nice value of the calling thread only, up to 19', async () => {
    const main = getPriority(process.pid);
    const { first, second } = await inThread(4);
    expect(first).toBe(Math.min(19, main + 4));
    expect(second).toBe(Math.min(19, main + 8));
    expect(getPriority(process.pid)).toBe(main);
    expect((await inThread(15)).second).toBe(19);
  });
});
