/**
 * A stand-in master for the benchmarks, run in its own worker thread so that
 * serving a large state never delays the benchmark's own work. Reports its
 * port, the body size and one running task's name and address (to recognise a
 * correct answer). With `alternate`, every other request gets the state with
 * one task renamed, so that no refresh is skipped as unchanged.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import { syntheticState } from './synthetic-state.js';

interface ProbeTask {
  name: string;
  state: string;
  discovery?: unknown;
  statuses: Array<{
    state: string;
    container_status?: { network_infos: Array<{ ip_addresses: Array<{ ip_address: string }> }> };
  }>;
}

const { tasks, alternate = false } = workerData as { tasks: number; alternate?: boolean };
const state = syntheticState(tasks);
let bodies: Buffer[] = [];
let requests = 0;
const server = createServer((req, res) => {
  if (req.url !== '/master/state') {
    res.writeHead(404).end();
    return;
  }
  const body = bodies[requests++ % bodies.length]!;
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length }).end(body);
});

/** The state with the last task of the last framework renamed. */
function renamedVariant(): Buffer {
  const frameworks = state.frameworks as Array<{ tasks: ProbeTask[] }>;
  const last = frameworks.at(-1)!.tasks.at(-1)!;
  const name = last.name;
  last.name = `${name}-renamed`;
  const variant = Buffer.from(JSON.stringify(state));
  last.name = name;
  return variant;
}

/** A running task of the first framework, without DiscoveryInfo, whose address comes from a network_info. */
function probe(): { name: string; ip: string } {
  const marathon = (state.frameworks as Array<{ tasks: ProbeTask[] }>)[0]!;
  for (const t of marathon.tasks) {
    const running = t.statuses.find((s) => s.state === 'TASK_RUNNING');
    const ip = running?.container_status?.network_infos[0]?.ip_addresses[0]?.ip_address;
    if (
      t.state === 'TASK_RUNNING' &&
      !t.discovery &&
      ip !== undefined &&
      /^app-\d+$/.test(t.name) &&
      !ip.includes(':')
    ) {
      return { name: `${t.name}.marathon.mesos.`, ip };
    }
  }
  throw new Error('the synthetic state has no task to probe');
}

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  state.leader = `master@127.0.0.1:${port}`;
  bodies = [Buffer.from(JSON.stringify(state))];
  if (alternate) bodies.push(renamedVariant());
  parentPort!.postMessage({ port, bytes: bodies[0]!.length, probe: probe() });
});
parentPort!.on('message', (m: string) => {
  if (m === 'close') server.close(() => process.exit(0));
});
