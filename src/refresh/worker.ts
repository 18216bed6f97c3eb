import { parentPort, workerData } from 'node:worker_threads';
import { closeFetchAgents } from '../mesos/fetch/fetch.js';
import { createLogger } from '../log.js';
import { RefreshPipeline } from './pipeline.js';
import { refreshFailure, type FromWorker, type ToWorker, type WorkerInit } from './messages.js';

/**
 * The refresh worker thread: fetching, JSON parsing, generation and the table
 * build all happen here, so the main thread keeps answering queries while a
 * 50,000-task state is processed. One refresh at a time, as the main thread asks.
 */
const init = workerData as WorkerInit;
const pipeline = new RefreshPipeline(init.config, init.fetchOptions, createLogger(init.log), init.servedSerial);
const port = parentPort!;

port.on('message', (msg: ToWorker) => {
  if (msg.type === 'reconfigure') {
    pipeline.reconfigure(msg.config, msg.fetchOptions);
    return;
  }
  pipeline.run(msg.masters).then(
    (result) => {
      const reply: FromWorker = { type: 'result', id: msg.id, ok: true, result };
      port.postMessage(reply, [result.tableBuffer, result.axfrBody, result.enumerateBody]);
    },
    (err: unknown) => {
      const reply: FromWorker = { type: 'result', id: msg.id, ok: false, error: refreshFailure(err) };
      port.postMessage(reply);
    },
  );
});

port.on('close', () => {
  void closeFetchAgents();
});
