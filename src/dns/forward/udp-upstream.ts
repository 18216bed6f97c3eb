import dgram from 'node:dgram';
import { randomFillSync } from 'node:crypto';
import type { Logger } from 'pino';
import type { Upstream } from './router.js';

/** Called once per exchange: the reply datagram, or null with the reason it failed. */
export type ExchangeCallback = (reply: Buffer | null, failure: string) => void;

interface Pending {
  upstream: Upstream;
  cb: ExchangeCallback;
  timer: NodeJS.Timeout;
}

interface Slot {
  socket: dgram.Socket;
  pending: Map<number, Pending>;
  uses: number;
  retired: boolean;
}

export interface UdpUpstreamPoolOptions {
  /** sockets kept open per address family */
  socketsPerFamily?: number;
  /** exchanges after which a socket is replaced, so its source port changes */
  maxUsesPerSocket?: number;
  log: Logger;
}

/**
 * A small, fixed set of UDP sockets shared by every forwarded query. Replies
 * are matched by (socket, message ID, source address); every exchange uses a
 * fresh random ID, and sockets are rotated after a number of uses so the
 * source port changes too. The socket count never grows with load.
 */
export class UdpUpstreamPool {
  private readonly slots: { 4: (Slot | null)[]; 6: (Slot | null)[] };
  private readonly maxUses: number;
  private readonly log: Logger;
  private readonly live = new Set<Slot>();
  private next = 0;
  private closed = false;
  private readonly randomIds = new Uint16Array(512);
  private randomPos = this.randomIds.length;

  constructor(opts: UdpUpstreamPoolOptions) {
    const n = Math.max(1, opts.socketsPerFamily ?? 4);
    this.slots = { 4: new Array<Slot | null>(n).fill(null), 6: new Array<Slot | null>(n).fill(null) };
    this.maxUses = Math.max(1, opts.maxUsesPerSocket ?? 10_000);
    this.log = opts.log;
  }

  /** Sockets currently open (for tests and metrics). */
  get socketCount(): number {
    return this.live.size;
  }

  get pendingCount(): number {
    let n = 0;
    for (const s of this.live) n += s.pending.size;
    return n;
  }

  /**
   * Sends `query` to `upstream` with a random ID written into a copy, and calls
   * `cb` with the reply (its ID still the random one) or a failure.
   */
  exchange(query: Buffer, upstream: Upstream, timeoutMs: number, cb: ExchangeCallback): void {
    if (this.closed) {
      cb(null, 'closed');
      return;
    }
    const slot = this.pick(upstream.family);
    const id = this.freeId(slot);
    const msg = Buffer.from(query);
    msg.writeUInt16BE(id, 0);
    const timer = setTimeout(() => this.finish(slot, id, null, 'timeout'), timeoutMs);
    slot.pending.set(id, { upstream, cb, timer });
    slot.uses++;
    slot.socket.send(msg, upstream.port, upstream.host, (err) => {
      if (err) this.finish(slot, id, null, `send: ${err.message}`);
    });
  }

  close(): Promise<void> {
    this.closed = true;
    const all = [...this.live];
    for (const slot of all) this.failAll(slot, 'closed');
    return Promise.all(all.map((s) => this.closeSocket(s))).then(() => undefined);
  }

  private pick(family: 4 | 6): Slot {
    const list = this.slots[family];
    const i = this.next++ % list.length;
    let slot = list[i];
    if (slot && slot.uses >= this.maxUses) {
      slot.retired = true;
      if (slot.pending.size === 0) void this.closeSocket(slot);
      slot = null;
    }
    if (!slot) {
      slot = this.open(family);
      list[i] = slot;
    }
    return slot;
  }

  private open(family: 4 | 6): Slot {
    const socket = dgram.createSocket(family === 6 ? 'udp6' : 'udp4');
    const slot: Slot = { socket, pending: new Map(), uses: 0, retired: false };
    socket.on('message', (msg, rinfo) => {
      if (msg.length < 2) return;
      const id = msg.readUInt16BE(0);
      const p = slot.pending.get(id);
      // Anything not from the address we asked is ignored, not a failure: a
      // spoofer must not be able to cut an exchange short.
      if (p === undefined || rinfo.port !== p.upstream.port || rinfo.address !== p.upstream.host) return;
      this.finish(slot, id, msg, '');
    });
    socket.on('error', (err) => {
      this.log.warn({ err }, 'upstream UDP socket failed; replacing it');
      this.retire(slot);
      this.failAll(slot, `socket: ${err.message}`);
      void this.closeSocket(slot);
    });
    this.live.add(slot);
    return slot;
  }

  private freeId(slot: Slot): number {
    for (;;) {
      if (this.randomPos >= this.randomIds.length) {
        randomFillSync(this.randomIds);
        this.randomPos = 0;
      }
      const id = this.randomIds[this.randomPos++]!;
      if (!slot.pending.has(id)) return id;
    }
  }

  private finish(slot: Slot, id: number, reply: Buffer | null, failure: string): void {
    const p = slot.pending.get(id);
    if (p === undefined) return;
    slot.pending.delete(id);
    clearTimeout(p.timer);
    if (slot.retired && slot.pending.size === 0) void this.closeSocket(slot);
    p.cb(reply, failure);
  }

  private failAll(slot: Slot, failure: string): void {
    for (const id of [...slot.pending.keys()]) this.finish(slot, id, null, failure);
  }

  private retire(slot: Slot): void {
    slot.retired = true;
    for (const list of [this.slots[4], this.slots[6]]) {
      const i = list.indexOf(slot);
      if (i >= 0) list[i] = null;
    }
  }

  private closeSocket(slot: Slot): Promise<void> {
    if (!this.live.delete(slot)) return Promise.resolve();
    return new Promise((resolve) => {
      try {
        slot.socket.close(() => resolve());
      } catch {
        resolve();
      }
    });
  }
}
