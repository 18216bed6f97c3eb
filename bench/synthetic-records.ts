import { addValue } from '../src/records/record-set.js';
import type { RecordSet } from '../src/records/types.js';
import { prng } from './prng.js';

const FRAMEWORKS = ['marathon', 'chronos', 'spark', 'kafka', 'cassandra', 'jenkins'];
/** Share of tasks per framework: Marathon dominates real clusters. */
const WEIGHTS = [0.6, 0.1, 0.1, 0.08, 0.07, 0.05];

export interface SyntheticCluster {
  records: RecordSet;
  /** names that exist, for query mixes */
  aNames: string[];
  srvNames: string[];
  tasks: number;
}

/**
 * A RecordSet shaped like the generator's output for a cluster of `tasks`
 * tasks: apps with 1–8 instances spread over frameworks, each task with its
 * `<app>.<fw>.mesos.` / canonical `<app>-<hash>-<slave>.<fw>.mesos.` A
 * records, `.slave.` twins, and `_<app>._tcp` SRVs with 1–3 ports.
 */
export function syntheticCluster(tasks: number, domain = 'mesos', seed = 42): SyntheticCluster {
  const r = prng(seed);
  const records: RecordSet = { a: new Map(), aaaa: new Map(), srv: new Map() };
  const agents = Math.max(3, Math.ceil(tasks / 25));
  const agentIp = (i: number) => `10.${(i >> 8) & 255}.${i & 255}.${1 + (i % 250)}`;
  for (let i = 0; i < agents; i++) addValue(records.a, `slave.${domain}.`, agentIp(i));
  addValue(records.a, `leader.${domain}.`, '10.255.0.1');
  addValue(records.a, `master.${domain}.`, '10.255.0.1');
  addValue(records.srv, `_leader._tcp.${domain}.`, `leader.${domain}.:5050`);
  let made = 0;
  let app = 0;
  while (made < tasks) {
    let pick = r();
    let f = 0;
    while (f < WEIGHTS.length - 1 && pick > WEIGHTS[f]!) pick -= WEIGHTS[f++]!;
    const fw = FRAMEWORKS[f]!;
    const name = `app-${app++}`;
    const instances = Math.min(tasks - made, 1 + Math.floor(r() * 8));
    const ports = 1 + Math.floor(r() * 3);
    for (let k = 0; k < instances; k++, made++) {
      const agent = Math.floor(r() * agents);
      const ip = agentIp(agent);
      const hash = Math.floor(r() * 36 ** 5)
        .toString(36)
        .padStart(5, '0');
      const canonical = `${name}-${hash}-s${agent}`;
      for (const zone of [`${fw}.${domain}.`, `${fw}.slave.${domain}.`]) {
        addValue(records.a, `${name}.${zone}`, ip);
        addValue(records.a, `${canonical}.${zone}`, ip);
      }
      for (let p = 0; p < ports; p++) {
        const port = String(31000 + Math.floor(r() * 1000));
        for (const proto of ['_tcp', '_udp']) {
          addValue(records.srv, `_${name}.${proto}.${fw}.${domain}.`, `${canonical}.${fw}.slave.${domain}.:${port}`);
          addValue(
            records.srv,
            `_${name}.${proto}.${fw}.slave.${domain}.`,
            `${canonical}.${fw}.slave.${domain}.:${port}`,
          );
        }
      }
    }
  }
  addValue(records.srv, `_framework._tcp.marathon.${domain}.`, `marathon.${domain}.:8080`);
  return { records, aNames: [...records.a.keys()], srvNames: [...records.srv.keys()], tasks };
}
