/**
 * The HTTP views' renders on the refresh worker's side: the chunks of each
 * body in progress, sent one per request of the main thread
 * (view-requests.ts is the other side).
 */
import { VIEW_CHUNK_BUFFER_BYTES, type ChunkSource } from '../records/views.js';
import type { FromWorker } from './messages.js';

type RenderMessage = Extract<FromWorker, { type: 'chunk' | 'no-view' }>;

/** The size of one of a render's two slots. */
export const SLOT_BYTES = VIEW_CHUNK_BUFFER_BYTES;

/** A render's two slots, shared with the main thread: it writes a chunk out of one while this thread renders into the other. */
class Slots {
  readonly shared = new SharedArrayBuffer(2 * SLOT_BYTES);
  /** the slots neither thread is using */
  private readonly free = [1, 0];
  /** the slot being rendered into, until its chunk is taken */
  private lent: number | null = null;

  /** Buffers for the chunks: a free slot, or a buffer of its own when none is free or the chunk needs more. */
  readonly source: ChunkSource = (bytes) => {
    const slot = bytes <= SLOT_BYTES ? this.free.pop() : undefined;
    if (slot === undefined) return Buffer.allocUnsafeSlow(bytes);
    this.lent = slot;
    return Buffer.from(this.shared, slot * SLOT_BYTES, SLOT_BYTES);
  };

  /** The slot a chunk just taken lies in, or null; a slot lent to a chunk that outgrew it is free again. */
  taken(chunk: Uint8Array | null): number | null {
    const slot = chunk !== null && chunk.buffer === this.shared ? Math.floor(chunk.byteOffset / SLOT_BYTES) : null;
    if (this.lent !== null && this.lent !== slot) this.free.push(this.lent);
    this.lent = null;
    return slot;
  }

  /** The main thread has written out the chunk in `slot`. */
  release(slot: number): void {
    if (!this.free.includes(slot)) this.free.push(slot);
  }
}

interface Render {
  chunks: Iterator<Uint8Array>;
  /** the next chunk, rendered while the main thread writes out the last; null once the body has ended */
  ahead: Uint8Array | null;
  /** the slot `ahead` lies in; null when it has a buffer of its own */
  aheadSlot: number | null;
  /** the generation of records it started with, whatever refreshes come meanwhile */
  generation: number;
  slots: Slots;
}

export class ViewRenders {
  private readonly renders = new Map<number, Render>();

  /** `post`: to the main thread, with the buffers to transfer */
  constructor(private readonly post: (msg: RenderMessage, transfer: ArrayBuffer[]) => void) {}

  /**
   * A render of the chunks `body` makes from the buffers it is given, from
   * records of `generation`; its first chunk goes out at once.
   */
  start(id: number, body: (source: ChunkSource) => Iterator<Uint8Array>, generation: number): void {
    const slots = new Slots();
    const render: Render = { chunks: body(slots.source), ahead: null, aheadSlot: null, generation, slots };
    this.renders.set(id, render);
    this.renderAhead(render);
    this.send(id, null);
  }

  /**
   * Posts the chunk rendered ahead, then renders the next: the main thread
   * writes one chunk out while this thread renders the next, instead of the
   * two waiting for each other. Whether a chunk is the last is known only once
   * the next is asked for, so the end goes out as an empty chunk of its own.
   * `free`: the slot of the chunk the main thread has written out since. A
   * render this thread no longer has (dropped while the main thread was
   * writing its last chunk out, or cancelled) is refused again: a refusal
   * posted while nobody waited for a reply is lost.
   */
  send(id: number, free: number | null): void {
    const render = this.renders.get(id);
    if (render === undefined) {
      this.post({ type: 'no-view', id }, []);
      return;
    }
    if (free !== null) render.slots.release(free);
    const chunk = render.ahead;
    const { generation } = render;
    if (chunk === null) {
      this.renders.delete(id);
      this.post(
        { type: 'chunk', id, generation, data: new ArrayBuffer(0), offset: 0, length: 0, slot: null, done: true },
        [],
      );
      return;
    }
    const slot = render.aheadSlot;
    const data = slot !== null ? render.slots.shared : (chunk.buffer as ArrayBuffer);
    const msg: RenderMessage = {
      type: 'chunk',
      id,
      generation,
      data,
      offset: chunk.byteOffset,
      length: chunk.length,
      slot,
      done: false,
    };
    // A chunk in a slot is shared, not moved; one that outgrew its slot has a buffer of its own, moved.
    this.post(msg, slot !== null ? [] : [data as ArrayBuffer]);
    this.renderAhead(render);
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

  private renderAhead(render: Render): void {
    const next = render.chunks.next();
    render.ahead = next.done === true ? null : next.value;
    render.aheadSlot = render.slots.taken(render.ahead);
  }
}
