/** Entry point of a DNS worker process forked by `runDnsWorkers` (src/dns/cluster.ts). */
import { dnsWorkerMain } from './cluster.js';

dnsWorkerMain();
