/** What this machine can bind, for tests that listen on more than 127.0.0.1. */
import { createSocket, type SocketType } from 'node:dgram';

function bindUdp(type: SocketType, host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createSocket(type);
    s.once('error', () => {
      s.close();
      resolve(false);
    });
    s.bind(port, host, () => s.close(() => resolve(true)));
  });
}

/** Whether this machine has IPv6 loopback (`::1`) to bind. */
export async function hasIpv6Loopback(): Promise<boolean> {
  return bindUdp('udp6', '::1', 0);
}
