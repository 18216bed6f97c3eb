import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { parseConfigText, type LoadOptions } from '../../src/config/load.js';
import type { ValidatedConfig } from '../../src/config/validate.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A fresh temporary directory, removed after the test. */
export function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'mesos-dns-config-'));
  dirs.push(d);
  return d;
}

/** Writes `content` to `name` inside a fresh temp dir and returns its path. */
export function tempFile(name: string, content: string): string {
  const p = join(tempDir(), name);
  writeFileSync(p, content);
  return p;
}

export const FILE = '/etc/mesos-dns/config.json';
/** Options that keep tests away from the host's resolv.conf and interfaces. */
export const NO_HOST: LoadOptions = {
  resolvConfPath: '/nonexistent/resolv.conf',
  localAddresses: () => [],
  now: () => 1_700_000_000_000,
};

/** Parses a config given as an object (keys may repeat only via `text`) on top of a valid base. */
export function load(fields: Record<string, unknown>, options: LoadOptions = NO_HOST): ValidatedConfig {
  return parseConfigText(JSON.stringify({ masters: ['127.0.0.1:5050'], ...fields }), FILE, options);
}

export function loadText(text: string, options: LoadOptions = NO_HOST): ValidatedConfig {
  return parseConfigText(text, FILE, options);
}

/** Asserts that `fn` throws a ConfigError with this key and exact message. */
export function expectConfigError(fn: () => unknown, key: string | undefined, message: string | RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(ConfigError);
  const e = caught as ConfigError;
  expect(e.code).toBe('MESOS_DNS_CONFIG_INVALID');
  expect(e.key).toBe(key);
  if (typeof message === 'string') expect(e.message).toBe(message);
  else expect(e.message).toMatch(message);
}
