import { MesosDnsError } from '../errors.js';
import { openHttpNames, patchHttpNames, type HttpNames } from '../table/http-names.js';
import { packAnswers } from '../table/packed-answers.js';
import { LiveTable } from '../table/live.js';
import { NameMarks } from '../table/name-marks.js';
import { RecordTable } from '../table/table.js';
import type { Snapshot } from '../serving.js';
import type { PipelineResult } from './results.js';

/** What a refresh result serves: the tables DNS reads and the names HTTP reads beside them. */
export type Served = Pick<Snapshot, 'table' | 'httpNames' | 'baseHttpNames'>;

/** Before the first table's HTTP-only names come: none. */
const NO_HTTP_NAMES = openHttpNames({ hosts: packAnswers([]), services: packAnswers([]), size: 0, leftOut: 0 });

/**
 * What a refresh result makes: a new base, or the served base with the
 * result's overlay (and its HTTP-only names patched the same way), which must
 * have been built over that very base. A new base keeps the HTTP-only names
 * served until its own come (`withHttpNames`): stale for the tenth of a second
 * the worker takes to make them, rather than none.
 */
export function servedOf(
  result: Extract<PipelineResult, { kind: 'table' | 'overlay' }>,
  served: Served | null,
): Served {
  if (result.kind === 'table') {
    const httpNames = served?.httpNames ?? NO_HTTP_NAMES;
    return { table: new LiveTable(RecordTable.fromBuffer(result.tableBuffer)), httpNames, baseHttpNames: httpNames };
  }
  if (served === null || served.table.base.meta.serial !== result.baseSerial) {
    throw new MesosDnsError(
      'MESOS_DNS_TABLE_INVALID',
      `an overlay over the table of serial ${result.baseSerial} came while ${served === null ? 'none' : served.table.base.meta.serial} is served`,
    );
  }
  const base = served.baseHttpNames;
  return {
    table: new LiveTable(
      served.table.base,
      RecordTable.fromBuffer(result.overlayBuffer),
      NameMarks.fromBuffer(result.hiddenBuffer),
    ),
    httpNames: patchHttpNames(base, result.httpNames),
    baseHttpNames: base,
  };
}

/**
 * The served tables with the HTTP-only names of their base table, `serial`;
 * null when that table is not the one served (a result ignored as older, or
 * replaced since). The worker sends them right after the table, before any
 * overlay over it, so the base is served alone when they come.
 */
export function withHttpNames(served: Served, serial: number, names: HttpNames): Served | null {
  if (served.table.base.meta.serial !== serial || served.table.overlay !== null) return null;
  const httpNames = openHttpNames(names);
  return { table: served.table, httpNames, baseHttpNames: httpNames };
}
