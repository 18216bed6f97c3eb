/**
 * The HTTP views' renders on the refresh worker's side: the chunks of each
 * body in progress, sent one per request of the main thread
 * (view-requests.ts is the other side).
 */
import type { FromWorker } from './messages.js';

type RenderMessage = Extract<FromWorker, { type: 'chunk' | 'no-view' }>;

interface Render {
  chunks: Iterator<Uint8Array>;
  /** the next chunk, rendered while the main thread writes out the last; null once the body has ended */
  ahead: Uint8Array | null;
  /** the generation of records it started with, whatever refreshes come meanwhile */
  generation: number;
}

export class ViewRenders {
  private readonly renders = new Map<number, Render>();

  /** `post`: to the main thread, with the buffers to transfer */
  constructor(private readonly post: (msg: RenderMessage, transfer: ArrayBuffer[]) => void) {}

  /** A render of `chunks` from records of `generation`; its first chunk goes out at once. */
  start(id: number, chunks: Iterator<Uint8Array>, generation: number): void {
    const first = chunks.next();
    this.renders.set(id, { chunks, ahead: first.done === true ? null : first.value, generation });
    this.send(id);
  }

  /**
   * Posts the chunk rendered ahead, then renders the next: the main thread
   * writes one chunk out while this thread renders the next, instead of the
   * two waiting for each other. Whether a chunk is the last is known only once
   * the next is asked for, so the end goes out as an empty chunk of its own.
   */
  send(id: number): void {
    const render = this.renders.get(id);
    if (render === undefined) return;
    const done = render.ahead === null;
    // Each chunk has a buffer of its own, exactly its size: it can be transferred.
    const data = (render.ahead ?? new Uint8Array(0)).buffer as ArrayBuffer;
    if (done) this.renders.delete(id);
    this.post({ type: 'chunk', id, generation: render.generation, data, done }, [data]);
    if (done) return;
    const next = render.chunks.next();
    render.ahead = next.done === true ? null : next.value;
  }

  /** The reader went away. */
  cancel(id: number): void {
    this.renders.delete(id);
  }

  /**
   * A render keeps its generation's records alive. One still going when two
   * newer generations exist belongs to a client reading slower than the
   * cluster changes: it is dropped (the client sees its reply cut short), so
   * at most two generations besides the one being built are ever held.
   */
  dropOlderThan(current: number): void {
    for (const [id, render] of this.renders) {
      if (render.generation >= current - 1) continue;
      this.renders.delete(id);
      this.post({ type: 'no-view', id }, []);
    }
  }
}
