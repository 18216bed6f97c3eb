/**
 * The refresh worker's results on the main thread: each swapped into the
 * serving state, in build order, with its outcome recorded and logged; a
 * table's HTTP-only names when they follow it; and the tables no longer
 * served handed back to be freed. The worker's lifecycle and the refresh
 * schedule are the Refresher's (refresher.ts).
 */
import type { Logger } from 'pino';
import type { ServingState, Snapshot } from '../serving.js';
import { servedOf, withHttpNames } from './live-table.js';
import { refreshFailure, type FromWorker } from './messages.js';
import type { PipelineResult } from './results.js';

export interface SwapsOptions {
  serving: ServingState;
  log: Logger;
  /** called with each snapshot swapped in */
  onSwap?: (snapshot: Snapshot) => void;
  /** the buffers of tables no longer served, for the worker that made them */
  release: (buffers: ArrayBuffer[]) => void;
}

export class Swaps {
  /** the build number of the last result applied: an older one arriving later is never swapped in */
  private appliedSeq = 0;
  /** the generation of records the worker renders views from, as of the last result applied */
  generation = 0;

  constructor(private readonly opts: SwapsOptions) {}

  /** A new worker numbers its builds and generations from the start again. */
  workerReplaced(): void {
    this.appliedSeq = 0;
    this.generation = 0;
  }

  /** A build's result, polled or pushed; an overlay over a table not served (never expected) leaves the current table. */
  result(r: PipelineResult, durationMs: number): void {
    try {
      this.apply(r, durationMs);
    } catch (err) {
      const stream = r.source === 'stream';
      this.opts.serving.recordOutcome({ at: Date.now(), ok: false, stream, error: refreshFailure(err), durationMs });
      this.opts.log.error({ err, source: r.source }, 'a build could not be swapped in; keeping the current table');
    }
  }

  /** The HTTP-only names of a table the worker sent: served beside it, unless another table is served by now. */
  httpNames(msg: Extract<FromWorker, { type: 'http-names' }>): void {
    const { serving, log } = this.opts;
    const current = serving.current;
    const served = current === null ? null : withHttpNames(current, msg.serial, msg.httpNames);
    if (current === null || served === null) {
      log.debug(
        { serial: msg.serial, served: current?.serial ?? null },
        'HTTP-only names of a table not served; dropped',
      );
      return;
    }
    serving.swap({ ...current, ...served });
    log.debug({ serial: msg.serial, names: msg.httpNames.size }, 'HTTP-only names served');
    if (msg.httpNames.leftOut > 0) {
      log.warn(
        { leftOut: msg.httpNames.leftOut, kept: msg.httpNames.size },
        'too many names only HTTP can answer; /v1/hosts and /v1/services answer the rest from the DNS table',
      );
    }
  }

  /** Swapped in unless a later build's result already is. */
  private apply(r: PipelineResult, durationMs: number): void {
    const { serving, log } = this.opts;
    if (r.seq <= this.appliedSeq) {
      log.debug(
        { seq: r.seq, applied: this.appliedSeq, source: r.source },
        'ignored a result older than the table served',
      );
      return;
    }
    this.appliedSeq = r.seq;
    this.generation = r.generation;
    if (r.kind === 'unchanged') {
      // The served table is still current: that is a successful refresh, without a swap.
      serving.recordOutcome({ at: Date.now(), ok: true, stream: r.source === 'stream', durationMs });
      log.debug(
        {
          serial: r.serial,
          master: r.master,
          source: r.source,
          unchanged: r.reason,
          ...r.timings,
          stateBytes: r.stateBytes,
        },
        'refresh done',
      );
      return;
    }
    const previous = serving.current;
    const snapshot: Snapshot = {
      ...servedOf(r, previous),
      serial: r.serial,
      leader: r.leader,
      master: r.master,
      loadedAt: Date.now(),
      buildMs: r.timings.totalMs,
      counts: r.counts,
    };
    serving.swap(snapshot);
    if (r.kind === 'table' && r.compaction) serving.overlayCompactions++;
    serving.recordOutcome({ at: snapshot.loadedAt, ok: true, stream: r.source === 'stream', durationMs });
    if (previous?.leader !== snapshot.leader)
      log.info({ leader: snapshot.leader, master: snapshot.master }, 'leader changed');
    log.debug(
      {
        serial: r.serial,
        master: r.master,
        source: r.source,
        ...r.counts,
        ...r.timings,
        ...(r.kind === 'table'
          ? { skippedItems: r.skippedItems, stateBytes: r.stateBytes }
          : { overlayNames: r.overlayNames }),
      },
      'refresh done',
    );
    this.opts.onSwap?.(snapshot);
    if (previous !== null) this.release(previous, snapshot);
  }

  /**
   * Hands the buffers of the tables no longer served (a replaced base, a replaced overlay) back to the worker. This
   * thread allocates so little that V8 would free them only once 64 MiB of them had piled up; transferred, they
   * leave this thread at once and die at the worker's next collection, early in its next build. Every reader of a
   * table here is synchronous and starts from `serving.current`, so none meets a detached one.
   */
  private release(previous: Snapshot, next: Snapshot): void {
    const served = new Set([next.table.base.buffer, next.table.overlay?.buffer, next.table.hidden?.buffer]);
    const old = [previous.table.base.buffer, previous.table.overlay?.buffer, previous.table.hidden?.buffer].filter(
      (b): b is ArrayBuffer => b !== undefined && !served.has(b),
    );
    if (old.length > 0) this.opts.release(old);
  }
}
