import { isIPv4, isIPv6 } from 'node:net';
import { ConfigError } from '../../errors.js';

/** One upstream resolver address. `host` is in the form `rinfo.address` reports it. */
export interface Upstream {
  host: string;
  port: number;
  family: 4 | 6;
  /** `ip:port` / `[ipv6]:port`, for logs */
  label: string;
}

/** Parses a normalised resolver (`ip:port`, `[ipv6]:port`; a bare IP gets port 53). */
export function parseUpstream(text: string, key = 'resolvers'): Upstream {
  let host: string;
  let port = 53;
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracket) {
    host = bracket[1]!;
    if (bracket[2] !== undefined) port = Number(bracket[2]);
  } else if (isIPv6(text) || isIPv4(text)) {
    host = text;
  } else {
    const i = text.lastIndexOf(':');
    host = i < 0 ? text : text.slice(0, i);
    if (i >= 0) port = Number(text.slice(i + 1));
  }
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ConfigError(`invalid resolver port in ${JSON.stringify(text)}`, key);
  }
  if (isIPv4(host)) return { host, port, family: 4, label: `${host}:${port}` };
  if (isIPv6(host)) {
    // rinfo.address reports the compressed lower-case form; compare against that.
    const canonical = new URL(`http://[${host}]/`).hostname.slice(1, -1);
    return { host: canonical, port, family: 6, label: `[${canonical}]:${port}` };
  }
  throw new ConfigError(`resolver ${JSON.stringify(text)} is not an IP address`, key);
}

interface Zone {
  /** lower case, no trailing dot; "" is the root */
  name: string;
  labels: number;
  upstreams: Upstream[];
}

/**
 * Picks the upstreams for a name: the `zoneResolvers` entry with the longest
 * matching zone (whole labels), else the default `resolvers`.
 */
export class UpstreamRouter {
  private readonly zones: Zone[];
  private readonly defaults: Upstream[];

  constructor(resolvers: readonly string[], zoneResolvers: Readonly<Record<string, readonly string[]>>) {
    this.defaults = resolvers.map((r) => parseUpstream(r));
    this.zones = Object.entries(zoneResolvers).map(([zone, list]) => {
      const name = zone.toLowerCase().replace(/\.+$/, '');
      return {
        name,
        labels: name === '' ? 0 : name.split('.').length,
        upstreams: list.map((r) => parseUpstream(r, `zoneResolvers.${zone}`)),
      };
    });
    this.zones.sort((a, b) => b.labels - a.labels);
  }

  /** `qname`: lower case, no trailing dot. */
  route(qname: string): readonly Upstream[] {
    for (const z of this.zones) {
      if (
        z.name === '' ||
        qname === z.name ||
        (qname.length > z.name.length &&
          qname.endsWith(z.name) &&
          qname.charCodeAt(qname.length - z.name.length - 1) === 0x2e)
      ) {
        return z.upstreams;
      }
    }
    return this.defaults;
  }
}
