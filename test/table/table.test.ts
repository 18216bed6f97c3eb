import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { RecordTable, type TableMeta } from '../../src/table/table.js';
import type { RecordSet, Values } from '../../src/records/types.js';
import { fixtureRecords, tableOf } from '../helpers/fixtures.js';

export const META: TableMeta = {
  domain: 'mesos',
  ttl: 60,
  serial: 1700000000,
  soaMname: 'ns1.mesos.',
  soaRname: 'root.ns1.mesos.',
  soaRefresh: 60,
  soaRetry: 600,
  soaExpire: 86400,
  soaMinttl: 60,
  srvWeight: 1,
};

/** A RecordSet as the generator stores it: distinct values, a single one as the string itself. */
function recordSet(
  a: Record<string, string[]>,
  aaaa: Record<string, string[]> = {},
  srv: Record<string, string[]> = {},
): RecordSet {
  const distinct = (v: string[]): Values => {
    const d = [...new Set(v)];
    return d.length === 1 ? d[0]! : d;
  };
  const toMap = (o: Record<string, string[]>) => new Map(Object.entries(o).map(([k, v]) => [k, distinct(v)]));
  return { a: toMap(a), aaaa: toMap(aaaa), srv: toMap(srv) };
}

const LEGAL = /^([a-z0-9_-]{1,63}\.)+$/;
function legalInDomain(name: string): boolean {
  return LEGAL.test(name) && name.length + 1 <= 255 && (name === 'mesos.' || name.endsWith('.mesos.'));
}

describe('RecordTable.build and lookup', () => {
  const records = recordSet(
    {
      'web.marathon.mesos.': ['10.1.0.2', '10.1.0.3', '10.1.0.2'],
      'web-e844k-s1.marathon.slave.mesos.': ['10.0.0.1'],
      'ns1.mesos.': ['127.0.0.1'],
      'outside.example.': ['10.9.9.9'],
      'bogus.mesos.': ['not-an-ip', '1.2.3'],
    },
    { 'web.marathon.mesos.': ['2001:db8::1', '2001:0db8:0:0::1', '::ffff:1.2.3.4', 'fe80::1%eth0'] },
    {
      '_web._tcp.marathon.mesos.': [
        'web-e844k-s1.marathon.slave.mesos.:31000',
        'web-e844k-s1.marathon.slave.mesos.:31001',
        'web-e844k-s1.marathon.slave.mesos.:70000',
        'no-port.mesos.',
        'x.mesos.:http',
        'Upper.mesos.:1',
      ],
    },
  );
  const table = tableOf(records, META);

  it('stores deduplicated, validated values', () => {
    expect(table.lookup('web.marathon.mesos.')).toEqual({
      a: ['10.1.0.2', '10.1.0.3'],
      aaaa: ['2001:db8::1', '::ffff:102:304'],
      srv: [],
    });
    expect(table.lookup('_web._tcp.marathon.mesos.')?.srv).toEqual([
      { target: 'web-e844k-s1.marathon.slave.mesos.', port: 31000 },
      { target: 'web-e844k-s1.marathon.slave.mesos.', port: 31001 },
      { target: 'web-e844k-s1.marathon.slave.mesos.', port: 70000 & 0xffff },
    ]);
  });

  it('looks names up case-insensitively with or without the trailing dot', () => {
    expect(table.lookup('WEB.Marathon.MESOS')?.a).toEqual(['10.1.0.2', '10.1.0.3']);
    expect(table.lookup('ns1.mesos')?.a).toEqual(['127.0.0.1']);
  });

  it('knows empty non-terminals and the apex, but not missing or outside names', () => {
    for (const ent of ['marathon.mesos.', 'slave.mesos.', 'marathon.slave.mesos.', '_tcp.marathon.mesos.', 'mesos.']) {
      expect(table.lookup(ent), ent).toEqual({ a: [], aaaa: [], srv: [] });
    }
    expect(table.lookup('nothere.mesos.')).toBeNull();
    expect(table.lookup('outside.example.')).toBeNull();
    expect(table.lookup('example.')).toBeNull();
    expect(table.lookup('bogus.mesos.')).toBeNull();
    expect(table.lookup('web..mesos.')).toBeNull();
  });

  it('counts names with records and the records', () => {
    expect(table.counts).toEqual({ names: 4, a: 4, aaaa: 2, srv: 3, ptr: 0 });
  });

  it('builds the same table from a single value stored as a string or as a one-element array', () => {
    const single: RecordSet = {
      a: new Map([
        ['a.mesos.', '10.0.0.1'],
        ['a.mesos', '10.0.0.2'],
      ]),
      aaaa: new Map([['a.mesos.', '2001:db8::1']]),
      srv: new Map([
        ['_a._tcp.mesos.', 'a.mesos.:80'],
        ['_a._udp.mesos.', 'a.mesos.:80'],
      ]),
    };
    const listed: RecordSet = {
      a: new Map([
        ['a.mesos.', ['10.0.0.1']],
        ['a.mesos', ['10.0.0.2']],
      ]),
      aaaa: new Map([['a.mesos.', ['2001:db8::1']]]),
      srv: new Map([
        ['_a._tcp.mesos.', ['a.mesos.:80']],
        ['_a._udp.mesos.', ['a.mesos.:80']],
      ]),
    };
    const built = tableOf(single, META);
    expect(built.lookup('a.mesos.')).toEqual({ a: ['10.0.0.1', '10.0.0.2'], aaaa: ['2001:db8::1'], srv: [] });
    expect(built.lookup('_a._udp.mesos.')?.srv).toEqual([{ target: 'a.mesos.', port: 80 }]);
    expect(Buffer.from(built.buffer)).toEqual(Buffer.from(tableOf(listed, META).buffer));
  });

  it('keeps the meta inside the buffer', () => {
    expect(RecordTable.fromBuffer(table.buffer.slice(0)).meta).toEqual(META);
  });
});

