import type { Config } from '../config/types.js';
import type { TableMeta } from './table.js';

export type TableMetaSource = Pick<
  Config,
  | 'domain'
  | 'ttl'
  | 'soaMname'
  | 'soaRname'
  | 'soaRefresh'
  | 'soaRetry'
  | 'soaExpire'
  | 'soaMinttl'
  | 'srvRecordDefaultWeight'
>;

/** The table's SOA/TTL settings from the config, with the serial the refresh decided. */
export function tableMetaFor(c: TableMetaSource, serial: number): TableMeta {
  return {
    domain: c.domain,
    ttl: c.ttl,
    serial,
    soaMname: c.soaMname,
    soaRname: c.soaRname,
    soaRefresh: c.soaRefresh,
    soaRetry: c.soaRetry,
    soaExpire: c.soaExpire,
    soaMinttl: c.soaMinttl,
    srvWeight: c.srvRecordDefaultWeight,
  };
}
