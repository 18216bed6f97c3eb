import { describe, expect, it } from 'vitest';
import { parseAddr } from '../../src/net/ip.js';
import { RecordStore } from '../../src/records/store.js';
import { recordSetOf, storeOf } from '../../src/records/store-text.js';
import { hostNameToWire, wireToName } from '../../src/table/encode.js';
import { hashWireName, R } from '../../src/table/layout.js';
import { MAX_REVERSE_NAME, writeIPv4ReverseName, writeIPv6ReverseName } from '../../src/table/reverse.js';
import { RecordTable, type TableMeta } from '../../src/table/table.js';
import { LiveTable } from '../../src/table/live.js';
import { encodeName } from '../helpers/dns-msg.js';

const META: TableMeta = {
  domain: 'mesos',
  ttl: 60,
  serial: 1,
  soaMname: 'ns1.mesos.',
  soaRname: 'root.ns1.mesos.',
  soaRefresh: 60,
  soaRetry: 600,
  soaExpire: 86400,
  soaMinttl: 60,
  srvWeight: 1,
};

function reverseOf(ip: string): Uint8Array {
  const a = parseAddr(ip)!;
  const out = new Uint8Array(MAX_REVERSE_NAME);
  const end = a.family === 4 ? writeIPv4ReverseName(a.v4, out, 0) : writeIPv6ReverseName(a.v6, 0, out, 0);
  return out.subarray(0, end);
}

/** A store with A records and PTR pairs `address → names`. */
function storeWith(ptrs: Record<string, string[]>): RecordStore {
  const s = new RecordStore();
  for (const [ip, names] of Object.entries(ptrs)) {
    for (const name of names) {
      const id = s.id(name);
      const a = parseAddr(ip)!;
      s.addAddr(id, a);
      s.ptr.add(a, id);
    }
  }
  return s;
}

/** The PTR targets of a reverse name in `t`, or null when it has no reverse entry. */
function ptrTargets(t: RecordTable, name: string): string[] | null {
  const wire = encodeName(name);
  const idx = t.find(wire, 0, wire.length);
  if (idx < t.reverseEntry) return null;
  const e = t.entriesOff + idx * 8;
  const out: string[] = [];
  for (let i = 0; i < t.u32[e + R.ptrCount]!; i++) {
    const rr = t.u32[t.ptrListOff + (t.u32[e + R.ptrIndex]! + i) * 2]!;
    expect((t.u8[rr]! << 8) | t.u8[rr + 1]!).toBe(12);
    out.push(wireToName(t.u8, rr + 10));
  }
  return out.sort();
}

describe('reverse names', () => {
  it.each([
    ['10.1.0.2', '2.0.1.10.in-addr.arpa.'],
    ['0.0.0.0', '0.0.0.0.in-addr.arpa.'],
    ['192.168.100.255', '255.100.168.192.in-addr.arpa.'],
    ['::ffff:1.2.3.4', '4.3.2.1.in-addr.arpa.'],
    ['2001:db8::567:89ab', 'b.a.9.8.7.6.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.'],
    ['fd00::1', '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa.'],
  ])('%s → %s, hashed as the table hashes a query name', (ip, name) => {
    const wire = reverseOf(ip);
    expect(wireToName(wire, 0)).toBe(name);
    expect(wire).toEqual(hostNameToWire(name));
    const upper = hostNameToWire(name)!.map((b) => (b >= 0x61 && b <= 0x7a ? b - 0x20 : b));
    expect(hashWireName(wire, 0, wire.length)).toBe(hashWireName(upper, 0, upper.length));
  });

  it('fits the longest one in MAX_REVERSE_NAME', () => {
    expect(reverseOf('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff').length).toBe(MAX_REVERSE_NAME);
  });
});

