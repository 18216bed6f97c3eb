// A task preparer thread that takes the first chunk free and then says
// nothing, as a thread stuck or starved would: generation must give up on it
// and prepare that chunk, and the rest, itself. It holds on to the job (and
// with it the shared state body) and stays alive until it is terminated.
import { workerData } from 'node:worker_threads';
import { CONTROL } from '../../dist/src/refresh/task-preparer-job.js';

const control = new Int32Array(workerData.control);
let job = null;
workerData.port.once('message', (received) => {
  job = received;
  Atomics.add(control, CONTROL.next, 1);
  setInterval(() => job, 60_000);
});
