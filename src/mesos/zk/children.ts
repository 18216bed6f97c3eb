import type { MasterInfoKind } from './master-info.js';

/** A child of the Mesos ZooKeeper path that describes a master. */
export interface MasterNode {
  name: string;
  kind: MasterInfoKind;
  seq: bigint;
}

export interface MasterNodes {
  /** The contender with the lowest sequence number (docs/compatibility.md, ZooKeeper). */
  leader: MasterNode | null;
  /** Every master node, JSON and legacy, ordered by sequence number. */
  masters: MasterNode[];
  /** Master-like names whose suffix is not an unsigned 64-bit decimal. */
  invalid: string[];
}

const MAX_UINT64 = (1n << 64n) - 1n;
const PREFIXES: ReadonlyArray<[string, MasterInfoKind]> = [
  ['json.info_', 'json'],
  ['info_', 'protobuf'],
];

/**
 * Classifies the children of the Mesos path. Legacy `info_` nodes only elect the
 * leader when no `json.info_` node exists, as Mesos itself prefers the JSON ones.
 * Other children (`log_replicas`, ...) are ignored.
 */
export function selectMasterNodes(children: readonly string[]): MasterNodes {
  const masters: MasterNode[] = [];
  const invalid: string[] = [];
  for (const name of children) {
    const match = PREFIXES.find(([prefix]) => name.startsWith(prefix));
    if (match === undefined) continue;
    const suffix = name.slice(match[0].length);
    const seq = /^\d+$/.test(suffix) ? BigInt(suffix) : undefined;
    if (seq === undefined || seq > MAX_UINT64) {
      invalid.push(name);
      continue;
    }
    masters.push({ name, kind: match[1], seq });
  }
  masters.sort(compareNodes);
  const json = masters.filter((m) => m.kind === 'json');
  const leader = (json.length > 0 ? json[0] : masters[0]) ?? null;
  return { leader, masters, invalid };
}

function compareNodes(a: MasterNode, b: MasterNode): number {
  if (a.seq !== b.seq) return a.seq < b.seq ? -1 : 1;
  if (a.kind !== b.kind) return a.kind === 'json' ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
