// A task preparer thread that takes the first chunk free and then says
// nothing, as a thread stuck or starved would: generation must give up on it
// and prepare that chunk, and the rest, itself.
import { workerData } from 'node:worker_threads';
import { CONTROL } from '../../dist/src/refresh/task-preparer-job.js';

const control = new Int32Array(workerData.control);
workerData.port.once('message', () => {
  Atomics.add(control, CONTROL.next, 1);
});
