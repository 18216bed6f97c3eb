/**
 * bench:dns's floor: the least a Node UDP server can do per query. It sends
 * each query back as a reply (QR set, NXDOMAIN), with no table and no answer,
 * so its latency at a fixed rate is what this machine, Node's UDP path and
 * dnsperf cost before any of our code runs. Prints `{"port":N}` on stdout once
 * listening; exits when stdin closes.
 */
import dgram from 'node:dgram';

const RCODE_NXDOMAIN = 3;
const socket = dgram.createSocket('udp4');
socket.on('message', (query, from) => {
  if (query.length < 12) return;
  query[2]! |= 0x80;
  query[3] = (query[3]! & 0xf0) | RCODE_NXDOMAIN;
  socket.send(query, from.port, from.address);
});
socket.bind(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: socket.address().port })}\n`);
});
process.stdin.resume();
process.stdin.on('end', () => socket.close(() => process.exit(0)));
