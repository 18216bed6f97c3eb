/** Entry point of a DNS worker process forked by `runDnsWorkers` (primary.ts). */
import { dnsWorkerMain } from './worker.js';

dnsWorkerMain();
