import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { hasCode } from '../../src/errors.js';
import { ViewRequests, type RenderReply } from '../../src/refresh/view-requests.js';

/**
 * A real worker thread that renders every view as the chunks `a`, `b`, `c`
 * of generation 7, and reports each message it got back to the test.
 */
const RENDERER = `
const { parentPort } = require('node:worker_threads');
const left = new Map();
parentPort.on('message', (msg) => {
  parentPort.postMessage({ seen: msg });
  if (msg.type === 'render') left.set(msg.id, ['a', 'b', 'c']);
  if (msg.type === 'cancel') { left.delete(msg.id); return; }
  const chunks = left.get(msg.id);
  const data = new TextEncoder().encode(chunks.shift()).buffer;
  parentPort.postMessage({ type: 'chunk', id: msg.id, generation: 7, data, done: chunks.length === 0 }, [data]);
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
  worker.on('message', (msg: RenderReply | { seen: { type: string } }) => {
    if ('seen' in msg) seen.push(msg.seen.type);
    else views.reply(msg);
  });
  return { views, serving, seen, gone: () => (current = null), back: () => (current = worker) };
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

  it('asks for each chunk once the last is taken, and keeps a small body for its generation', async () => {
    const { views, serving, seen } = setUp();
    expect(await read(views.body(7, 'axfr'))).toBe('abc');
    expect(seen).toEqual(['render', 'more', 'more']);
    expect(await read(views.body(7, 'axfr'))).toBe('abc');
    expect(serving.viewRenders.axfr).toBe(1);
    // Another generation renders again.
    expect(await read(views.body(8, 'axfr'))).toBe('abc');
    expect(serving.viewRenders.axfr).toBe(2);
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
