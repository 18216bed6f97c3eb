import { execFileSync } from 'node:child_process';
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

/**
 * In a process of its own (lowering the test runner's threads would slow every other test): the nice value of each
 * thread before and after `lowerOtherThreadsPriority(by)` from the main thread, and of a thread started after it.
 */
function lowerOthersInChild(by: number): {
  self: number;
  lowered: number;
  before: Record<string, number>;
  after: Record<string, number>;
  laterTid: number;
} {
  const code = `
    import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
    import { Worker } from 'node:worker_threads';
    const { lowerOtherThreadsPriority } = await import(${JSON.stringify(MODULE)});
    const nices = () => Object.fromEntries(readdirSync('/proc/self/task').map((t) => {
      const stat = readFileSync('/proc/self/task/' + t + '/stat', 'utf8');
      return [t, Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16])];
    }));
    const self = Number(readlinkSync('/proc/thread-self').split('/').pop());
    const before = nices();
    const lowered = lowerOtherThreadsPriority(${by});
    const mid = nices();
    const later = 'import { parentPort } from "node:worker_threads"; import { readlinkSync } from "node:fs";' +
      'parentPort.postMessage(Number(readlinkSync("/proc/thread-self").split("/").pop())); parentPort.once("message", () => {});';
    const w = new Worker(new URL('data:text/javascript,' + encodeURIComponent(later)));
    const laterTid = await new Promise((r) => w.once('message', r));
    const after = { ...nices(), ...mid };
    after[laterTid] = nices()[laterTid];
    await w.terminate();
    process.stdout.write(JSON.stringify({ self, lowered, before, after, laterTid }));
  `;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' })) as {
    self: number;
    lowered: number;
    before: Record<string, number>;
    after: Record<string, number>;
    laterTid: number;
  };
}

describe.runIf(linux)('lowerOtherThreadsPriority', () => {
  it("lowers every thread the process already has but the caller's; one started later keeps the caller's", () => {
    const { self, lowered, before, after, laterTid } = lowerOthersInChild(10);
    const others = Object.keys(before).filter((t) => Number(t) !== self);
    // Node starts V8's platform threads before any script runs.
    expect(others.length).toBeGreaterThan(0);
    expect(lowered).toBe(others.length);
    for (const t of others) expect(after[t], `thread ${t}`).toBe(Math.min(19, before[t]! + 10));
    expect(after[String(self)]).toBe(before[String(self)]);
    expect(after[String(laterTid)]).toBe(before[String(self)]);
  });
});
