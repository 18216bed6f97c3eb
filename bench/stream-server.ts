/**
 * A stand-in master with the operator API for `bench:freshness`, in its own
 * worker thread so that serving a large state and its SUBSCRIBED never delays
 * the benchmark's queries: the synthetic state behind `test/helpers/stream-master.ts`.
 * On `{type:'add', name, ip}` it adds a task of that name on the first
 * framework and runs it at `ip` (two events); on `{type:'kill', name}` it kills
 * it. Each reply carries the time its last event was written.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { StreamMaster } from '../test/helpers/stream-master.js';
import type { V0State } from '../test/helpers/v0-to-v1.js';
import { syntheticState } from './synthetic-state.js';

export type ToStreamServer = { type: 'add'; name: string; ip: string } | { type: 'kill'; name: string } | 'close';

export interface FromStreamServer {
  /** performance.timeOrigin + performance.now() when the change's last event was written */
  at: number;
  name: string;
}

const { tasks } = workerData as { tasks: number };
const state = syntheticState(tasks) as V0State;
const master = await StreamMaster.start({ state });
master.cluster.state.leader = `master@${master.address}`;
const framework = state.frameworks![0]!.id;
const agent = state.slaves![0]!.id;
const port = parentPort!;

const now = (): number => performance.timeOrigin + performance.now();

port.on('message', (msg: ToStreamServer) => {
  if (msg === 'close') {
    void master.close().then(() => process.exit(0));
    return;
  }
  const id = `${msg.name}.1`;
  if (msg.type === 'add') {
    master.change((c) => c.addTask(framework, { id, name: msg.name, slave_id: agent, state: 'TASK_STAGING' }));
    master.change((c) => c.runTask(framework, id, [msg.ip]));
  } else {
    master.change((c) => c.killTask(framework, id));
  }
  port.postMessage({ at: now(), name: msg.name } satisfies FromStreamServer);
});
port.postMessage({ port: master.port, bytes: JSON.stringify(master.state).length });
