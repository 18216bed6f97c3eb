import { splitHostPort } from '../net/host-port.js';

/** A libprocess UPID `id@host:port`; `host` as written (may be a hostname), `port` as text. */
export interface UPID {
  id: string;
  host: string;
  port: string;
}

/**
 * Parses a UPID as the Go program does (docs/compatibility.md, UPIDs): surrounding `"` and spaces
 * stripped, exactly one `@`, then `host:port` with IPv6 in brackets. Returns
 * null instead of failing the whole reload.
 */
export function parseUPID(raw: string): UPID | null {
  const s = raw.replace(/^[" ]+|[" ]+$/g, '');
  const parts = s.split('@');
  if (parts.length !== 2) return null;
  const hp = splitHostPort(parts[1]!);
  if (!hp || hp.host === '' || hp.port === '') return null;
  if (!/^[0-9]+$/.test(hp.port) && !/^[a-z][a-z0-9-]*$/i.test(hp.port)) return null;
  return { id: parts[0]!, host: hp.host, port: hp.port };
}
