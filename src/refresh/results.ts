/**
 * What the refresh pipeline hands the main thread for each build, and the
 * records it keeps for the HTTP views. Types only.
 */
import type { RecordStore } from '../records/store.js';
import type { Enumeration } from '../records/types.js';
import type { AxfrMeta } from '../records/views.js';
import type { HttpNamesPatch } from '../table/http-names.js';

/** What one refresh produced for DNS: a new table, or proof that the served one is still current. */
export type PipelineResult =
  | {
      kind: 'table';
      /** the build's place in the order builds started (see `RefreshPipeline.exclusive`) */
      seq: number;
      source: BuildSource;
      /**
       * the table's buffer, transferred to the main thread; what HTTP lookups answer beside it follows in a message
       * of its own (`http-names`), so the swap never waits for it
       */
      tableBuffer: ArrayBuffer;
      serial: number;
      leader: string;
      master: string;
      counts: Counts;
      /** which generation of records the HTTP views now render (see `Generation`) */
      generation: number;
      timings: Timings;
      skippedItems: number;
      /** size of the state as received */
      stateBytes: number;
      /** the table replaced a base that had overlays (`applyChanges` compacted them) */
      compaction: boolean;
    }
  | {
      /** an overlay over the last table this pipeline produced (see overlay.ts) */
      kind: 'overlay';
      seq: number;
      source: BuildSource;
      overlayBuffer: ArrayBuffer;
      hiddenBuffer: ArrayBuffer;
      /** how the HTTP-only names of the base differ with the overlay */
      httpNames: HttpNamesPatch;
      /** the serial of the table it goes over, to check it is the one served */
      baseSerial: number;
      serial: number;
      leader: string;
      master: string;
      counts: Counts;
      /** names with records in the overlay and names it hides */
      overlayNames: number;
      generation: number;
      timings: Timings;
    }
  | {
      kind: 'unchanged';
      seq: number;
      source: BuildSource;
      /** why no table was built: the state's bytes, or the records made from them, are as before */
      reason: 'same state' | 'same records';
      serial: number;
      leader: string;
      master: string;
      generation: number;
      timings: Timings;
      stateBytes: number;
    };

/** Where a build's state came from: a poll of `GET /master/state`, or the event stream's model. */
export type BuildSource = 'poll' | 'stream';

export interface Counts {
  a: number;
  aaaa: number;
  srv: number;
  ptr: number;
  names: number;
  tasks: number;
}

export interface Timings {
  fetchMs: number;
  generateMs: number;
  buildMs: number;
  totalMs: number;
}

/**
 * The records the HTTP views render: the store and enumeration of the last
 * successful generation, kept in the worker after the table went to the main
 * thread. A generation number tells the main thread when a cached body is
 * out of date (records can stay the same while `/v1/enumerate` changes).
 */
export interface Generation {
  number: number;
  store: RecordStore;
  enumeration: Enumeration;
  axfr: AxfrMeta;
}
