/**
 * The Node flag with which UDP replies made while a burst of queries is read
 * wait in libuv's send queue and go out together (sendmmsg) once the burst is
 * read, instead of one sendmsg() each. An operator asks for it through
 * MESOS_DNS_NODE_FLAGS (README, "Running it", gives the trade-off); the DNS
 * startup log reports whether it is on.
 */
const UDP_SEND_BATCHING_FLAG = '--test-udp-no-try-send';

/** Whether this process runs with UDP send batching (DNS worker processes inherit Node's flags). */
export function udpSendBatching(): boolean {
  return process.execArgv.includes(UDP_SEND_BATCHING_FLAG);
}
