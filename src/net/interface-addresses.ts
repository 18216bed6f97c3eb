/**
 * Which of this host's interface addresses may be given out as the name
 * server's (`SOAMname`) address when `listener` is `0.0.0.0`
 * (docs/compatibility.md, Name server records).
 */
import { parseAddr } from './ip.js';

/** One address of `os.networkInterfaces()`, as far as the choice needs it. */
export interface InterfaceAddress {
  address: string;
  internal: boolean;
}

/**
 * False for loopback (127.0.0.0/8, ::1) and link-local (169.254.0.0/16,
 * fe80::/10) addresses, IPv4-mapped forms included, and for the unspecified
 * address: a client elsewhere cannot reach them, and a link-local address is
 * unusable without the interface scope that DNS cannot carry (RFC 4007).
 */
export function isUsableNameServerAddress(address: string): boolean {
  const a = parseAddr(address);
  if (a === null) return false;
  if (a.family === 4) {
    const first = a.v4 >>> 24;
    const second = (a.v4 >>> 16) & 0xff;
    return a.v4 !== 0 && first !== 127 && !(first === 169 && second === 254);
  }
  const v6 = a.v6;
  if (v6[0] === 0xfe && (v6[1]! & 0xc0) === 0x80) return false;
  let zeros = 0;
  while (zeros < 15 && v6[zeros] === 0) zeros++;
  // :: and ::1
  return !(zeros === 15 && v6[15]! <= 1);
}

/** The usable addresses of every interface, zone indexes removed, in the order the system lists them. */
export function nameServerAddresses(interfaces: Record<string, readonly InterfaceAddress[] | undefined>): string[] {
  const out: string[] = [];
  for (const list of Object.values(interfaces)) {
    for (const a of list ?? []) {
      const address = a.address.split('%')[0]!;
      if (!a.internal && isUsableNameServerAddress(address)) out.push(address);
    }
  }
  return out;
}
