// A refresh worker that runs out of heap on every refresh, as one facing a state
// too large for refreshHeapMiB would: the Refresher must survive it.
import { parentPort } from 'node:worker_threads';

parentPort.on('message', (msg) => {
  if (msg.type !== 'refresh') return;
  const hog = [];
  for (;;) hog.push(new Array(100_000).fill(hog.length));
});
