// A task preparer thread that takes the first chunk free and then fails
// without posting it: generation must prepare that chunk, and the rest, itself.
import { workerData } from 'node:worker_threads';
import { CONTROL } from '../../dist/src/refresh/task-preparer-job.js';

const control = new Int32Array(workerData.control);
workerData.port.once('message', () => {
  Atomics.add(control, CONTROL.next, 1);
  Atomics.store(control, CONTROL.failed, 1);
  Atomics.notify(control, CONTROL.posted);
});
