/**
 * The DNS listen addresses (docs/compatibility.md, Beyond the Go program):
 * `listeners` (ours) when given, else Go's one `listener`. `listener` keeps
 * its Go meaning for `SOAMname`'s address records either way, so with
 * `listeners` set it must be one of them, or `0.0.0.0` (every usable interface
 * address): otherwise the name server's address would be one we do not answer on.
 */
import { ConfigError } from '../errors.js';
import { parseIP } from '../net/ip.js';
import type { Config } from './types.js';

const WILDCARD = { 4: '0.0.0.0', 6: '::' } as const;

/** The addresses DNS binds, UDP and TCP on each. */
export function dnsListenAddresses(config: Pick<Config, 'listener' | 'listeners'>): string[] {
  return config.listeners.length > 0 ? [...config.listeners] : [config.listener];
}

/**
 * `listeners` in canonical text, checked: IP literals only, no address twice,
 * no wildcard beside another address of its family (the kernel refuses that
 * bind), and `listener` among them unless it is `0.0.0.0`.
 */
export function checkListeners(listeners: readonly string[], listener: string): string[] {
  const fail = (why: string): never => {
    throw new ConfigError(`listeners: ${why}`, 'listeners');
  };
  const out: string[] = [];
  const families = new Map<4 | 6, string[]>();
  for (const entry of listeners) {
    const ip = parseIP(entry);
    if (ip === null) return fail(`${JSON.stringify(entry)} is not an IP address`);
    if (out.includes(ip.text)) {
      fail(`${JSON.stringify(entry)} is listed twice${ip.text === entry ? '' : ` (as ${ip.text})`}`);
    }
    out.push(ip.text);
    const same = families.get(ip.family) ?? [];
    same.push(ip.text);
    families.set(ip.family, same);
  }
  for (const [family, same] of families) {
    const wildcard = WILDCARD[family];
    const other = same.find((a) => a !== wildcard);
    if (same.includes(wildcard) && other !== undefined) {
      fail(`${wildcard} already listens on every IPv${family} address, so ${other} cannot be added beside it`);
    }
  }
  const own = parseIP(listener)?.text;
  if (out.length > 0 && own !== WILDCARD[4] && (own === undefined || !out.includes(own))) {
    throw new ConfigError(
      `listener ${JSON.stringify(listener)} is not one of listeners; with listeners set, listener only gives ` +
        'SOAMname its address: make it one of them, or 0.0.0.0 for every usable interface address',
      'listener',
    );
  }
  return out;
}
