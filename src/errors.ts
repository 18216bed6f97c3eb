/**
 * The one list of error codes, and the error classes that carry them. Logs,
 * `/ready` and tests match on codes, never on message text; each class adds
 * the context a person needs (which key, which master).
 */

/** Every code an error of ours can carry. */
export type ErrorCode =
  // Start-up and reload.
  /** a config value cannot be used; `ConfigError.key` names it */
  | 'MESOS_DNS_CONFIG_INVALID'
  /** the command line does not parse (the program exits 2) */
  | 'MESOS_DNS_FLAG_INVALID'
  // Fetching the master state: one failed attempt against one master (`FetchFailure`).
  | 'MESOS_DNS_FETCH_BAD_ADDRESS'
  | 'MESOS_DNS_FETCH_TIMEOUT'
  | 'MESOS_DNS_FETCH_CONNECT'
  | 'MESOS_DNS_FETCH_TLS'
  | 'MESOS_DNS_FETCH_NETWORK'
  | 'MESOS_DNS_FETCH_HTTP_STATUS'
  | 'MESOS_DNS_FETCH_BAD_ENCODING'
  /** the body, as received or decompressed, passed `maxStateBytes`; reading stopped there */
  | 'MESOS_DNS_FETCH_TOO_LARGE'
  | 'MESOS_DNS_FETCH_EMPTY_BODY'
  | 'MESOS_DNS_FETCH_BAD_JSON'
  | 'MESOS_DNS_FETCH_NOT_OBJECT'
  | 'MESOS_DNS_FETCH_NO_LEADER'
  | 'MESOS_DNS_FETCH_BAD_LEADER'
  | 'MESOS_DNS_FETCH_IAM_FAILED'
  /** no master gave a usable state; the cause is the last attempt's `FetchFailure` */
  | 'MESOS_DNS_MASTER_UNREACHABLE'
  /** a state document that cannot be used at all (bad items are skipped instead) */
  | 'MESOS_DNS_STATE_INVALID'
  // The operator API event stream (`POST /api/v1` SUBSCRIBE): one failed subscription (`StreamFailure`).
  // Failures to reach a master at all carry the `MESOS_DNS_FETCH_*` code of the state fetch.
  /** the master has no event stream (404, 405 or 501: older than Mesos 1.1); polling is the way */
  | 'MESOS_DNS_STREAM_UNSUPPORTED'
  /** the master answered the subscription with another status outside 200–299 */
  | 'MESOS_DNS_STREAM_HTTP_STATUS'
  /** too many redirects, or a redirect without a usable `Location` */
  | 'MESOS_DNS_STREAM_REDIRECT'
  /** the RecordIO framing is broken: a length prefix that is not a decimal number */
  | 'MESOS_DNS_STREAM_FRAMING'
  /** one record is longer than `maxStateBytes`; it was refused before being read */
  | 'MESOS_DNS_STREAM_TOO_LARGE'
  /** a record that is not a JSON event, or a first event that is not a usable SUBSCRIBED */
  | 'MESOS_DNS_STREAM_BAD_EVENT'
  /** the master's `GET_MASTER` reply names no leader UPID */
  | 'MESOS_DNS_STREAM_NO_LEADER'
  /** the subscription (SUBSCRIBED, leader and framework pids) took longer than `stateTimeoutSeconds` */
  | 'MESOS_DNS_STREAM_TIMEOUT'
  /** the master ended the stream */
  | 'MESOS_DNS_STREAM_CLOSED'
  /** nothing arrived for 3 × the heartbeat interval the master announced */
  | 'MESOS_DNS_STREAM_SILENT'
  /** a consumer's callback threw; the stream is restarted so the consumer gets a fresh snapshot */
  | 'MESOS_DNS_STREAM_CONSUMER_FAILED'
  // ZooKeeper leader detection.
  /** ZooKeeper did not answer a request within the session timeout */
  | 'MESOS_DNS_ZK_REQUEST_TIMEOUT'
  /** the ZooKeeper client was replaced while a request was pending */
  | 'MESOS_DNS_ZK_CLIENT_REPLACED'
  /** a master's znode holds no usable MasterInfo */
  | 'MESOS_DNS_ZK_BAD_MASTER_INFO'
  /** a ZooKeeper server sent a frame the client cannot read; that connection was closed and is made again */
  | 'MESOS_DNS_ZK_BAD_FRAME'
  // Refreshing and serving.
  /** a refresh failed for a reason not covered by a more specific code */
  | 'MESOS_DNS_REFRESH_FAILED'
  /** the refresh worker thread died during a refresh (a crash; running out of heap has its own code) */
  | 'MESOS_DNS_REFRESH_WORKER_DIED'
  /**
   * the refresh needed more than `refreshHeapMiB`: of heap (its worker was stopped), or for its records and
   * table (the refresh stopped before allocating them); either way the process and its table live on
   */
  | 'MESOS_DNS_REFRESH_OUT_OF_MEMORY'
  // Readiness (`/ready`) when no failed refresh explains it.
  /** no refresh has finished yet */
  | 'MESOS_DNS_NOT_LOADED'
  /** no refresh has succeeded for 3 × refreshSeconds, and none failed since (one may be stuck) */
  | 'MESOS_DNS_STALE'
  /** the program is stopping; the operation was abandoned */
  | 'MESOS_DNS_STOPPED'
  /** an HTTP view (`/v1/axfr`, `/v1/enumerate`) was cut short: its client read slower than the records changed */
  | 'MESOS_DNS_VIEW_DROPPED'
  /** a buffer handed over as a record table is not one */
  | 'MESOS_DNS_TABLE_INVALID'
  /** a DNS socket could not be bound */
  | 'MESOS_DNS_LISTEN_FAILED'
  /** a DNS worker process exited */
  | 'MESOS_DNS_WORKER_EXITED'
  /** DNS worker processes did not start listening in time */
  | 'MESOS_DNS_WORKER_TIMEOUT';

