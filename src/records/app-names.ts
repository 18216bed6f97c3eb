import type { RecordStore } from './store.js';

/** A framework's domains, and the per-application names shared by all its tasks (built once, not per task). */
export class FrameworkNames {
  readonly fd: string;
  readonly slaveFd: string;
  private readonly apps = new Map<string, AppNames>();

  constructor(
    f: string,
    d: string,
    readonly store: RecordStore,
  ) {
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

/** An application's name ids, interned once and shared by its tasks. */
export class AppNames {
  /** `<t>.<f>.<d>.` */
  readonly inFd: number;
  /** `<t>.<f>.slave.<d>.` */
  readonly inSlaveFd: number;
  readonly tcpSlave: number;
  readonly udpSlave: number;
  readonly tcp: number;
  readonly udp: number;
  private byProto: Map<string, number> | undefined;
  private byPortName: Map<string, number> | undefined;

  constructor(
    private readonly t: string,
    private readonly fw: FrameworkNames,
  ) {
    const s = fw.store;
    this.inFd = s.id(`${t}.${fw.fd}`);
    this.inSlaveFd = s.id(`${t}.${fw.slaveFd}`);
    this.tcpSlave = s.id(`_${t}._tcp.${fw.slaveFd}`);
    this.udpSlave = s.id(`_${t}._udp.${fw.slaveFd}`);
    this.tcp = s.id(`_${t}._tcp.${fw.fd}`);
    this.udp = s.id(`_${t}._udp.${fw.fd}`);
  }

  /** `_<t>._<proto>.<f>.<d>.` */
  srv(proto: string): number {
    if (proto === 'tcp') return this.tcp;
    if (proto === 'udp') return this.udp;
    this.byProto ??= new Map();
    let id = this.byProto.get(proto);
    if (id === undefined) {
      id = this.fw.store.id(`_${this.t}._${proto}.${this.fw.fd}`);
      this.byProto.set(proto, id);
    }
    return id;
  }

  /** `_<n>._<t>._<proto>.<f>.<d>.` (labels hold no `/`, so the cache key is unambiguous) */
  namedSrv(n: string, proto: string): number {
    this.byPortName ??= new Map();
    const key = `${n}/${proto}`;
    let id = this.byPortName.get(key);
    if (id === undefined) {
      id = this.fw.store.id(`_${n}._${this.t}._${proto}.${this.fw.fd}`);
      this.byPortName.set(key, id);
    }
    return id;
  }
}
