import { MesosDnsError } from '../errors.js';
import { openHttpNames, patchHttpNames } from '../table/http-names.js';
import { LiveTable } from '../table/live.js';
import { NameMarks } from '../table/name-marks.js';
import { RecordTable } from '../table/table.js';
import type { Snapshot } from '../serving.js';
import type { PipelineResult } from './results.js';

/** What a refresh result serves: the tables DNS reads and the names HTTP reads beside them. */
export type Served = Pick<Snapshot, 'table' | 'httpNames' | 'baseHttpNames'>;

/**
 * What a refresh result makes: a new base, or the served base with the
 * result's overlay (and its HTTP-only names patched the same way), which must
 * have been built over that very base.
 */
export function servedOf(
  result: Extract<PipelineResult, { kind: 'table' | 'overlay' }>,
  served: Served | null,
): Served {
  if (result.kind === 'table') {
    const httpNames = openHttpNames(result.httpNames);
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
