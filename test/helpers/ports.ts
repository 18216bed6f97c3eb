/** Free ports, for tests that must know the DNS port before the program binds it. */
import { createSocket, type SocketType } from 'node:dgram';
import { createServer } from 'node:net';

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

function listenTcp(host: string, port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(null));
    srv.listen({ port, host, exclusive: true }, () => {
      const bound = (srv.address() as { port: number }).port;
      srv.close(() => resolve(bound));
    });
  });
}

/** A port free for both UDP and TCP on every host given (loopback addresses). */
export async function freeDnsPort(hosts: readonly string[] = ['127.0.0.1']): Promise<number> {
  for (let tries = 0; tries < 50; tries++) {
    const port = await listenTcp(hosts[0]!, 0);
    if (port === null) continue;
    let free = true;
    for (const host of hosts) {
      const type = host.includes(':') ? 'udp6' : 'udp4';
      free = free && (await bindUdp(type, host, port)) && (await listenTcp(host, port)) !== null;
    }
    if (free) return port;
  }
  throw new Error(`no port free on ${hosts.join(', ')} for both UDP and TCP`);
}

/** Whether this machine has IPv6 loopback (`::1`) to bind. */
export async function hasIpv6Loopback(): Promise<boolean> {
  return bindUdp('udp6', '::1', 0);
}
