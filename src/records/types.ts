/**
 * A generated record set, exactly as the Go program's three maps: name → set of
 * string values. Names are absolute (end in `.`) and stored as generated (the
 * legacy DiscoveryInfo pass may store upper case, spaces, empty labels).
 * Sets keep insertion order; consumers shuffle where the Go program is random.
 */
export interface RecordSet {
  /** IPv4 text, e.g. `10.0.0.1` */
  a: Map<string, Set<string>>;
  /** IPv6 text in canonical form, e.g. `2001:db8::1` */
  aaaa: Map<string, Set<string>>;
  /** `<absolute target>:<port>`, e.g. `web-e844k-s1.marathon.slave.mesos.:31000` */
  srv: Map<string, Set<string>>;
}

export type RecordType = 'A' | 'AAAA' | 'SRV';

/** `/v1/enumerate` shapes (behaviour spec §2.11, §6.2); key order matters for JSON output. */
export interface EnumRecord {
  name: string;
  host: string;
  rtype: RecordType;
}
export interface EnumTask {
  name: string;
  id: string;
  records: EnumRecord[] | null;
}
export interface EnumFramework {
  tasks: EnumTask[];
  name: string;
}
export interface Enumeration {
  frameworks: EnumFramework[] | null;
}

export interface Generated {
  records: RecordSet;
  enumeration: Enumeration;
}
