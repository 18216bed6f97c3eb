import { isIPv4, isIPv6 } from 'node:net';
import { ConfigError } from '../../errors.js';
import { anyNameToWire } from '../../table/encode.js';
import { HEADER_LEN, MAX_NAME_LEN } from '../../wire/constants.js';

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
  /** lower-case wire form, the root label included */
  wire: Uint8Array;
  labels: number;
  upstreams: Upstream[];
}

/** Where each label of the question name starts, the root label last (a name has at most 128 labels). */
const labelStarts = new Int32Array(MAX_NAME_LEN);

/**
 * Picks the upstreams for a question name: the `zoneResolvers` entry with the
 * longest zone containing the name, else the default `resolvers`. Names are
 * compared as wire labels, so a label holding a dot (`x\.corp.internal`, first
 * label `x.corp`) is one label and never reaches the `corp.internal` zone.
 */
export class UpstreamRouter {
  private readonly zones: Zone[];
  private readonly defaults: Upstream[];

  constructor(resolvers: readonly string[], zoneResolvers: Readonly<Record<string, readonly string[]>>) {
    this.defaults = resolvers.map((r) => parseUpstream(r));
    this.zones = [];
    for (const [zone, list] of Object.entries(zoneResolvers)) {
      const upstreams = list.map((r) => parseUpstream(r, `zoneResolvers.${zone}`));
      // Config validation admits only names that encode; one that does not could match no question.
      const wire = anyNameToWire(zone.toLowerCase());
      if (wire !== null) this.zones.push({ wire, labels: countLabels(wire), upstreams });
    }
    this.zones.sort((a, b) => b.labels - a.labels);
  }

  /** The upstreams for the question name in `msg[HEADER_LEN, qnameEnd)` (uncompressed, as a query holds it). */
  route(msg: Uint8Array, qnameEnd: number): readonly Upstream[] {
    let n = 0;
    for (let at = HEADER_LEN; at < qnameEnd; at += msg[at]! + 1) labelStarts[n++] = at;
    const labels = n - 1;
    for (const z of this.zones) {
      if (z.labels > labels) continue;
      // The zone's first label must start where the name's last z.labels labels start.
      const at = labelStarts[labels - z.labels]!;
      if (qnameEnd - at === z.wire.length && equalsLowered(msg, at, z.wire)) return z.upstreams;
    }
    return this.defaults;
  }
}

function countLabels(wire: Uint8Array): number {
  let n = 0;
  for (let at = 0; wire[at] !== 0; at += wire[at]! + 1) n++;
  return n;
}

/** `msg[at, at + wire.length)` equals `wire` once ASCII upper case is folded (RFC 4343). */
function equalsLowered(msg: Uint8Array, at: number, wire: Uint8Array): boolean {
  for (let i = 0; i < wire.length; i++) {
    let b = msg[at + i]!;
    if (b >= 0x41 && b <= 0x5a) b |= 0x20;
    if (b !== wire[i]) return false;
  }
  return true;
}
