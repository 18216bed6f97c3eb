import { describe, expect, it } from 'vitest';
import { parseAddr, type Addr } from '../../src/net/ip.js';
import { FRAMEWORK_DONE, PreparedReader, PreparedWriter, agentIndexOf } from '../../src/records/prepared-codec.js';
import type { Agent, PreparedTask } from '../../src/records/prepared-task.js';
import type { StateWarning } from '../../src/state/state.js';

const addr = (s: string): Addr => parseAddr(s)!;
const agents: Agent[] = [
  { ips: [addr('10.0.0.1')], tail: 's0' },
  { ips: [addr('2001:db8::1'), addr('10.0.0.2')], tail: 's1' },
  { ips: [], tail: 's2' },
];

const tasks: PreparedTask[] = [
  {
    name: 'web',
    id: 'web.1',
    agent: agents[0]!,
    ips: [addr('192.168.0.7'), addr('fe80::1:2:3:4'), addr('255.255.255.255'), addr('::')],
    ownIPs: true,
    ports: [31000, 0, 65535],
    app: 'web',
    canonical: 'web-abcde-s0',
    discovery: null,
  },
  {
    name: 'café 🚀 <x>',
    id: 'id\u2028"quoted"',
    agent: agents[1]!,
    ips: agents[1]!.ips,
    ownIPs: false,
    ports: [],
    app: 'disc-name',
    canonical: 'disc-name-zzzzz-s1',
    discovery: {
      ports: [
        { number: 8080, protocol: '', name: 'http' },
        { number: 2 ** 31, protocol: 'udp', name: '' },
        { number: -1, protocol: 'tcp', name: 'x-y' },
      ],
      raw: { app: 'Disc Name', canonical: 'Disc Name-zzzzz-s1' },
    },
  },
  {
    name: '',
    id: '',
    agent: agents[2]!,
    ips: [],
    ownIPs: true,
    ports: [1],
    app: 'd',
    canonical: 'd-aaaaa-s2',
    discovery: { ports: [], raw: null },
  },
];

/**
 * A copy of what the reader gave, which it refills at its next call; the
 * agent (and its addresses) stays the reader's own object, as generation gets it.
 */
function kept(t: PreparedTask | typeof FRAMEWORK_DONE): PreparedTask | typeof FRAMEWORK_DONE {
  if (t === FRAMEWORK_DONE) return t;
  const ips = t.ownIPs
    ? t.ips.map((a) => (a.family === 4 ? { ...a } : { family: 6 as const, v6: a.v6.slice() }))
    : t.ips;
  const d = t.discovery;
  const discovery = d && { ports: d.ports.map((p) => ({ ...p })), raw: d.raw && { ...d.raw } };
  return { ...t, ips, ports: [...t.ports], discovery };
}

function readAll(reader: PreparedReader): Array<PreparedTask | typeof FRAMEWORK_DONE> {
  const out: Array<PreparedTask | typeof FRAMEWORK_DONE> = [];
  for (let t = reader.next(); t !== null; t = reader.next()) out.push(kept(t));
  return out;
}

describe('prepared tasks across threads', () => {
  it('read back as written, with the agents they name and the warnings in their place', () => {
    const events: unknown[] = [];
    const writer = new PreparedWriter(agentIndexOf(agents));
    writer.warning('before anything');
    writer.task(tasks[0]!);
    writer.badTask(7, 'bad-id', 'task.name is number, not a string');
    writer.badTask(8, undefined, 'task is not an object');
    writer.task(tasks[1]!);
    writer.frameworkEnd();
    writer.warning('after the second');
    writer.task(tasks[2]!);
    writer.frameworkEnd();
    // The numbers cross threads as bytes: what the reader gets is a copy, as postMessage gives it.
    const chunk = structuredClone(writer.take());

    const reader = new PreparedReader(
      agents,
      (msg) => events.push(['warn', msg]),
      (w: StateWarning) => events.push(['report', w]),
    );
    reader.load(chunk);
    const seen: unknown[] = [];
    for (let t = reader.next(); t !== null; t = reader.next()) seen.push([kept(t), [...events]]);

    expect(seen.map((s) => (s as [PreparedTask])[0])).toEqual([
      tasks[0],
      tasks[1],
      FRAMEWORK_DONE,
      tasks[2],
      FRAMEWORK_DONE,
    ]);
    // Each warning was met before the task after it, as generation would have met it.
    expect((seen[0] as unknown[])[1]).toEqual([['warn', 'before anything']]);
    expect((seen[1] as unknown[])[1]).toEqual([
      ['warn', 'before anything'],
      ['report', { item: 'task', index: 7, id: 'bad-id', reason: 'task.name is number, not a string' }],
      // As validation reports it (state/task.ts, `readTask`): the key is there, the id undefined.
      ['report', { item: 'task', index: 8, id: undefined, reason: 'task is not an object' }],
    ]);
    expect(Object.keys((events[2] as [string, object])[1])).toContain('id');
    expect(events.at(-1)).toEqual(['warn', 'after the second']);
    const read = (seen[1] as [PreparedTask])[0];
    // The agent and its addresses are the reader's own objects, not copies.
    expect(read.agent).toBe(agents[1]);
    expect(read.ips).toBe(agents[1]!.ips);
  });

  it('refills one task object, which holds the latest task read, shorter lists included', () => {
    const writer = new PreparedWriter(agentIndexOf(agents));
    // Each with fewer addresses, ports or named ports than the one before, or none of a kind it had: nothing of
    // the one before may be left over.
    writer.task(tasks[0]!);
    writer.task(tasks[1]!);
    writer.task(tasks[2]!);
    writer.task(tasks[0]!);
    const reader = new PreparedReader(
      agents,
      () => {},
      () => {},
    );
    reader.load(structuredClone(writer.take()));
    const first = reader.next() as PreparedTask;
    const ownIPs = first.ips;
    expect(kept(first)).toEqual(tasks[0]);
    expect(reader.next()).toBe(first);
    expect(kept(first)).toEqual(tasks[1]);
    expect(first.ips).toBe(agents[1]!.ips);
    expect(reader.next()).toBe(first);
    expect(kept(first)).toEqual(tasks[2]);
    expect(reader.next()).toBe(first);
    expect(kept(first)).toEqual(tasks[0]);
    // Its own addresses refilled in place too: the same array, the same address objects.
    expect(first.ips).toBe(ownIPs);
    expect(reader.next()).toBeNull();
  });

  it('starts every chunk empty', () => {
    const writer = new PreparedWriter(agentIndexOf(agents));
    writer.task(tasks[0]!);
    expect(writer.take().nums.length).toBeGreaterThan(0);
    const reader = new PreparedReader(
      agents,
      () => {},
      () => {},
    );
    reader.load(writer.take());
    expect(readAll(reader)).toEqual([]);
  });

  it('grows past its first buffer', () => {
    const writer = new PreparedWriter(agentIndexOf(agents));
    const many = Array.from({ length: 3000 }, (_, i) => ({ ...tasks[0]!, id: `t${i}`, ports: [i, i + 1, i + 2] }));
    for (const t of many) writer.task(t);
    const reader = new PreparedReader(
      agents,
      () => {},
      () => {},
    );
    reader.load(writer.take());
    expect(readAll(reader)).toEqual(many);
  });
});
