import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { hasCode } from '../../src/errors.js';
import { ViewRequests, type RenderReply } from '../../src/refresh/view-requests.js';

/**
 * A real worker thread that renders every view as the chunks `a`, `b`, `c` of
 * generation 7, each into a slot of a buffer shared with the main thread, the
 * first slot freed taken first: `b` and `c` overwrite `a`. It refuses a render
 * it does not have (`forget` makes it lose one), and reports each message it
 * got back to the test.
 */
const RENDERER = `
const { parentPort } = require('node:worker_threads');
const renders = new Map();
parentPort.on('message', (msg) => {
  parentPort.postMessage({ seen: msg.type === 'more' ? 'more ' + msg.free : msg.type });
  if (msg.type === 'render') renders.set(msg.id, { left: ['a', 'b', 'c'], slots: new SharedArrayBuffer(16), free: [1, 0] });
  if (msg.type === 'cancel' || msg.type === 'forget') { renders.delete(msg.id); return; }
  const r = renders.get(msg.id);
  if (r === undefined) { parentPort.postMessage({ type: 'no-view', id: msg.id }); return; }
  if (msg.type === 'more' && msg.free !== null) r.free.push(msg.free);
  const slot = r.free.pop();
  const text = r.left.shift();
  new Uint8Array(r.slots, slot * 8, 8).set(new TextEncoder().encode(text));
  const done = r.left.length === 0;
  if (done) renders.delete(msg.id);
  parentPort.postMessage({ type: 'chunk', id: msg.id, generation: 7, data: r.slots, offset: slot * 8, length: text.length, slot, done });
});
`;

const workers: Worker[] = [];
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.terminate()));
});

function setUp() {
  const worker = new Worker(RENDERER, { eval: true });
  workers.push(worker);
  const serving = { viewRenders: { axfr: 0, enumerate: 0 } };
  let current: Worker | null = worker;
  const views = new ViewRequests(serving, () => current);
  const seen: string[] = [];
  worker.on('message', (msg: RenderReply | { seen: string }) => {
    if ('seen' in msg) seen.push(msg.seen);
    else views.reply(msg);
  });
  return { views, serving, seen, worker, gone: () => (current = null), back: () => (current = worker) };
}

async function read(body: AsyncGenerator<Buffer>): Promise<string> {
  let text = '';
  for await (const chunk of body) text += chunk.toString('utf8');
  return text;
}

describe('ViewRequests', () => {
  it('refuses a view before any records (generation 0)', async () => {
    const { views } = setUp();
    await expect(read(views.body(0, 'axfr'))).rejects.toSatisfy((e: unknown) => hasCode(e, 'MESOS_DNS_NOT_LOADED'));
  });

  it('asks for each chunk once the last is taken, freeing its slot, and keeps a small body for its generation', async () => {
    const { views, serving, seen } = setUp();
    expect(await read(views.body(7, 'axfr'))).toBe('abc');
    expect(seen).toEqual(['render', 'more 0', 'more 0']);
    // Kept, though its slot was rendered over twice: the kept body is a copy.
    expect(await read(views.body(7, 'axfr'))).toBe('abc');
    expect(serving.viewRenders.axfr).toBe(1);
    // Another generation renders again.
    expect(await read(views.body(8, 'axfr'))).toBe('abc');
    expect(serving.viewRenders.axfr).toBe(2);
  });

  it('fails a render the worker no longer has when it asks for more (dropped while the last chunk was written out)', async () => {
    const { views, worker } = setUp();
    const body = views.body(7, 'enumerate');
    expect((await body.next()).value?.toString()).toBe('a');
    worker.postMessage({ type: 'forget', id: 1 });
    await expect(body.next()).rejects.toSatisfy((e: unknown) => hasCode(e, 'MESOS_DNS_VIEW_DROPPED'));
  });

  it('cancels a render its reader left', async () => {
    const { views, seen } = setUp();
    const body = views.body(7, 'enumerate');
    expect((await body.next()).value?.toString()).toBe('a');
    await body.return(undefined);
    await expect.poll(() => seen).toEqual(['render', 'cancel']);
  });

  it('fails a render whose worker is gone, and keeps no body past it', async () => {
    const { views, serving, gone, back } = setUp();
    expect(await read(views.body(7, 'axfr'))).toBe('abc');
    const cut = views.body(7, 'enumerate');
    await cut.next();
    const next = cut.next();
    gone();
    views.workerGone();
    await expect(next).rejects.toSatisfy((e: unknown) => hasCode(e, 'MESOS_DNS_VIEW_DROPPED'));
    await expect(read(views.body(7, 'axfr'))).rejects.toSatisfy((e: unknown) => hasCode(e, 'MESOS_DNS_NOT_LOADED'));
    // A new worker numbers its generations again: its 7 is not the body kept from the old one's.
    back();
    expect(await read(views.body(7, 'axfr'))).toBe('abc');
    expect(serving.viewRenders.axfr).toBe(2);
  });
});
