import { ROOT } from './names.js';
import type { RecordStore } from './store.js';

/** A framework's domains, and the per-application names shared by all its tasks (made once, not per task). */
export class FrameworkNames {
  /** `<f>.<d>.` */
  readonly fd: number;
  /** `<f>.slave.<d>.` */
  readonly slaveFd: number;
  /** `_tcp.<f>.<d>.`, `_udp.<f>.<d>.` and the same below `slaveFd` */
  readonly tcpFd: number;
  readonly udpFd: number;
  readonly tcpSlaveFd: number;
  readonly udpSlaveFd: number;
  private readonly apps = new Map<string, AppNames>();

  constructor(
    f: string,
    d: string,
    readonly store: RecordStore,
  ) {
    const domain = store.below(ROOT, d);
    this.fd = store.below(domain, f);
    this.slaveFd = store.below(store.below(domain, 'slave'), f);
    this.tcpFd = store.below(this.fd, '_tcp');
    this.udpFd = store.below(this.fd, '_udp');
    this.tcpSlaveFd = store.below(this.slaveFd, '_tcp');
    this.udpSlaveFd = store.below(this.slaveFd, '_udp');
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

/** An application's name ids, made once and shared by its tasks. */
export class AppNames {
  /** `<t>.<f>.<d>.` */
  readonly inFd: number;
  /** `<t>.<f>.slave.<d>.` */
  readonly inSlaveFd: number;
  /** `_<t>._tcp.<f>.slave.<d>.` and so on */
  readonly tcpSlave: number;
  readonly udpSlave: number;
  readonly tcp: number;
  readonly udp: number;
  private byProto: Map<string, number> | undefined;

  constructor(
    private readonly t: string,
    private readonly fw: FrameworkNames,
  ) {
    const s = fw.store;
    this.inFd = s.below(fw.fd, t);
    this.inSlaveFd = s.below(fw.slaveFd, t);
    // One string for the four labels: the name tree keeps each label it is given.
    const label = `_${t}`;
    this.tcpSlave = s.below(fw.tcpSlaveFd, label);
    this.udpSlave = s.below(fw.udpSlaveFd, label);
    this.tcp = s.below(fw.tcpFd, label);
    this.udp = s.below(fw.udpFd, label);
  }

  /** `_<t>._<proto>.<f>.<d>.` */
  srv(proto: string): number {
    if (proto === 'tcp') return this.tcp;
    if (proto === 'udp') return this.udp;
    this.byProto ??= new Map();
    let id = this.byProto.get(proto);
    if (id === undefined) {
      const s = this.fw.store;
      id = s.below(s.below(this.fw.fd, `_${proto}`), `_${this.t}`);
      this.byProto.set(proto, id);
    }
    return id;
  }

  /**
   * `_<n>._<t>._<proto>.<f>.<d>.`, found in the name tree each time. Not kept
   * here: most applications have one task or two, and two maps per
   * application with named ports were ~11 MB of the refresh worker's heap at
   * 50,000 tasks, every byte of it copied by its collections.
   */
  namedSrv(n: string, proto: string): number {
    return this.fw.store.below(this.srv(proto), `_${n}`);
  }
}
