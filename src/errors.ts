/**
 * One error hierarchy for the whole program. Every error has a stable `code`
 * so logs and tests match on codes, never on message text.
 */
export class MesosDnsError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A config value that cannot be used; `key` names the offending config key. */
export class ConfigError extends MesosDnsError {
  readonly key: string | undefined;
  constructor(message: string, key?: string, options?: { cause?: unknown }) {
    super('MESOS_DNS_CONFIG_INVALID', message, options);
    this.key = key;
  }
}

/** A master state document that cannot be used at all (not one bad item: those are skipped). */
export class StateError extends MesosDnsError {
  readonly master: string | undefined;
  constructor(message: string, master?: string, options?: { cause?: unknown }) {
    super('MESOS_DNS_STATE_INVALID', message, options);
    this.master = master;
  }
}

/** No master answered with a usable state; `master` is the last one tried. */
export class MasterUnavailableError extends MesosDnsError {
  readonly master: string | undefined;
  constructor(message: string, master?: string, options?: { cause?: unknown }) {
    super('MESOS_DNS_MASTER_UNREACHABLE', message, options);
    this.master = master;
  }
}

/** Leader detection (ZooKeeper) failed or found no leader. */
export class DetectionError extends MesosDnsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('MESOS_DNS_DETECTION_FAILED', message, options);
  }
}
