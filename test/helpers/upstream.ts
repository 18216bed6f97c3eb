import dgram from 'node:dgram';
import net from 'node:net';
import { FrameDecoder, frame } from '../../src/wire/framing.js';

/**
 * What the stand-in does with a query: reply with these bytes, ignore it
 * (`null`), or reply after a delay.
 */
export type UpstreamHandler = (
  query: Buffer,
  transport: 'udp' | 'tcp',
) => Buffer | null | { delayMs: number; reply: Buffer | null };

export interface StandInUpstream {
  address: string;
  port: number;
  /** `127.0.0.1:PORT`, as a resolver entry */
  resolver: string;
  /** every query received, in order, bytes as received */
  queries: { transport: 'udp' | 'tcp'; msg: Buffer }[];
  udp: dgram.Socket;
  setHandler(h: UpstreamHandler): void;
  close(): Promise<void>;
}

/**
 * A stand-in upstream DNS server on loopback, UDP and TCP on the same port,
 * answering with whatever the test's handler returns.
 */
export async function startUpstream(handler: UpstreamHandler, address = '127.0.0.1'): Promise<StandInUpstream> {
  for (let tries = 0; ; tries++) {
    try {
      return await tryStart(handler, address);
    } catch (err) {
      if (tries >= 20 || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    }
  }
}

async function tryStart(initial: UpstreamHandler, address: string): Promise<StandInUpstream> {
  let handler = initial;
  const queries: StandInUpstream['queries'] = [];
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void): void => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };
  const udp = dgram.createSocket(address.includes(':') ? 'udp6' : 'udp4');
  await new Promise<void>((resolve, reject) => {
    udp.once('error', reject);
    udp.bind(0, address, () => {
      udp.off('error', reject);
      resolve();
    });
  });
  const port = udp.address().port;
  udp.on('message', (msg, rinfo) => {
    queries.push({ transport: 'udp', msg: Buffer.from(msg) });
    const out = handler(msg, 'udp');
    const send = (reply: Buffer | null): void => {
      if (reply !== null) udp.send(reply, rinfo.port, rinfo.address);
    };
    if (out === null || Buffer.isBuffer(out)) send(out);
    else later(out.delayMs, () => send(out.reply));
  });
  const sockets = new Set<net.Socket>();
  const tcp = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => undefined);
    const dec = new FrameDecoder(2);
    sock.on('data', (chunk) => {
      dec.push(chunk, (msg) => {
        queries.push({ transport: 'tcp', msg: Buffer.from(msg) });
        const out = handler(msg, 'tcp');
        const send = (reply: Buffer | null): void => {
          if (reply !== null && !sock.destroyed) sock.write(frame(reply));
        };
        if (out === null || Buffer.isBuffer(out)) send(out);
        else later(out.delayMs, () => send(out.reply));
      });
    });
  });
  try {
    await new Promise<void>((resolve, reject) => {
      tcp.once('error', reject);
      tcp.listen(port, address, () => {
        tcp.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    udp.close();
    throw err;
  }
  return {
    address,
    port,
    resolver: address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`,
    queries,
    udp,
    setHandler(h) {
      handler = h;
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => tcp.close(() => r()));
      await new Promise<void>((r) => udp.close(() => r()));
    },
  };
}

/** A loopback UDP+TCP port where nothing answers (bound UDP that ignores, TCP that accepts and stays silent). */
export async function startBlackhole(): Promise<StandInUpstream> {
  return startUpstream(() => null);
}
