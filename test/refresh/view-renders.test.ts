import { describe, expect, it } from 'vitest';
import type { ChunkSource } from '../../src/records/views.js';
import { SLOT_BYTES, ViewRenders } from '../../src/refresh/view-renders.js';

/**
 * A body of `texts`, one chunk each, written into buffers from the source
 * (`own:` texts into a buffer of their own, as a chunk that outgrew its slot);
 * each chunk logged as it is rendered, and the body's end too.
 */
function chunksOf(texts: string[], log: string[]): (source: ChunkSource) => Iterator<Uint8Array> {
  return function* (source) {
    for (const t of texts) {
      log.push(`render ${t}`);
      const from = source(t.length);
      const b = t.startsWith('own:') ? Buffer.alloc(t.length) : from;
      b.write(t);
      yield b.subarray(0, t.length);
    }
    log.push('end');
  };
}

function setUp() {
  const log: string[] = [];
  const renders = new ViewRenders((msg, transfer) => {
    if (msg.type === 'no-view') {
      log.push(`no-view ${msg.id}`);
      return;
    }
    const text = Buffer.from(msg.data, msg.offset, msg.length).toString();
    if (msg.slot === null) {
      expect(transfer).toEqual(msg.done ? [] : [msg.data]);
    } else {
      // In a slot of the render's shared buffer: nothing moves.
      expect(msg.data).toBeInstanceOf(SharedArrayBuffer);
      expect(msg.offset).toBe(msg.slot * SLOT_BYTES);
      expect(transfer).toEqual([]);
    }
    log.push(`post ${msg.id}:${text}${msg.slot === null ? '' : `@${msg.slot}`}${msg.done ? ' done' : ''}`);
  });
  return { renders, log };
}

describe('ViewRenders', () => {
  it('posts each chunk before rendering the next into the slot the main thread freed, and the end as an empty chunk', () => {
    const { renders, log } = setUp();
    renders.start(1, chunksOf(['a', 'b', 'c'], log), 4);
    expect(log.splice(0)).toEqual(['render a', 'post 1:a@0', 'render b']);
    renders.send(1, 0);
    expect(log.splice(0)).toEqual(['post 1:b@1', 'render c']);
    renders.send(1, 1);
    expect(log.splice(0)).toEqual(['post 1:c@0', 'end']);
    renders.send(1, 0);
    expect(log.splice(0)).toEqual(['post 1: done']);
    renders.send(1, null);
    expect(log).toEqual(['no-view 1']);
  });

  it('never renders into a slot the main thread has not freed: the chunk gets a buffer of its own, moved', () => {
    const { renders, log } = setUp();
    renders.start(2, chunksOf(['a', 'b', 'c', 'd', 'e'], log), 4);
    renders.send(2, null);
    expect(log.splice(0)).toEqual(['render a', 'post 2:a@0', 'render b', 'post 2:b@1', 'render c']);
    renders.send(2, null);
    renders.send(2, 1);
    renders.send(2, null);
    expect(log.splice(0)).toEqual(['post 2:c', 'render d', 'post 2:d', 'render e', 'post 2:e@1', 'end']);
  });

  it('frees the slot of a chunk that outgrew it, and gives a chunk larger than a slot a buffer of its own', () => {
    const { renders, log } = setUp();
    const big = 'x'.repeat(SLOT_BYTES + 1);
    renders.start(3, chunksOf(['a', 'own:b', 'c', big, 'e'], log), 4);
    renders.send(3, null);
    renders.send(3, null);
    renders.send(3, 0);
    renders.send(3, null);
    expect(log.map((l) => (l.length > 40 ? `${l.slice(0, 12)}…` : l))).toEqual([
      'render a',
      'post 3:a@0',
      'render own:b',
      'post 3:own:b',
      'render c',
      'post 3:c@1',
      `render ${big.slice(0, 5)}…`,
      `post 3:${big.slice(0, 5)}…`,
      'render e',
      'post 3:e@0',
      'end',
    ]);
  });

  it('ends an empty body at once', () => {
    const { renders, log } = setUp();
    renders.start(4, chunksOf([], log), 4);
    expect(log).toEqual(['end', 'post 4: done']);
  });

  it('renders nothing more for a cancelled body, and refuses a request for more', () => {
    const { renders, log } = setUp();
    renders.start(5, chunksOf(['a', 'b', 'c'], log), 4);
    renders.cancel(5);
    renders.send(5, 0);
    expect(log).toEqual(['render a', 'post 5:a@0', 'render b', 'no-view 5']);
  });

  it('drops the renders of generations two behind the current one, with a refusal each, and again when asked', () => {
    const { renders, log } = setUp();
    renders.start(6, chunksOf(['a', 'b'], log), 5);
    renders.start(7, chunksOf(['x', 'y'], log), 6);
    log.length = 0;
    renders.dropOlderThan(7);
    expect(log.splice(0)).toEqual(['no-view 6']);
    // The first refusal reached a main thread busy writing out the last chunk, which asks for more regardless.
    renders.send(6, 0);
    renders.send(7, 0);
    expect(log).toEqual(['no-view 6', 'post 7:y@1', 'end']);
  });
});
