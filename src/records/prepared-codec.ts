import type { Addr } from '../net/ip.js';
import type { StateWarning } from '../state/state.js';
import type { Agent, PreparedDiscovery, PreparedTask } from './prepared-task.js';

/**
 * Prepared tasks, in a form that crosses threads cheaply: numbers in one
 * Float64Array (transferred, not copied) and strings in one array, each
 * distinct string of a chunk once (names of apps, ports and protocols repeat
 * from task to task, and every string sent is one more the reading thread
 * allocates, most of them still alive at its next collection). A task
 * validated as objects cloned at ~1 KB each (28 MB at 50,000 tasks, 440 ms to
 * read back); reduced to what its records need, it is a tenth of that.
 *
 * A chunk holds whole entries in order: tasks, the end of each framework's,
 * and the warnings met on the way (a bad task; a task's bad ports), so that
 * they reach the log in the order generation would have met them, whichever
 * thread read the tasks.
 */
export interface PreparedChunk {
  nums: Float64Array;
  /** the chunk's distinct strings, which `nums` refers to by index */
  strings: string[];
}

const TASK = 0;
const WARNING = 1;
const BAD_TASK = 2;
const FRAMEWORK_END = 3;

/** The end of a framework's tasks, as a chunk's reader gives it. */
export const FRAMEWORK_DONE = Symbol('framework done');

/** Entries one at a time: a task, the end of a framework's, or null when the chunk has no more. */
export interface PreparedCursor {
  next(): PreparedTask | typeof FRAMEWORK_DONE | null;
}

/** By agent, its index in the agents list a chunk's reader has: made once per state, shared by its chunks. */
export function agentIndexOf(agents: readonly Agent[]): ReadonlyMap<Agent, number> {
  return new Map(agents.map((a, i) => [a, i]));
}

export class PreparedWriter {
  private nums = new Float64Array(256);
  private length = 0;
  private strings: string[] = [];
  /** by string, its index in `strings` */
  private stringIndex = new Map<string, number>();

  constructor(private readonly agentIndex: ReadonlyMap<Agent, number>) {}

  task(t: PreparedTask): void {
    const d = t.discovery;
    this.room(13 + 5 * t.ips.length + t.ports.length + (d === null ? 0 : 3 * d.ports.length));
    this.push(TASK);
    this.push(this.agentIndex.get(t.agent)!);
    this.str(t.name);
    this.str(t.id);
    this.str(t.app);
    this.str(t.canonical);
    // Addresses from the agent (IP source `host`) are the agent's own list: sent as that, not again.
    this.push(t.ownIPs ? t.ips.length : -1);
    if (t.ownIPs) for (const ip of t.ips) this.addr(ip);
    this.push(t.ports.length);
    for (const p of t.ports) this.push(p);
    if (d === null) {
      this.push(-1);
      return;
    }
    this.push(d.ports.length);
    for (const p of d.ports) {
      this.push(p.number);
      this.str(p.protocol);
      this.str(p.name);
    }
    if (d.raw === null) {
      this.push(0);
      return;
    }
    this.push(1);
    this.str(d.raw.app);
    this.str(d.raw.canonical);
  }

  frameworkEnd(): void {
    this.room(1);
    this.push(FRAMEWORK_END);
  }

  warning(msg: string): void {
    this.room(2);
    this.push(WARNING);
    this.str(msg);
  }

  badTask(index: number, id: string | undefined, reason: string): void {
    this.room(5);
    this.push(BAD_TASK);
    this.push(index);
    this.push(id === undefined ? 0 : 1);
    this.str(id ?? '');
    this.str(reason);
  }

  /** The chunk written since the last take. */
  take(): PreparedChunk {
    const chunk = { nums: this.nums.slice(0, this.length), strings: this.strings };
    this.length = 0;
    this.strings = [];
    this.stringIndex = new Map();
    return chunk;
  }

