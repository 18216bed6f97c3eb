// A stand-in for the refresh worker: answers each message with its type, in
// order, and the heap bound it was started with, so a test sees which message
// came first and how the thread was started.
import { parentPort, resourceLimits } from 'node:worker_threads';

parentPort.on('message', (msg) => {
  parentPort.postMessage({ type: msg.type, heapMiB: resourceLimits.maxOldGenerationSizeMb });
});