describe('RecordTable.fromBuffer', () => {
  it('works on a buffer transferred between threads (zero-copy)', async () => {
    const built = tableOf(fixtureRecords('upstream-fake'), META);
    const expected = built.lookup('_liquor-store._tcp.marathon.mesos.');
    const { port1, port2 } = new MessageChannel();
    const received = new Promise<ArrayBuffer>((resolve) => port2.once('message', resolve));
    port1.postMessage(built.buffer, [built.buffer]);
    const buffer = await received;
    port1.close();
    port2.close();
    expect(built.buffer.byteLength).toBe(0);
    const table = RecordTable.fromBuffer(buffer);
    expect(table.lookup('_liquor-store._tcp.marathon.mesos.')).toEqual(expected);
    expect(expected?.srv).toHaveLength(4);
  });

  it('rejects buffers that are not a table', () => {
    for (const bad of [new ArrayBuffer(0), new ArrayBuffer(160), new Uint8Array(400).fill(7).buffer]) {
      expect(() => RecordTable.fromBuffer(bad)).toThrow(expect.objectContaining({ code: 'MESOS_DNS_TABLE_INVALID' }));
    }
    const good = tableOf(recordSet({}), META).buffer;
    expect(() => RecordTable.fromBuffer(good.slice(0, good.byteLength - 4))).toThrow(
      expect.objectContaining({ code: 'MESOS_DNS_TABLE_INVALID' }),
    );
  });
});

describe('illegal names never enter the table', () => {
  it('skips upper case, spaces, empty labels, long labels and long names', () => {
    const long = `${'a'.repeat(63)}.`.repeat(4);
    const table = tableOf(
      recordSet({
        'Upper.mesos.': ['10.0.0.1'],
        'has space.mesos.': ['10.0.0.2'],
        'empty..mesos.': ['10.0.0.3'],
        '.mesos.': ['10.0.0.4'],
        [`${'b'.repeat(64)}.mesos.`]: ['10.0.0.5'],
        [`${long}mesos.`]: ['10.0.0.6'],
        '*.mesos.': ['10.0.0.7'],
        'ok.mesos.': ['10.0.0.8'],
      }),
      META,
    );
    expect(table.counts).toEqual({ names: 1, a: 1, aaaa: 0, srv: 0, ptr: 0 });
    expect(table.lookup('upper.mesos.')).toBeNull();
    expect(table.lookup('ok.mesos.')?.a).toEqual(['10.0.0.8']);
  });

  it('rejects unusable meta with the config key named', () => {
    expect(() => tableOf(recordSet({}), { ...META, domain: 'bad domain' })).toThrow(
      expect.objectContaining({ key: 'domain' }),
    );
    expect(() => tableOf(recordSet({}), { ...META, soaMname: 'a..b' })).toThrow(
      expect.objectContaining({ key: 'soaMname' }),
    );
    expect(() => tableOf(recordSet({}), { ...META, ttl: -1 })).toThrow(expect.objectContaining({ key: 'ttl' }));
  });
});

describe('golden fixtures', () => {
  function expectMatchesFixture(name: string): RecordTable {
    const rs = fixtureRecords(name);
    const table = tableOf(rs, META);
    const counted = { a: 0, aaaa: 0, srv: 0 };
    const names = new Set<string>();
    for (const [kind, map] of [
      ['a', rs.a],
      ['aaaa', rs.aaaa],
      ['srv', rs.srv],
    ] as const) {
      for (const [owner, values] of map) {
        if (!legalInDomain(owner)) continue;
        const got = table.lookup(owner);
        expect(got, owner).not.toBeNull();
        const legal = [...values].filter((v) => kind !== 'srv' || LEGAL.test(v.slice(0, v.lastIndexOf(':'))));
        const rendered = kind === 'srv' ? got!.srv.map((s) => `${s.target}:${s.port}`) : got![kind];
        expect(new Set(rendered), owner).toEqual(new Set(legal));
        counted[kind] += legal.length;
        if (legal.length > 0) names.add(owner);
      }
    }
    expect(table.counts).toEqual({ ...counted, ptr: 0, names: names.size });
    return table;
  }

  it('upstream-fake: every name and value is in the table', () => {
    const table = expectMatchesFixture('upstream-fake');
    expect(table.lookup('slave.mesos.')).toEqual({ a: expect.any(Array), aaaa: ['2001:db8::1'], srv: [] });
    expect(table.counts.names).toBeGreaterThan(90);
  });

  it('nasty-300: legal names are all there, illegal ones are left out, nothing throws', () => {
    const rs = fixtureRecords('nasty-300');
    const illegal = [...rs.a.keys(), ...rs.aaaa.keys(), ...rs.srv.keys()].filter((n) => !legalInDomain(n));
    expect(illegal.length).toBeGreaterThan(10);
    const table = expectMatchesFixture('nasty-300');
    expect(table.lookup('Discovered.Name.marathon-0.7.5.mesos.')).toBeNull();
  });
});