  private addr(ip: Addr): void {
    if (ip.family === 4) {
      this.push(4);
      this.push(ip.v4);
      return;
    }
    this.push(6);
    const b = ip.v6;
    for (let i = 0; i < 16; i += 4) this.push(((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0);
  }

  private room(n: number): void {
    if (this.length + n <= this.nums.length) return;
    const grown = new Float64Array(Math.max(this.nums.length * 2, this.length + n));
    grown.set(this.nums.subarray(0, this.length));
    this.nums = grown;
  }

  private push(v: number): void {
    this.nums[this.length++] = v;
  }

  /** Writes `s` as the index of its one copy in the chunk's strings. */
  private str(s: string): void {
    let index = this.stringIndex.get(s);
    if (index === undefined) {
      index = this.strings.push(s) - 1;
      this.stringIndex.set(s, index);
    }
    this.push(index);
  }
}

/**
 * Arrays by length, each made once and refilled in place, for lists whose
 * length changes from one task to the next: emptied (`length = 0`) and pushed
 * to again, an array gets a new backing store from V8 each time.
 */
class ByLength<T> {
  private readonly arrays: T[][] = [];

  constructor(private readonly item: () => T) {}

  /** The array of length `n`, holding whatever it was last filled with. */
  of(n: number): T[] {
    let a = this.arrays[n];
    if (a === undefined) {
      a = Array.from({ length: n }, this.item);
      this.arrays[n] = a;
    }
    return a;
  }
}

/** What an array of own addresses holds before it is filled. */
const NO_ADDR: Addr = { family: 4, v4: 0 };

/**
 * Reads chunks back, one entry at a time; warnings go to the callbacks as
 * they are met. The task it gives is one object, refilled by each `next()`:
 * valid until the next call, which is all generation needs (it copies what it
 * keeps). At 50,000 tasks, a new object per task, port and address was 25 MB
 * of garbage in the refresh worker, the thread the first answer waits for.
 */
export class PreparedReader implements PreparedCursor {
  private nums: Float64Array = new Float64Array(0);
  private strings: readonly string[] = [];
  private at = 0;
  private readonly task: PreparedTask = {
    name: '',
    id: '',
    agent: { ips: [], tail: '' },
    ips: [],
    ownIPs: false,
    ports: [],
    app: '',
    canonical: '',
    discovery: null,
  };
  private readonly discovery: PreparedDiscovery = { ports: [], raw: null };
  private readonly raw = { app: '', canonical: '' };
  /** the lists a task gives, by length (see `ByLength`) */
  private readonly ports = new ByLength(() => 0);
  private readonly ownIPs = new ByLength<Addr>(() => NO_ADDR);
  private readonly discoveryPorts = new ByLength(() => ({ number: 0, protocol: '', name: '' }));
  /** the objects the task's own addresses are refilled into, grown as needed */
  private readonly v4s: Array<{ family: 4; v4: number }> = [];
  private readonly v6s: Array<{ family: 6; v6: Uint8Array }> = [];

  constructor(
    private readonly agents: readonly Agent[],
    private readonly warn: (msg: string) => void,
    private readonly report: (warning: StateWarning) => void,
  ) {}

  load(chunk: PreparedChunk): void {
    this.nums = chunk.nums;
    this.strings = chunk.strings;
    this.at = 0;
  }

  next(): PreparedTask | typeof FRAMEWORK_DONE | null {
    for (;;) {
      if (this.at >= this.nums.length) return null;
      const kind = this.num();
      if (kind === TASK) return this.refill();
      if (kind === FRAMEWORK_END) return FRAMEWORK_DONE;
      if (kind === WARNING) {
        this.warn(this.str());
        continue;
      }
      const index = this.num();
      const hasId = this.num() === 1;
      const id = this.str();
      const reason = this.str();
      // As validation words it (state/task.ts, `readTask`): the key is there when the task has no usable id.
      this.report({ item: 'task', index, id: hasId ? id : undefined, reason });
    }
  }

  private refill(): PreparedTask {
    const t = this.task;
    t.agent = this.agents[this.num()]!;
    t.name = this.str();
    t.id = this.str();
    t.app = this.str();
    t.canonical = this.str();
    const ipCount = this.num();
    t.ownIPs = ipCount >= 0;
    t.ips = t.agent.ips;
    if (ipCount >= 0) {
      const own = this.ownIPs.of(ipCount);
      let v4 = 0;
      let v6 = 0;
      for (let i = 0; i < ipCount; i++) own[i] = this.num() === 4 ? this.v4(v4++) : this.v6(v6++);
      t.ips = own;
    }
    const ports = this.ports.of(this.num());
    for (let i = 0; i < ports.length; i++) ports[i] = this.num();
    t.ports = ports;
    const discoveryPorts = this.num();
    t.discovery = null;
    if (discoveryPorts >= 0) {
      const d = this.discovery;
      d.ports = this.discoveryPorts.of(discoveryPorts);
      for (let i = 0; i < d.ports.length; i++) {
        const p = d.ports[i]!;
        p.number = this.num();
        p.protocol = this.str();
        p.name = this.str();
      }
      d.raw = null;
      if (this.num() === 1) {
        this.raw.app = this.str();
        this.raw.canonical = this.str();
        d.raw = this.raw;
      }
      t.discovery = d;
    }
    return t;
  }

  /** The k-th IPv4 address of the task being read, its number read now. */
  private v4(k: number): Addr {
    if (k === this.v4s.length) this.v4s.push({ family: 4, v4: 0 });
    const a = this.v4s[k]!;
    a.v4 = this.num();
    return a;
  }

  /** The k-th IPv6 address of the task being read, its four words read now. */
  private v6(k: number): Addr {
    if (k === this.v6s.length) this.v6s.push({ family: 6, v6: new Uint8Array(16) });
    const a = this.v6s[k]!;
    const v6 = a.v6;
    for (let i = 0; i < 16; i += 4) {
      const w = this.num();
      v6[i] = w >>> 24;
      v6[i + 1] = (w >>> 16) & 0xff;
      v6[i + 2] = (w >>> 8) & 0xff;
      v6[i + 3] = w & 0xff;
    }
    return a;
  }

  private num(): number {
    return this.nums[this.at++]!;
  }

  private str(): string {
    return this.strings[this.num()]!;
  }
}
