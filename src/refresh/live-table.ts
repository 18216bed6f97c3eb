import { MesosDnsError } from '../errors.js';
import { LiveTable } from '../table/live.js';
import { NameMarks } from '../table/name-marks.js';
import { RecordTable } from '../table/table.js';
import type { PipelineResult } from './pipeline.js';

/**
 * The table a refresh result makes: a new base, or the served base with the
 * result's overlay, which must have been built over that very base.
 */
export function liveTableOf(
  result: Extract<PipelineResult, { kind: 'table' | 'overlay' }>,
  served: LiveTable | null,
): LiveTable {
  if (result.kind === 'table') return new LiveTable(RecordTable.fromBuffer(result.tableBuffer));
  if (served === null || served.base.meta.serial !== result.baseSerial) {
    throw new MesosDnsError(
      'MESOS_DNS_TABLE_INVALID',
      `an overlay over the table of serial ${result.baseSerial} came while ${served === null ? 'none' : served.base.meta.serial} is served`,
    );
  }
  return new LiveTable(
    served.base,
    RecordTable.fromBuffer(result.overlayBuffer),
    NameMarks.fromBuffer(result.hiddenBuffer),
  );
}
