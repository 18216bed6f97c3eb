import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generate, type GenerateInput } from '../../src/records/generator.js';
import { slaveIdTail, taskHash } from '../../src/records/hash.js';
import { labelFor } from '../../src/records/labels.js';
import { MemoryBudget } from '../../src/records/budget.js';
import { PtrPairs } from '../../src/records/ptr-pairs.js';
import type { RecordStore } from '../../src/records/store.js';
import { recordSetOf } from '../../src/records/store-text.js';
import { formatIPv6, parseAddr } from '../../src/net/ip.js';
import { validateState, type MesosState } from '../../src/state/state.js';

const S1 = '20140803-125133-3041283216-5050-2410-S1';
const S2 = '20140803-125133-3041283216-5050-2410-S2';

function demoState(): MesosState {
  const doc = JSON.parse(readFileSync(new URL('../../examples/state.json', import.meta.url), 'utf8')) as {
    frameworks: Array<{ tasks: unknown[] }>;
  };
  // A container on the host network: the Mesos containerizer reports the agent's own address as the task's.
  doc.frameworks[0]!.tasks.push({
    id: 'hostnet.1',
    name: 'hostnet',
    slave_id: S1,
    state: 'TASK_RUNNING',
    statuses: [
      {
        state: 'TASK_RUNNING',
        timestamp: 1,
        container_status: { network_infos: [{ ip_addresses: [{ ip_address: '10.0.0.1' }] }] },
      },
    ],
  });
  return validateState(doc).state;
}

function input(over: Partial<GenerateInput> = {}): GenerateInput {
  return {
    domain: 'mesos',
    enforceRFC952: false,
    ipSources: ['netinfo', 'mesos', 'host'],
    soaMname: 'ns1.mesos.',
    listener: '127.0.0.1',
    masters: ['127.0.0.1:5050', '10.7.0.2:5050'],
    healthyOnly: false,
    ptrOn: true,
    resolved: new Map([['localhost', ['127.0.0.1']]]),
    interfaceAddrs: [],
    ...over,
  };
}

const formatIPv4Value = (v: number) => [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join('.');

/** The PTR pairs as address text → sorted target names. */
function pairsOf(store: RecordStore): Record<string, string[]> {
  const p = store.ptr;
  const out: Record<string, string[]> = {};
  for (let g = 0; g < p.groupCount; g++) {
    const addr = p.familyOf(g) === 4 ? formatIPv4Value(p.v4Of(g)) : formatIPv6(p.v6Bytes(), p.v6Offset(g));
    const targets: string[] = [];
    for (let pair = p.firstPair(g); pair >= 0; pair = p.nextPair(pair)) targets.push(store.nameText(p.targetOf(pair)));
    out[addr] = targets.sort();
  }
  return out;
}

const canonical = (name: string, id: string, slave: string) =>
  `${labelFor(false)(name)}-${taskHash(id)}-${slaveIdTail(slave)}.marathon.mesos.`;

describe('PTR pairs from the generator', () => {
  it('gives tasks their own addresses, agents slave.<domain>, masters masterN and the leader leader.<domain>', () => {
    const state = demoState();
    expect(pairsOf(generate(state, input()).store)).toEqual({
      // netinfo, the latest running status
      '10.1.0.2': [canonical('web', 'web.1', S1)],
      // DiscoveryInfo: the sanitised canonical name only
      '10.9.9.9': [canonical('My DB.Primary', 'db.1', S2)],
      // the Mesos containerizer label
      '10.4.0.1': [canonical('mesosc', 'mesosc.1', S1)],
      'fd00::1': [canonical('v6', 'v6.1', S2)],
      '10.6.0.1': [canonical('v6', 'v6.1', S2)],
      // agents: never the tasks on them (host networking, or netinfo reporting the agent's address)
      '10.0.0.1': ['slave.mesos.'],
      '2001:db8::2': ['slave.mesos.'],
      // an agent and the leading master on one host: every name
      '127.0.0.1': ['leader.mesos.', 'master0.mesos.', 'slave.mesos.'],
      '10.7.0.2': ['master1.mesos.'],
    });
  });

  it('collects nothing with ptrOn off, and changes no other record', () => {
    const state = demoState();
    const off = generate(state, input({ ptrOn: false })).store;
    expect(off.ptr.groupCount).toBe(0);
    expect(recordSetOf(generate(state, input()).store)).toEqual(recordSetOf(off));
  });

  it('gives no PTR to an address from the host source, even when IPSources has no other', () => {
    expect(pairsOf(generate(demoState(), input({ ipSources: ['host'], masters: [] })).store)).toEqual({
      '10.0.0.1': ['slave.mesos.'],
      '2001:db8::2': ['slave.mesos.'],
      '127.0.0.1': ['leader.mesos.', 'master0.mesos.', 'slave.mesos.'],
    });
  });

  it('gives the Docker label address to its task when IPSources has docker', () => {
    const pairs = pairsOf(generate(demoState(), input({ ipSources: ['docker', 'host'] })).store);
    expect(pairs['172.17.0.5']).toEqual([canonical('dock', 'dock.1', S1)]);
  });
});

describe('PtrPairs', () => {
  const addr = (s: string) => parseAddr(s)!;

  it('keeps a pair once and groups the targets of one address', () => {
    const p = new PtrPairs(new MemoryBudget(Infinity));
    p.add(addr('10.0.0.1'), 7);
    p.add(addr('10.0.0.1'), 7);
    p.add(addr('::ffff:10.0.0.1'), 8);
    p.add(addr('2001:db8::1'), 7);
    p.add(addr('2001:db8:0::1'), 7);
    expect(p.groupCount).toBe(2);
    expect(p.pairCount).toBe(3);
    expect([p.targetOf(p.firstPair(0)), p.targetOf(p.nextPair(p.firstPair(0)))].sort()).toEqual([7, 8]);
    expect(p.nextPair(p.nextPair(p.firstPair(0)))).toBe(-1);
    expect(p.has(addr('10.0.0.1'), 8)).toBe(true);
    expect(p.has(addr('10.0.0.2'), 8)).toBe(false);
    expect(p.has(addr('2001:db8::1'), 8)).toBe(false);
  });

  it('finds every address again after its index grows', () => {
    const p = new PtrPairs(new MemoryBudget(Infinity));
    const addrs = Array.from({ length: 5000 }, (_, i) =>
      addr(i % 2 ? `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}` : `fd00::${i.toString(16)}`),
    );
    addrs.forEach((a, i) => p.add(a, i));
    addrs.forEach((a, i) => p.add(a, i));
    expect(p.groupCount).toBe(5000);
    expect(p.pairCount).toBe(5000);
    expect(addrs.every((a, i) => p.has(a, i) && !p.has(a, i + 1))).toBe(true);
  });

  it('charges its arrays to the refresh budget', () => {
    const p = new PtrPairs(new MemoryBudget(64 * 1024));
    expect(() => {
      for (let i = 0; i < 100_000; i++) p.add(addr(`10.0.${(i >> 8) & 255}.${i & 255}`), i);
    }).toThrow(/refreshHeapMiB/);
  });
});