export interface ErrorOptions {
  cause?: unknown;
}

export class MesosDnsError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A config value that cannot be used; `key` names the offending config key. */
export class ConfigError extends MesosDnsError {
  readonly key: string | undefined;
  constructor(message: string, key?: string, options?: ErrorOptions) {
    super('MESOS_DNS_CONFIG_INVALID', message, options);
    this.key = key;
  }
}

/** A command line the flag syntax rejects; the CLI prints the message and usage, and exits 2. */
export class FlagError extends MesosDnsError {
  constructor(message: string) {
    super('MESOS_DNS_FLAG_INVALID', message);
  }
}

/** A master state document that cannot be used at all (not one bad item: those are skipped). */
export class StateError extends MesosDnsError {
  readonly master: string | undefined;
  constructor(message: string, master?: string, options?: ErrorOptions) {
    super('MESOS_DNS_STATE_INVALID', message, options);
    this.master = master;
  }
}

/** No master answered with a usable state; `master` is the last one tried. */
export class MasterUnavailableError extends MesosDnsError {
  readonly master: string | undefined;
  constructor(message: string, master?: string, options?: ErrorOptions) {
    super('MESOS_DNS_MASTER_UNREACHABLE', message, options);
    this.master = master;
  }
}

export type FetchFailureCode = Extract<ErrorCode, `MESOS_DNS_FETCH_${string}`>;

/**
 * One failed attempt against one master. Messages are built only from our own
 * text and library error codes/messages, never from request headers, so no
 * credential can leak through them.
 */
export class FetchFailure extends MesosDnsError {
  declare readonly code: FetchFailureCode;
  constructor(code: FetchFailureCode, message: string, options?: ErrorOptions) {
    super(code, message, options);
  }
}

export type StreamFailureCode = Extract<ErrorCode, `MESOS_DNS_STREAM_${string}`>;

/** One failed or ended event-stream subscription; `master` is the master it was with. */
export class StreamFailure extends MesosDnsError {
  declare readonly code: StreamFailureCode;
  readonly master: string | undefined;
  constructor(code: StreamFailureCode, message: string, master?: string, options?: ErrorOptions) {
    super(code, message, options);
    this.master = master;
  }
}

/** True when `err` is one of ours with this code. */
export function hasCode(err: unknown, code: ErrorCode): boolean {
  return err instanceof MesosDnsError && err.code === code;
}

/** The code of any thrown value: ours, a Node system error's, or `fallback`. */
export function errorCode(err: unknown, fallback: ErrorCode): string {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : fallback;
}

/** The message of any thrown value. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
