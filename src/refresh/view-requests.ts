/**
 * The HTTP views' bodies on the main thread: render requests to the refresh
 * worker, chunk by chunk, and the small bodies kept for the next request of
 * the same generation.
 */
import type { Worker } from 'node:worker_threads';
import { MesosDnsError } from '../errors.js';
import type { ViewName } from '../records/views.js';
import type { ServingState } from '../serving.js';
import type { FromWorker, ToWorker } from './messages.js';

/** A rendered view body up to this size is kept for the next request of the same generation. */
const VIEW_CACHE_MAX_BYTES = 4 * 1024 * 1024;

export type RenderReply = Extract<FromWorker, { type: 'chunk' | 'no-view' }>;

export class ViewRequests {
  private nextId = 1;
  /** renders in progress, by id: each waits for its next chunk (null: the worker is gone) */
  private readonly renders = new Map<number, (reply: RenderReply | null) => void>();
  /** small bodies of the current generation, so repeated requests cost nothing */
  private readonly cache = new Map<ViewName, { generation: number; body: Buffer }>();

  /** `worker`: the refresh worker now, if any */
  constructor(
    private readonly serving: Pick<ServingState, 'viewRenders'>,
    private readonly worker: () => Worker | null,
  ) {}

  /** A chunk or a refusal from the worker, for the render it names. */
  reply(msg: RenderReply): void {
    this.renders.get(msg.id)?.(msg);
  }

  /**
   * The worker ended or is replaced: renders in progress fail, and kept
   * bodies go, since generation numbers start again in a new worker and a
   * kept body could match a number it never had.
   */
  workerGone(): void {
    for (const wake of this.renders.values()) wake(null);
    this.cache.clear();
  }

  /**
   * A view's body (`/v1/axfr`, `/v1/enumerate`), rendered by the worker from
   * its latest records one chunk at a time: the next chunk is asked for only
   * when the caller takes the previous one, which it must do only once it has
   * written that one out (its bytes are then rendered over), so a slow client holds one chunk,
   * and a render never stands between the worker and a refresh for longer
   * than a chunk. Small bodies are kept for the next request of the same
   * generation. Fails with `MESOS_DNS_NOT_LOADED` when the worker has no
   * records (none loaded yet, or its worker died since): `generation` is 0.
   */
  async *body(generation: number, view: ViewName): AsyncGenerator<Buffer> {
    const cached = this.cache.get(view);
    if (cached !== undefined && cached.generation === generation && generation > 0) {
      yield cached.body;
      return;
    }
    const w = this.worker();
    if (w === null || generation === 0) throw notLoaded();
    this.serving.viewRenders[view]++;
    const id = this.nextId++;
    const parts: Buffer[] = [];
    let size = 0;
    let done = false;
    try {
      let ask: ToWorker = { type: 'render', id, view };
      while (!done) {
        const reply = await new Promise<RenderReply | null>((resolve) => {
          this.renders.set(id, resolve);
          w.postMessage(ask);
        });
        if (reply === null || reply.type === 'no-view') throw ask.type === 'render' ? notLoaded() : viewDropped();
        const chunk = Buffer.from(reply.data, reply.offset, reply.length);
        done = reply.done;
        size += chunk.length;
        // A chunk in a slot is rendered over once written out: kept, it is copied.
        if (size <= VIEW_CACHE_MAX_BYTES) parts.push(reply.slot === null ? chunk : Buffer.from(chunk));
        else parts.length = 0;
        if (done && size <= VIEW_CACHE_MAX_BYTES) {
          this.cache.set(view, { generation: reply.generation, body: Buffer.concat(parts, size) });
        }
        yield chunk;
        // The caller asks for the next chunk only once this one is written out (http/server.ts): its slot is free.
        ask = { type: 'more', id, free: reply.slot };
      }
    } finally {
      this.renders.delete(id);
      if (!done && this.worker() === w) w.postMessage({ type: 'cancel', id } satisfies ToWorker);
    }
  }
}

function notLoaded(): MesosDnsError {
  return new MesosDnsError(
    'MESOS_DNS_NOT_LOADED',
    'no records to render: no refresh has finished since the worker started',
  );
}

function viewDropped(): MesosDnsError {
  return new MesosDnsError(
    'MESOS_DNS_VIEW_DROPPED',
    'the render was cut short: its worker stopped, or two newer generations of records exist',
  );
}
