import { FetchFailure } from '../../errors.js';

const CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);

const TLS_CODE = /CERT|SSL|TLS|SELF_SIGNED|VERIFY|ISSUER/;

/** Maps whatever undici, node:net/tls or zlib threw into a FetchFailure. */
export function toFetchFailure(err: unknown, timedOut: boolean, timeoutMs: number): FetchFailure {
  if (err instanceof FetchFailure) return err;
  if (timedOut) {
    return new FetchFailure('MESOS_DNS_FETCH_TIMEOUT', `no complete answer within ${timeoutMs} ms`, { cause: err });
  }
  const code = errorCode(err);
  const message = err instanceof Error ? err.message : String(err);
  const text = code !== undefined && !message.includes(code) ? `${code}: ${message}` : message;
  if (code !== undefined && CONNECT_CODES.has(code)) {
    return new FetchFailure('MESOS_DNS_FETCH_CONNECT', text, { cause: err });
  }
  if (code !== undefined && TLS_CODE.test(code)) {
    return new FetchFailure('MESOS_DNS_FETCH_TLS', text, { cause: err });
  }
  return new FetchFailure('MESOS_DNS_FETCH_NETWORK', text, { cause: err });
}

function errorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  // undici wraps connect errors for some paths; the socket error is the cause.
  const cause = (err as { cause?: unknown }).cause;
  return cause !== undefined && cause !== err ? errorCode(cause) : undefined;
}
