/**
 * Reads config.json the way the Go Mesos-DNS does (docs/compatibility.md, Reading config.json): path
 * expansion, Go-compatible decoding onto the defaults, then validation.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { decodeConfig } from './decode.js';
import { defaultConfig } from './defaults.js';
import { JsonSyntaxError, parseJsonEntries } from './json-entries.js';
import { validateConfig, type ValidateOptions, type ValidatedConfig } from './validate.js';

export type { ValidatedConfig as LoadedConfig } from './validate.js';

export interface LoadOptions extends ValidateOptions {
  /** base of relative paths (default `process.cwd()`) */
  cwd?: string;
}

/**
 * The absolute config path: the first `~/` anywhere in `path` becomes the home
 * directory (`USERPROFILE` wins over `HOME`; `.` when neither is set), as in Go.
 */
export function resolveConfigPath(path: string, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  let home = '.';
  for (const name of ['HOME', 'USERPROFILE']) {
    const dir = env[name];
    if (dir) home = dir;
  }
  return resolve(
    cwd,
    path.replace('~/', () => `${home}/`),
  );
}

/** Parses, decodes and validates config text; `file` is the absolute path it came from. */
export function parseConfigText(text: string, file: string, options: ValidateOptions = {}): ValidatedConfig {
  let doc;
  try {
    doc = parseJsonEntries(text);
  } catch (err) {
    if (!(err instanceof JsonSyntaxError)) throw err;
    throw new ConfigError(`failed to unmarshal config file ${JSON.stringify(file)}: ${err.message}`, undefined, {
      cause: err,
    });
  }
  const raw = decodeConfig(doc, { ...defaultConfig(), file }, file);
  return validateConfig(raw, options);
}

/**
 * Loads and validates the config file at `path` (relative to `options.cwd`).
 * Throws `ConfigError` (code `MESOS_DNS_CONFIG_INVALID`) on the first problem;
 * non-fatal findings are returned as `warnings` for the caller to log.
 */
export function loadConfig(
  path: string,
  env: NodeJS.ProcessEnv = process.env,
  options: LoadOptions = {},
): ValidatedConfig {
  const file = resolveConfigPath(path, env, options.cwd);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`missing configuration file: ${JSON.stringify(file)}`, undefined, { cause: err });
  }
  return parseConfigText(text, file, options);
}
