import { NameSets } from './record-builder.js';

/** A framework's domains, and the per-application names shared by all its tasks (built once, not per task). */
export class FrameworkNames {
  readonly fd: string;
  readonly slaveFd: string;
  private readonly apps = new Map<string, AppNames>();

  constructor(f: string, d: string) {
    this.fd = `${f}.${d}.`;
    this.slaveFd = `${f}.slave.${d}.`;
  }

  app(t: string): AppNames {
    let names = this.apps.get(t);
    if (!names) {
      names = new AppNames(t, this);
      this.apps.set(t, names);
    }
    return names;
  }
}

/** An application's names, built once and shared by its tasks (their hashes are computed once, too). */
export class AppNames {
  /** `<t>.<f>.<d>.` */
  readonly inFd: NameSets;
  /** `<t>.<f>.slave.<d>.` */
  readonly inSlaveFd: NameSets;
  readonly tcpSlave: NameSets;
  readonly udpSlave: NameSets;
  readonly tcp: NameSets;
  readonly udp: NameSets;
  private byProto: Map<string, NameSets> | undefined;
  private byPortName: Map<string, NameSets> | undefined;

  constructor(
    private readonly t: string,
    private readonly fw: FrameworkNames,
  ) {
    this.inFd = new NameSets(flat(`${t}.${fw.fd}`));
    this.inSlaveFd = new NameSets(flat(`${t}.${fw.slaveFd}`));
    this.tcpSlave = new NameSets(flat(`_${t}._tcp.${fw.slaveFd}`));
    this.udpSlave = new NameSets(flat(`_${t}._udp.${fw.slaveFd}`));
    this.tcp = new NameSets(flat(`_${t}._tcp.${fw.fd}`));
    this.udp = new NameSets(flat(`_${t}._udp.${fw.fd}`));
  }

  /** `_<t>._<proto>.<f>.<d>.` */
  srv(proto: string): NameSets {
    if (proto === 'tcp') return this.tcp;
    if (proto === 'udp') return this.udp;
    this.byProto ??= new Map();
    let sets = this.byProto.get(proto);
    if (sets === undefined) {
      sets = new NameSets(`_${this.t}._${proto}.${this.fw.fd}`);
      this.byProto.set(proto, sets);
    }
    return sets;
  }

  /** `_<n>._<t>._<proto>.<f>.<d>.` (labels hold no `/`, so the cache key is unambiguous) */
  namedSrv(n: string, proto: string): NameSets {
    this.byPortName ??= new Map();
    const key = `${n}/${proto}`;
    let sets = this.byPortName.get(key);
    if (sets === undefined) {
      sets = new NameSets(`_${n}._${this.t}._${proto}.${this.fw.fd}`);
      this.byPortName.set(key, sets);
    }
    return sets;
  }
}

/**
 * Makes V8 flatten a concatenated string now, while it is young: stored as a
 * rope, it would be flattened later by whoever reads its characters (the table
 * build), straight into the old generation, doubling its memory.
 */
export function flat(s: string): string {
  s.charCodeAt(0);
  return s;
}