describe('reverse entries in the table', () => {
  const store = storeWith({
    '10.1.0.2': ['web-abcde-s1.marathon.mesos.'],
    '10.0.0.1': ['slave.mesos.'],
    '10.0.0.2': ['slave.mesos.'],
    '127.0.0.1': ['leader.mesos.', 'master0.mesos.', 'slave.mesos.'],
    'fd00::1': ['v6-abcde-s2.marathon.mesos.'],
  });
  const table = RecordTable.build(store, META);

  it('finds each address’s reverse name, in any case, with every name of the address', () => {
    expect(ptrTargets(table, '2.0.1.10.in-addr.arpa.')).toEqual(['web-abcde-s1.marathon.mesos.']);
    expect(ptrTargets(table, '1.0.0.10.IN-ADDR.ARPA.')).toEqual(['slave.mesos.']);
    expect(ptrTargets(table, '1.0.0.127.in-addr.arpa')).toEqual(['leader.mesos.', 'master0.mesos.', 'slave.mesos.']);
    expect(ptrTargets(table, `1.${'0.'.repeat(29)}d.f.ip6.arpa.`)).toEqual(['v6-abcde-s2.marathon.mesos.']);
    expect(table.counts.ptr).toBe(7);
  });

  it('encodes a PTR RR once per target however many addresses share it', () => {
    const rrOf = (name: string, k: number) => {
      const wire = hostNameToWire(name)!;
      const e = table.entriesOff + table.find(wire, 0, wire.length) * 8;
      const ptrs: number[] = [];
      for (let i = 0; i < table.u32[e + R.ptrCount]!; i++) {
        ptrs.push(table.u32[table.ptrListOff + (table.u32[e + R.ptrIndex]! + i) * 2]!);
      }
      return ptrs[k];
    };
    expect(rrOf('1.0.0.10.in-addr.arpa.', 0)).toBe(rrOf('2.0.0.10.in-addr.arpa.', 0));
  });

  it('holds no reverse name for other addresses, nor the names between them and in-addr.arpa', () => {
    expect(ptrTargets(table, '3.0.0.10.in-addr.arpa.')).toBeNull();
    expect(ptrTargets(table, '0.0.10.in-addr.arpa.')).toBeNull();
    expect(ptrTargets(table, 'in-addr.arpa.')).toBeNull();
  });

  it('keeps reverse names out of the HTTP lookups and the forward names as they were', () => {
    expect(table.lookup('2.0.1.10.in-addr.arpa.')).toBeNull();
    // The view HTTP reads in the server (a base with no overlay) too.
    expect(new LiveTable(table).lookup('2.0.1.10.in-addr.arpa.')).toBeNull();
    expect(table.lookup('web-abcde-s1.marathon.mesos.')).toEqual({ a: ['10.1.0.2'], aaaa: [], srv: [] });
    const plain = RecordTable.build(storeOf(recordSetOf(store)), META);
    expect(plain.reverseEntry).toBe(plain.entryCount);
    expect(table.reverseEntry).toBe(plain.entryCount);
    expect(table.counts).toEqual({ ...plain.counts, ptr: 7 });
  });

  it('leaves out a target that cannot go on the wire, and an address left with none', () => {
    const s = storeWith({
      '10.1.0.3': ['Bad Name.marathon.mesos.'],
      '10.1.0.4': ['ok.mesos.', 'x'.repeat(64) + '.mesos.'],
    });
    const t = RecordTable.build(s, META);
    expect(ptrTargets(t, '3.0.1.10.in-addr.arpa.')).toBeNull();
    expect(ptrTargets(t, '4.0.1.10.in-addr.arpa.')).toEqual(['ok.mesos.']);
  });

  it('leaves out reverse names inside the domain itself: the domain’s own names win', () => {
    const s = storeWith({ '10.1.0.2': ['web.10.in-addr.arpa.'], '192.0.2.1': ['web.10.in-addr.arpa.'] });
    const t = RecordTable.build(s, { ...META, domain: '10.in-addr.arpa' });
    expect(ptrTargets(t, '2.0.1.10.in-addr.arpa.')).toBeNull();
    expect(ptrTargets(t, '1.2.0.192.in-addr.arpa.')).toEqual(['web.10.in-addr.arpa.']);
  });
});
