import { describe, expect, it } from 'vitest';
import { ViewRenders } from '../../src/refresh/view-renders.js';

/** Chunks `texts`, each logged as it is rendered, and the body's end too. */
function* chunksOf(texts: string[], log: string[]): Generator<Uint8Array> {
  for (const t of texts) {
    log.push(`render ${t}`);
    yield new TextEncoder().encode(t);
  }
  log.push('end');
}

function setUp() {
  const log: string[] = [];
  const renders = new ViewRenders((msg, transfer) => {
    if (msg.type === 'no-view') {
      log.push(`no-view ${msg.id}`);
      return;
    }
    expect(transfer).toEqual([msg.data]);
    log.push(`post ${msg.id}:${new TextDecoder().decode(msg.data)}${msg.done ? ' done' : ''}`);
  });
  return { renders, log };
}

describe('ViewRenders', () => {
  it('posts each chunk before rendering the next, and the end as an empty last chunk', () => {
    const { renders, log } = setUp();
    renders.start(1, chunksOf(['a', 'b', 'c'], log), 4);
    expect(log.splice(0)).toEqual(['render a', 'post 1:a', 'render b']);
    renders.send(1);
    expect(log.splice(0)).toEqual(['post 1:b', 'render c']);
    renders.send(1);
    expect(log.splice(0)).toEqual(['post 1:c', 'end']);
    renders.send(1);
    expect(log.splice(0)).toEqual(['post 1: done']);
    renders.send(1);
    expect(log).toEqual([]);
  });

  it('ends an empty body at once', () => {
    const { renders, log } = setUp();
    renders.start(2, chunksOf([], log), 4);
    expect(log).toEqual(['end', 'post 2: done']);
  });

  it('renders nothing more for a cancelled body', () => {
    const { renders, log } = setUp();
    renders.start(3, chunksOf(['a', 'b', 'c'], log), 4);
    renders.cancel(3);
    renders.send(3);
    expect(log).toEqual(['render a', 'post 3:a', 'render b']);
  });

  it('drops the renders of generations two behind the current one, with a refusal each', () => {
    const { renders, log } = setUp();
    renders.start(4, chunksOf(['a', 'b'], log), 5);
    renders.start(5, chunksOf(['x', 'y'], log), 6);
    log.length = 0;
    renders.dropOlderThan(7);
    expect(log.splice(0)).toEqual(['no-view 4']);
    renders.send(4);
    renders.send(5);
    expect(log).toEqual(['post 5:y', 'end']);
  });
});
