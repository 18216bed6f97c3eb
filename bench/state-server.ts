/**
 * A stand-in master for the benchmarks, run in its own worker thread so that
 * serving a large state never delays the benchmark's query loop.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import { syntheticState } from './synthetic-state.js';

const { tasks } = workerData as { tasks: number };
const state = syntheticState(tasks);
const server = createServer((req, res) => {
  if (req.url !== '/master/state') {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json' }).end(body);
});
let body = '';
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  state.leader = `master@127.0.0.1:${port}`;
  body = JSON.stringify(state);
  parentPort!.postMessage({ port, bytes: body.length });
});
parentPort!.on('message', (m: string) => {
  if (m === 'close') server.close(() => process.exit(0));
});
