import { describe, expect, it } from 'vitest';
import { answer } from '../../../src/dns/answer/answer.js';
import type { AnswerContext, Verdict } from '../../../src/dns/answer/verdict.js';
import { DnsStats } from '../../../src/dns/stats/counters.js';
import { OPCODE, QCLASS, QTYPE, RCODE } from '../../../src/wire/constants.js';
import {
  buildQuery,
  decodeMessage,
  encodeName,
  type DecodedMessage,
  type DecodedRecord,
  type DecodedSoa,
  type QueryOptions,
} from '../../helpers/dns-msg.js';
import { RecordTable, type TableMeta } from '../../../src/table/table.js';
import { storeOf } from '../../../src/records/store-text.js';
import { parseAddr } from '../../../src/net/ip.js';
import type { RecordSet } from '../../../src/records/types.js';
import { fixtureRecords, tableOf } from '../../helpers/fixtures.js';
import { prng as seeded } from '../../../bench/prng.js';

const META: TableMeta = {
  domain: 'mesos',
  ttl: 60,
  serial: 1700000000,
  soaMname: 'ns1.mesos.',
  soaRname: 'root.ns1.mesos.',
  soaRefresh: 11,
  soaRetry: 22,
  soaExpire: 33,
  soaMinttl: 5,
  srvWeight: 7,
};

function recordSet(
  a: Record<string, string[]>,
  aaaa: Record<string, string[]> = {},
  srv: Record<string, string[]> = {},
): RecordSet {
  // Distinct values, as the generator stores them.
  const toMap = (o: Record<string, string[]>) => new Map(Object.entries(o).map(([k, v]) => [k, [...new Set(v)]]));
  return { a: toMap(a), aaaa: toMap(aaaa), srv: toMap(srv) };
}

const sixty = Array.from({ length: 60 }, (_, i) => `10.2.${i >> 8}.${i & 0xff}`);
const tableRecords = recordSet(
  {
    'web.marathon.mesos.': ['10.1.0.2', '10.1.0.3'],
    'web-a.marathon.slave.mesos.': ['10.0.0.1', '10.0.0.2'],
    'web-b.marathon.slave.mesos.': ['10.0.0.3'],
    'big.marathon.mesos.': sixty,
    'ns1.mesos.': ['192.0.2.53'],
    '_car-store._udp.marathon.mesos.': ['10.5.5.5'],
  },
  { 'web-a.marathon.slave.mesos.': ['2001:db8::a'], 'ns1.mesos.': ['2001:db8::53'] },
  {
    '_web._tcp.marathon.mesos.': [
      'web-a.marathon.slave.mesos.:31000',
      'web-b.marathon.slave.mesos.:31001',
      'web-a.marathon.slave.mesos.:31002',
    ],
    '_ext._tcp.marathon.mesos.': ['host.example.org.:8080'],
    '_big._tcp.marathon.mesos.': sixty.map((_, i) => `web-a.marathon.slave.mesos.:${30000 + i}`),
  },
);
const table = tableOf(tableRecords, META);

function ctx(over: Partial<AnswerContext> = {}): AnswerContext {
  return {
    transport: 'udp',
    domain: 'mesos',
    recursionAvailable: true,
    externalOn: false,
    setTruncateBit: true,
    ednsMaxUdpSize: 1232,
    stats: new DnsStats(),
    random: seeded(42),
    ...over,
  };
}

function replyOf(v: Verdict): Buffer {
  if (v.kind !== 'reply') throw new Error(`expected a reply, got ${v.kind}`);
  return v.reply;
}

function ask(
  name: string,
  opts: QueryOptions = {},
  c: AnswerContext = ctx(),
  t: RecordTable | null = table,
): DecodedMessage & { raw: Buffer; query: Buffer } {
  const query = buildQuery(name, opts);
  const raw = replyOf(answer(query, t, c));
  return { ...decodeMessage(raw), raw, query };
}

const values = (rrs: DecodedRecord[]) => rrs.map((r) => r.data);
const opt = (m: DecodedMessage) => m.additionals.find((r) => r.type === QTYPE.OPT);

function expectNegativeSoa(m: DecodedMessage, apexName = 'mesos.'): void {
  expect(m.answers).toHaveLength(0);
  expect(m.authorities).toHaveLength(1);
  const soa = m.authorities[0]!;
  expect(soa.type).toBe(QTYPE.SOA);
  expect(soa.name.toLowerCase()).toBe(apexName);
  expect(soa.ttl).toBe(Math.min(META.ttl, META.soaMinttl));
  expect(soa.data).toEqual({
    mname: 'ns1.mesos.',
    rname: 'root.ns1.mesos.',
    serial: META.serial,
    refresh: 11,
    retry: 22,
    expire: 33,
    minimum: 5,
  });
}

describe('positive answers', () => {
  it('answers A with AA, RA, TTL, and echoes the question byte for byte and its case in owners', () => {
    const m = ask('WEB.Marathon.Mesos.', { qtype: QTYPE.A, id: 0xbeef });
    expect(m).toMatchObject({
      id: 0xbeef,
      qr: true,
      aa: true,
      ra: true,
      rd: true,
      tc: false,
      rcode: RCODE.NOERROR,
      opcode: 0,
    });
    expect(m.raw.subarray(12, m.query.length)).toEqual(m.query.subarray(12));
    expect(new Set(values(m.answers))).toEqual(new Set(['10.1.0.2', '10.1.0.3']));
    for (const rr of m.answers) expect(rr).toMatchObject({ name: 'WEB.Marathon.Mesos.', ttl: 60, class: QCLASS.IN });
    expect(m.authorities).toHaveLength(0);
    expect(m.additionals).toHaveLength(0);
  });

  it('answers AAAA', () => {
    const m = ask('web-a.marathon.slave.mesos', { qtype: QTYPE.AAAA });
    expect(values(m.answers)).toEqual(['2001:db8::a']);
  });

  it('answers SRV with priority 0, the configured weight, uncompressed targets and complete glue RRsets', () => {
    const m = ask('_web._tcp.marathon.mesos.', { qtype: QTYPE.SRV });
    expect(m.rcode).toBe(RCODE.NOERROR);
    expect(new Set(values(m.answers))).toEqual(
      new Set(
        [
          { priority: 0, weight: 7, port: 31000, target: 'web-a.marathon.slave.mesos.' },
          { priority: 0, weight: 7, port: 31001, target: 'web-b.marathon.slave.mesos.' },
          { priority: 0, weight: 7, port: 31002, target: 'web-a.marathon.slave.mesos.' },
        ].map((x) => expect.objectContaining(x)),
      ),
    );
    for (const rr of m.answers) {
      const target = (rr.data as { target: string }).target;
      expect(Buffer.from(rr.rdata.subarray(6))).toEqual(encodeName(target));
    }
    const glue = m.additionals.map((r) => `${r.name} ${r.type} ${String(r.data)}`).sort();
    expect(glue).toEqual([
      'web-a.marathon.slave.mesos. 1 10.0.0.1',
      'web-a.marathon.slave.mesos. 1 10.0.0.2',
      'web-a.marathon.slave.mesos. 28 2001:db8::a',
      'web-b.marathon.slave.mesos. 1 10.0.0.3',
    ]);
  });

  it('adds no glue for targets outside the table', () => {
    const m = ask('_ext._tcp.marathon.mesos.', { qtype: QTYPE.SRV });
    expect(values(m.answers)).toEqual([{ priority: 0, weight: 7, port: 8080, target: 'host.example.org.' }]);
    expect(m.additionals).toHaveLength(0);
  });

  it('answers ANY with every RRset at the name', () => {
    const m = ask('web-a.marathon.slave.mesos.', { qtype: QTYPE.ANY });
    expect(new Set(values(m.answers))).toEqual(new Set(['10.0.0.1', '10.0.0.2', '2001:db8::a']));
  });

  it('answers QCLASS ANY with the IN data', () => {
    expect(values(ask('web-b.marathon.slave.mesos.', { qtype: QTYPE.A, qclass: QCLASS.ANY }).answers)).toEqual([
      '10.0.0.3',
    ]);
  });

  it('copies RD and CD, sets RA from the context', () => {
    const m = ask('web.marathon.mesos.', { qtype: QTYPE.A, rd: false, cd: true }, ctx({ recursionAvailable: false }));
    expect(m).toMatchObject({ rd: false, cd: true, ra: false, aa: true });
  });
});

describe('the apex', () => {
  it('answers SOA in ANSWER with TTL ttl and MINIMUM SOAMinttl', () => {
    const m = ask('Mesos.', { qtype: QTYPE.SOA });
    expect(m.rcode).toBe(RCODE.NOERROR);
    expect(m.answers).toHaveLength(1);
    expect(m.answers[0]).toMatchObject({ name: 'Mesos.', ttl: 60, type: QTYPE.SOA });
    expect((m.answers[0]!.data as DecodedSoa).minimum).toBe(5);
    expect(m.authorities).toHaveLength(0);
  });

  it('answers NS in ANSWER with the A and AAAA of SOAMname as glue', () => {
    const m = ask('mesos', { qtype: QTYPE.NS });
    expect(m.answers).toHaveLength(1);
    expect(m.answers[0]).toMatchObject({ name: 'mesos.', type: QTYPE.NS, ttl: 60, data: 'ns1.mesos.' });
    expect(m.additionals.map((r) => [r.name, r.data])).toEqual([
      ['ns1.mesos.', '192.0.2.53'],
      ['ns1.mesos.', '2001:db8::53'],
    ]);
  });

  it('answers ANY with SOA and NS', () => {
    const m = ask('mesos.', { qtype: QTYPE.ANY });
    expect(m.answers.map((r) => r.type)).toEqual([QTYPE.SOA, QTYPE.NS]);
  });

  it('gives NODATA for A, AAAA, SRV, MX and DS at the apex', () => {
    for (const type of [QTYPE.A, QTYPE.AAAA, QTYPE.SRV, QTYPE.MX, QTYPE.DS]) {
      const m = ask('mesos.', { qtype: type });
      expect(m.rcode, `type ${type}`).toBe(RCODE.NOERROR);
      expect(m.aa).toBe(true);
      expectNegativeSoa(m);
    }
  });
});

describe('negative answers', () => {
  it('gives NODATA for empty non-terminals and missing types, NXDOMAIN for missing names, for every qtype', () => {
    const c = ctx();
    for (const type of [
      QTYPE.A,
      QTYPE.AAAA,
      QTYPE.SRV,
      QTYPE.ANY,
      QTYPE.MX,
      QTYPE.TXT,
      QTYPE.SOA,
      QTYPE.NS,
      QTYPE.DS,
      0,
      65535,
    ]) {
      for (const name of ['marathon.slave.mesos.', '_tcp.marathon.mesos.', 'slave.mesos.', 'marathon.mesos.']) {
        const m = ask(name, { qtype: type }, c);
        expect(m.rcode, `${name} ${type}`).toBe(RCODE.NOERROR);
        expectNegativeSoa(m);
      }
      const missing = ask('NOTHERE.Marathon.mesos.', { qtype: type }, c);
      expect(missing.rcode, `missing ${type}`).toBe(RCODE.NXDOMAIN);
      expect(missing.aa).toBe(true);
      expectNegativeSoa(missing);
      expect(missing.authorities[0]!.name).toBe('mesos.');
    }
    expect(c.stats.nodata).toBe(44);
    expect(c.stats.nxdomain).toBe(11);
  });

  it('gives NODATA for a name with other types only', () => {
    const m = ask('_car-store._udp.marathon.mesos.', { qtype: QTYPE.SRV });
    expect(m.rcode).toBe(RCODE.NOERROR);
    expectNegativeSoa(m);
    expectNegativeSoa(ask('web.marathon.mesos.', { qtype: QTYPE.SOA }));
  });

  it('treats * as an ordinary label and .* as nothing special', () => {
    expect(ask('*.marathon.mesos.', { qtype: QTYPE.A }).rcode).toBe(RCODE.NXDOMAIN);
    expect(ask('web.*.marathon.mesos.', { qtype: QTYPE.A }).rcode).toBe(RCODE.NXDOMAIN);
  });

  it('answers SERVFAIL for names in the domain while no table is loaded', () => {
    const c = ctx();
    const m = ask('web.marathon.mesos.', { qtype: QTYPE.A }, c, null);
    expect(m).toMatchObject({ rcode: RCODE.SERVFAIL, aa: false, qr: true });
    expect(m.questions).toEqual([{ name: 'web.marathon.mesos.', type: QTYPE.A, class: QCLASS.IN }]);
    expect(c.stats.servfail).toBe(1);
    expect(answer(buildQuery('example.org.', { qtype: QTYPE.A }), null, ctx({ externalOn: true })).kind).toBe(
      'forward',
    );
  });
});

describe('refusals and errors', () => {
  it('refuses AXFR, IXFR and classes other than IN/ANY', () => {
    for (const [name, opts] of [
      ['mesos.', { qtype: QTYPE.AXFR }],
      ['mesos.', { qtype: QTYPE.IXFR }],
      ['web.marathon.mesos.', { qtype: QTYPE.A, qclass: QCLASS.CH }],
      ['web.marathon.mesos.', { qtype: QTYPE.A, qclass: QCLASS.HS }],
    ] as const) {
      const m = ask(name, opts, ctx({ transport: 'tcp' }));
      expect(m.rcode).toBe(RCODE.REFUSED);
      expect(m.answers).toHaveLength(0);
      expect(m.questions).toHaveLength(1);
    }
  });

  it('refuses names outside the domain when forwarding is off (AA=0, RA=0, question echoed)', () => {
    const c = ctx();
    for (const name of ['example.org.', 'xmesos.', '.', 'mesos.example.']) {
      const m = ask(name, { qtype: QTYPE.A }, c);
      expect(m).toMatchObject({ rcode: RCODE.REFUSED, aa: false, ra: false });
      expect(m.questions[0]!.name).toBe(name);
    }
    expect(c.stats.refused).toBe(4);
  });

  it('answers NOTIMP for other opcodes, echoing the opcode', () => {
    const c = ctx();
    for (const opcode of [OPCODE.IQUERY, OPCODE.STATUS, OPCODE.NOTIFY, OPCODE.UPDATE]) {
      const m = ask('web.marathon.mesos.', { qtype: QTYPE.A, opcode: opcode }, c);
      expect(m).toMatchObject({ rcode: RCODE.NOTIMP, opcode, qr: true });
      expect(m.answers).toHaveLength(0);
    }
    expect(c.stats.notimp).toBe(4);
  });

  it('drops responses and runts', () => {
    const c = ctx();
    const response = buildQuery('web.marathon.mesos.', { qtype: QTYPE.A });
    response[2]! |= 0x80;
    expect(answer(response, table, c)).toEqual({ kind: 'drop' });
    expect(answer(Buffer.alloc(11), table, c)).toEqual({ kind: 'drop' });
    expect(c.stats.dropped).toBe(2);
  });

  const good = buildQuery('web.marathon.mesos.', { qtype: QTYPE.A, id: 0x4242 });
  const withOpt = buildQuery('web.marathon.mesos.', { qtype: QTYPE.A, id: 0x4242, edns: 4096 });
  const malformed: Record<string, Buffer> = {
    'QDCOUNT 0': Buffer.from(good).fill(0, 4, 6),
    'QDCOUNT 2': (() => {
      const b = Buffer.concat([good, good.subarray(12)]);
      b[5] = 2;
      return b;
    })(),
    'truncated question': good.subarray(0, good.length - 1),
    'label runs off the end': Buffer.concat([good.subarray(0, 12), Buffer.from([30, 0x61, 0x62])]),
    'extended label type': Buffer.concat([good.subarray(0, 12), Buffer.from([0x41, 0, 0, 1, 0, 1])]),
    'compression pointer in QNAME': Buffer.concat([good.subarray(0, 12), Buffer.from([0xc0, 0x0c, 0, 1, 0, 1])]),
    'name over 255 octets': Buffer.concat([
      good.subarray(0, 12),
      ...Array.from({ length: 5 }, () => Buffer.from([63, ...Buffer.alloc(63, 0x61)])),
      Buffer.from([0, 0, 1, 0, 1]),
    ]),
    'ARCOUNT past the end': (() => {
      const b = Buffer.from(good);
      b[11] = 1;
      return b;
    })(),
    'truncated OPT': withOpt.subarray(0, withOpt.length - 3),
    'two OPT RRs': (() => {
      const b = Buffer.concat([withOpt, withOpt.subarray(withOpt.length - 11)]);
      b[11] = 2;
      return b;
    })(),
    'OPT owner not root': (() => {
      const b = Buffer.concat([good, Buffer.from([1, 0x61, 0, 0, 41, 16, 0, 0, 0, 0, 0, 0, 0])]);
      b[11] = 1;
      return b;
    })(),
  };
  for (const [what, query] of Object.entries(malformed)) {
    it(`answers FORMERR with the ID and no question: ${what}`, () => {
      const c = ctx();
      const m = decodeMessage(replyOf(answer(query, table, c)));
      expect(m).toMatchObject({ id: 0x4242, qr: true, rcode: RCODE.FORMERR, questions: [], answers: [] });
      expect(c.stats.formerr).toBe(1);
    });
  }

  it('accepts the 255-octet maximum name', () => {
    const name = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(55)}.mesos.`;
    expect(encodeName(name).length).toBe(255);
    expect(ask(name, { qtype: QTYPE.A }).rcode).toBe(RCODE.NXDOMAIN);
  });
});

describe('forwarding', () => {
  const fwd = (name: string, opts: QueryOptions, over: Partial<AnswerContext> = {}) =>
    answer(buildQuery(name, opts), table, ctx({ externalOn: true, ...over }));

  it('forwards names outside the domain with what was parsed and the client size, capped at ednsMaxUdpSize', () => {
    const limitOf = (v: Verdict): number => (v.kind === 'forward' ? v.request.limit : -1);
    expect(fwd('WWW.Example.ORG.', { qtype: QTYPE.A })).toEqual({
      kind: 'forward',
      request: {
        qnameEnd: 12 + 17,
        questionEnd: 12 + 21,
        qtype: QTYPE.A,
        qclass: 1,
        edns: false,
        dnssecOk: false,
        checkingDisabled: false,
        limit: 512,
      },
    });
    expect(fwd('.', { qtype: QTYPE.NS })).toMatchObject({ kind: 'forward', request: { qnameEnd: 13, limit: 512 } });
    expect(limitOf(fwd('xmesos.', { qtype: QTYPE.A, edns: 4096, dnssecOk: true, cd: true }))).toBe(1232);
    expect(fwd('xmesos.', { qtype: QTYPE.A, edns: 4096, dnssecOk: true, cd: true })).toMatchObject({
      request: { edns: true, dnssecOk: true, checkingDisabled: true },
    });
    expect(limitOf(fwd('xmesos.', { qtype: QTYPE.A, edns: 1000 }))).toBe(1000);
    expect(limitOf(fwd('a.org.', { qtype: QTYPE.A, edns: 100 }))).toBe(512);
    expect(limitOf(fwd('a.org.', { qtype: QTYPE.A, edns: 4096 }, { transport: 'tcp' }))).toBe(65535);
  });

  it('answers names in the domain itself', () => {
    expect(fwd('web.marathon.mesos.', { qtype: QTYPE.A }).kind).toBe('reply');
    expect(fwd('mesos.', { qtype: QTYPE.DS }).kind).toBe('reply');
  });
});

describe('EDNS0', () => {
  it('answers an OPT query with an OPT carrying our size and the DO bit', () => {
    const m = ask('web.marathon.mesos.', { qtype: QTYPE.A, edns: 4096, dnssecOk: true });
    const o = opt(m)!;
    expect(o).toMatchObject({ name: '.', class: 1232, ttl: 0x8000 });
    expect(m.additionals.at(-1)).toBe(o);
    expect(opt(ask('web.marathon.mesos.', { qtype: QTYPE.A }))).toBeUndefined();
    expect(opt(ask('nothere.mesos.', { qtype: QTYPE.A, edns: 4096 }))).toMatchObject({ ttl: 0 });
  });

  it('answers BADVERS (extended RCODE 16) to EDNS version 1', () => {
    const m = ask('web.marathon.mesos.', { qtype: QTYPE.A, edns: 4096, ednsVersion: 1 });
    expect(m.rcode).toBe(RCODE.BADVERS & 0xf);
    expect(opt(m)!.ttl >>> 24).toBe(RCODE.BADVERS >> 4);
    expect(m.answers).toHaveLength(0);
  });

  it('answers BADVERS to EDNS version 1 for a name it would forward, instead of forwarding it', () => {
    const m = ask('www.example.org.', { edns: 4096, ednsVersion: 1 }, ctx({ externalOn: true }));
    expect([m.rcode, m.ra, m.aa]).toEqual([RCODE.BADVERS & 0xf, false, false]);
    expect(opt(m)!.ttl >>> 24).toBe(RCODE.BADVERS >> 4);
  });
});

describe('truncation', () => {
  // header 12 + question (20-octet name + 4) = 36; an A RR with a pointer owner = 16
  const big = 'big.marathon.mesos.';
  const answersFitting = (limit: number, optLen = 0) => Math.floor((limit - 36 - optLen) / 16);

  it('fits 29 of 60 A records in 512 bytes without OPT and sets TC', () => {
    const c = ctx();
    const m = ask(big, { qtype: QTYPE.A }, c);
    expect(m.answers).toHaveLength(answersFitting(512));
    expect(m.answers).toHaveLength(29);
    expect(m.size).toBeLessThanOrEqual(512);
    expect(m.tc).toBe(true);
    expect(c.stats.truncated).toBe(1);
  });

  it('honours the client EDNS size up to ednsMaxUdpSize, never below 512, keeping the OPT', () => {
    const all = ask(big, { qtype: QTYPE.A, edns: 4096 });
    expect(all.answers).toHaveLength(60);
    expect(all.tc).toBe(false);
    const small = ask(big, { qtype: QTYPE.A, edns: 600 });
    expect(small.answers).toHaveLength(answersFitting(600, 11));
    expect(small.tc).toBe(true);
    expect(opt(small)).toBeDefined();
    expect(small.size).toBeLessThanOrEqual(600);
    expect(ask(big, { qtype: QTYPE.A, edns: 100 }).answers).toHaveLength(answersFitting(512, 11));
    const capped = ask(big, { qtype: QTYPE.A, edns: 4096 }, ctx({ ednsMaxUdpSize: 700 }));
    expect(capped.answers).toHaveLength(answersFitting(700, 11));
    expect(opt(capped)!.class).toBe(700);
  });

  it('sends everything over TCP', () => {
    const m = ask(big, { qtype: QTYPE.A }, ctx({ transport: 'tcp' }));
    expect(m.answers).toHaveLength(60);
    expect(m.tc).toBe(false);
  });

  it('never sets TC with setTruncateBit off, but still keeps to the limit', () => {
    const c = ctx({ setTruncateBit: false });
    const m = ask(big, { qtype: QTYPE.A }, c);
    expect(m.tc).toBe(false);
    expect(m.answers).toHaveLength(29);
    expect(c.stats.truncated).toBe(1);
  });

  it('keeps only whole glue RRsets and does not set TC when glue alone is left out (RFC 2181 §9)', () => {
    const ips = (n: number) => Array.from({ length: 15 }, (_, i) => `10.${n}.0.${i}`);
    const t = tableOf(
      recordSet(
        { 'one.mesos.': ips(1), 'two.mesos.': ips(2) },
        {},
        { '_s._tcp.mesos.': ['one.mesos.:1', 'two.mesos.:2'] },
      ),
      META,
    );
    const c = ctx();
    const m = ask('_s._tcp.mesos.', { qtype: QTYPE.SRV }, c, t);
    expect(m.answers).toHaveLength(2);
    expect(m.tc).toBe(false);
    expect(m.additionals).toHaveLength(15);
    expect(new Set(m.additionals.map((r) => r.name))).toEqual(
      new Set([(m.answers[0]!.data as { target: string }).target]),
    );
    expect(c.stats.truncated).toBe(0);
    const tcp = ask('_s._tcp.mesos.', { qtype: QTYPE.SRV }, ctx({ transport: 'tcp' }), t);
    expect(tcp.additionals).toHaveLength(30);
    expect(tcp.tc).toBe(false);
  });

  describe('seven SRV records whose glue does not all fit in 512 bytes', () => {
    // As `_web-80._tcp.marathon.mesos.` with seven instances, each on its own agent.
    const targets = Array.from({ length: 7 }, (_, i) => `web-80-abcde-s${i}.marathon.slave.mesos.`);
    const t = tableOf(
      recordSet(
        Object.fromEntries(targets.map((n, i) => [n, [`10.7.0.${i}`]])),
        {},
        { '_web-80._tcp.marathon.mesos.': targets.map((n) => `${n}:31080`) },
      ),
      META,
    );
    const srv = (opts: QueryOptions = {}, c = ctx()) =>
      ask('_web-80._tcp.marathon.mesos.', { qtype: QTYPE.SRV, ...opts }, c, t);

    it('without EDNS: every SRV record, the glue that fits, no TC', () => {
      const c = ctx();
      const m = srv({}, c);
      expect(m.size).toBeLessThanOrEqual(512);
      expect(m.answers).toHaveLength(7);
      expect(m.tc).toBe(false);
      expect(c.stats.truncated).toBe(0);
      expect(m.additionals.length).toBeGreaterThan(0);
      expect(m.additionals.length).toBeLessThan(7);
      // Glue follows the answer order, each target's address complete.
      const order = m.answers.map((r) => (r.data as { target: string }).target);
      expect(m.additionals.map((r) => r.name)).toEqual(order.slice(0, m.additionals.length));
      for (const g of m.additionals) expect(g.data).toBe(`10.7.0.${/-s(\d)\./.exec(g.name)![1]}`);
    });

    it('with EDNS 1232: every SRV record and all the glue', () => {
      const m = srv({ edns: 1232 });
      expect(m.tc).toBe(false);
      expect(m.answers).toHaveLength(7);
      expect(m.additionals.filter((r) => r.type === QTYPE.A)).toHaveLength(7);
    });
  });

  it('skips a glue RRset that does not fit and still adds a later one that does', () => {
    const t = tableOf(
      recordSet(
        {
          'big.mesos.': Array.from({ length: 40 }, (_, i) => `10.8.0.${i}`),
          'small.mesos.': ['10.9.0.1'],
        },
        {},
        { '_s._tcp.mesos.': ['big.mesos.:1', 'small.mesos.:2'] },
      ),
      META,
    );
    // Seeds until the big target is visited first.
    for (let seed = 1; seed < 50; seed++) {
      const m = ask('_s._tcp.mesos.', { qtype: QTYPE.SRV }, ctx({ random: seeded(seed) }), t);
      if ((m.answers[0]!.data as { target: string }).target !== 'big.mesos.') continue;
      expect(m.tc).toBe(false);
      expect(m.additionals.map((r) => [r.name, r.data])).toEqual([['small.mesos.', '10.9.0.1']]);
      return;
    }
    throw new Error('no seed visited big.mesos. first');
  });

  it('treats a target’s A and AAAA records as two RRsets: A kept when only the AAAA set does not fit', () => {
    const t = tableOf(
      recordSet(
        { 'dual.mesos.': ['10.10.0.1'] },
        { 'dual.mesos.': Array.from({ length: 30 }, (_, i) => `2001:db8::${i + 1}`) },
        { '_s._tcp.mesos.': ['dual.mesos.:1'] },
      ),
      META,
    );
    const m = ask('_s._tcp.mesos.', { qtype: QTYPE.SRV }, ctx(), t);
    expect(m.tc).toBe(false);
    expect(m.additionals.map((r) => [r.type, r.data])).toEqual([[QTYPE.A, '10.10.0.1']]);
  });

  it('sets TC when the AUTHORITY SOA of a negative answer does not fit', () => {
    const long = (c: string) => `${Array.from({ length: 4 }, () => c.repeat(60)).join('.')}.`;
    const t = tableOf(recordSet({ 'x.mesos.': ['10.0.0.1'] }), {
      ...META,
      soaMname: long('m'),
      soaRname: long('r'),
    });
    const c = ctx();
    const m = ask('nothere.mesos.', { qtype: QTYPE.A }, c, t);
    expect(m.rcode).toBe(RCODE.NXDOMAIN);
    expect(m.authorities).toHaveLength(0);
    expect(m.tc).toBe(true);
    expect(c.stats.truncated).toBe(1);
    expect(ask('nothere.mesos.', { qtype: QTYPE.A, edns: 1232 }, ctx(), t).tc).toBe(false);
  });

  it('truncates SRV answers over UDP, with no glue', () => {
    const m = ask('_big._tcp.marathon.mesos.', { qtype: QTYPE.SRV });
    expect(m.tc).toBe(true);
    expect(m.answers.length).toBeGreaterThan(5);
    expect(m.answers.length).toBeLessThan(60);
    expect(m.additionals).toHaveLength(0);
    const tcp = ask('_big._tcp.marathon.mesos.', { qtype: QTYPE.SRV }, ctx({ transport: 'tcp' }));
    expect(tcp.answers).toHaveLength(60);
    expect(tcp.additionals).toHaveLength(3);
  });

  it('writes glue owners in full once a compression pointer cannot reach the target', () => {
    const n = 600;
    const targets = Array.from({ length: n }, (_, i) => `target-${i}.marathon.slave.mesos.`);
    const t = tableOf(
      recordSet(
        Object.fromEntries(targets.map((name, i) => [name, [`10.3.${i >> 8}.${i & 0xff}`]])),
        {},
        {
          '_many._tcp.marathon.mesos.': targets.map((name) => `${name}:80`),
        },
      ),
      META,
    );
    const m = ask('_many._tcp.marathon.mesos.', { qtype: QTYPE.SRV }, ctx({ transport: 'tcp' }), t);
    expect(m.size).toBeGreaterThan(0x4000 * 2);
    expect(m.answers).toHaveLength(n);
    expect(m.additionals).toHaveLength(n);
    const order = m.answers.map((r) => (r.data as { target: string }).target);
    expect(m.additionals.map((r) => r.name)).toEqual(order);
    for (const g of m.additionals) {
      const i = Number(/target-(\d+)/.exec(g.name)![1]);
      expect(g.data).toBe(`10.3.${i >> 8}.${i & 0xff}`);
    }
  });
});

describe('shuffling', () => {
  it('shows every order of a two-record RRset over many replies, roughly uniformly', () => {
    const seen = new Map<string, number>();
    const c = ctx({ random: seeded(7) });
    for (let i = 0; i < 400; i++) {
      const key = values(ask('web.marathon.mesos.', { qtype: QTYPE.A }, c).answers).join(',');
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    expect([...seen.keys()].sort()).toEqual(['10.1.0.2,10.1.0.3', '10.1.0.3,10.1.0.2']);
    for (const count of seen.values()) expect(count).toBeGreaterThan(120);
  });

  it('puts every record of a large RRset first at some point, and glue follows the visit order', () => {
    const firsts = new Set<string>();
    const c = ctx({ random: seeded(9), transport: 'tcp' });
    for (let i = 0; i < 600; i++)
      firsts.add(String(ask('big.marathon.mesos.', { qtype: QTYPE.A }, c).answers[0]!.data));
    expect(firsts.size).toBe(60);
    const glueOrders = new Set<string>();
    for (let i = 0; i < 100; i++) {
      const m = ask('_web._tcp.marathon.mesos.', { qtype: QTYPE.SRV }, c);
      const firstTarget = (m.answers[0]!.data as { target: string }).target;
      expect(m.additionals[0]!.name).toBe(firstTarget);
      glueOrders.add(m.additionals[0]!.name);
    }
    expect(glueOrders.size).toBe(2);
  });
});

describe('PTR records', () => {
  const ptrTable = ((): RecordTable => {
    const s = storeOf(tableRecords);
    const add = (ip: string, name: string) => s.ptr.add(parseAddr(ip)!, s.id(name));
    add('10.1.0.2', 'web.marathon.mesos.');
    add('10.0.0.1', 'web-a.marathon.slave.mesos.');
    add('10.0.0.1', 'slave.mesos.');
    add('10.0.0.1', 'leader.mesos.');
    add('2001:db8::a', 'web-a.marathon.slave.mesos.');
    return RecordTable.build(s, META);
  })();
  const askPtr = (name: string, opts: QueryOptions, over: Partial<AnswerContext> = {}) =>
    ask(name, opts, ctx(over), ptrTable);
  const V6 = 'a.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.';

  it('answers PTR for an address we know: authoritative, every name, the TTL, the question’s case', () => {
    const m = askPtr('2.0.1.10.IN-ADDR.arpa.', { qtype: QTYPE.PTR });
    expect(m).toMatchObject({ rcode: RCODE.NOERROR, aa: true, ra: true, tc: false });
    expect(m.answers).toEqual([
      expect.objectContaining({
        name: '2.0.1.10.IN-ADDR.arpa.',
        type: QTYPE.PTR,
        ttl: 60,
        data: 'web.marathon.mesos.',
      }),
    ]);
    expect(m.authorities).toHaveLength(0);
    expect(m.additionals).toHaveLength(0);
    expect(values(askPtr(V6, { qtype: QTYPE.PTR }).answers)).toEqual(['web-a.marathon.slave.mesos.']);
  });

  it('answers every name of a shared address, in every order over many replies (as other RRsets)', () => {
    const orders = new Set<string>();
    const c = { random: seeded(3) };
    for (let i = 0; i < 200; i++) {
      const m = askPtr('1.0.0.10.in-addr.arpa.', { qtype: QTYPE.PTR }, c);
      expect([...values(m.answers)].sort()).toEqual(['leader.mesos.', 'slave.mesos.', 'web-a.marathon.slave.mesos.']);
      orders.add(values(m.answers).join(','));
    }
    expect(orders.size).toBe(6);
  });

  it('answers ANY and QCLASS ANY with the PTR records', () => {
    expect(askPtr('2.0.1.10.in-addr.arpa.', { qtype: QTYPE.ANY }).answers).toHaveLength(1);
    expect(askPtr('2.0.1.10.in-addr.arpa.', { qtype: QTYPE.PTR, qclass: QCLASS.ANY }).answers).toHaveLength(1);
  });

  it('gives NODATA without an SOA for other types at a reverse name we hold, forwarding or not', () => {
    for (const externalOn of [false, true]) {
      for (const qtype of [QTYPE.A, QTYPE.AAAA, QTYPE.TXT, QTYPE.SOA, QTYPE.NS]) {
        const m = askPtr('2.0.1.10.in-addr.arpa.', { qtype }, { externalOn });
        expect(m).toMatchObject({ rcode: RCODE.NOERROR, aa: true, answers: [], authorities: [] });
      }
    }
  });

  it('refuses transfers and other classes at a reverse name we hold', () => {
    expect(askPtr('2.0.1.10.in-addr.arpa.', { qtype: QTYPE.AXFR }).rcode).toBe(RCODE.REFUSED);
    expect(askPtr('2.0.1.10.in-addr.arpa.', { qtype: QTYPE.PTR, qclass: QCLASS.CH }).rcode).toBe(RCODE.REFUSED);
  });

  it('forwards a reverse name we do not hold (other addresses, the names above ours), or refuses it', () => {
    for (const name of ['3.0.1.10.in-addr.arpa.', '0.1.10.in-addr.arpa.', 'in-addr.arpa.', `b${V6.slice(1)}`]) {
      expect(answer(buildQuery(name, { qtype: QTYPE.PTR }), ptrTable, ctx({ externalOn: true })).kind).toBe('forward');
      expect(askPtr(name, { qtype: QTYPE.PTR })).toMatchObject({ rcode: RCODE.REFUSED, aa: false, ra: false });
    }
  });

  it('forwards every reverse name when the table holds none (ptrOn off)', () => {
    expect(
      answer(buildQuery('2.0.1.10.in-addr.arpa.', { qtype: QTYPE.PTR }), table, ctx({ externalOn: true })).kind,
    ).toBe('forward');
    expect(ask('2.0.1.10.in-addr.arpa.', { qtype: QTYPE.PTR }).rcode).toBe(RCODE.REFUSED);
  });

  it('answers the domain’s names as before', () => {
    expect(values(askPtr('web.marathon.mesos.', { qtype: QTYPE.A }).answers).sort()).toEqual(['10.1.0.2', '10.1.0.3']);
    expect(askPtr('web.marathon.mesos.', { qtype: QTYPE.PTR })).toMatchObject({ rcode: RCODE.NOERROR, answers: [] });
    expect(askPtr('nope.mesos.', { qtype: QTYPE.PTR }).rcode).toBe(RCODE.NXDOMAIN);
  });

  it('counts PTR answers and NODATA', () => {
    const stats = new DnsStats();
    askPtr('2.0.1.10.in-addr.arpa.', { qtype: QTYPE.PTR }, { stats });
    askPtr('2.0.1.10.in-addr.arpa.', { qtype: QTYPE.A }, { stats });
    expect(stats).toMatchObject({ answered: 1, nodata: 1, refused: 0 });
  });
});

describe('statistics', () => {
  it('counts answers and qtypes', () => {
    const c = ctx();
    ask('web.marathon.mesos.', { qtype: QTYPE.A }, c);
    ask('_web._tcp.marathon.mesos.', { qtype: QTYPE.SRV }, c);
    ask('web.marathon.mesos.', { qtype: QTYPE.A }, c);
    expect(c.stats.answered).toBe(3);
    expect(c.stats.byQtype[QTYPE.A]).toBe(2);
    expect(c.stats.byQtype[QTYPE.SRV]).toBe(1);
  });
});

describe('golden fixtures through answer()', () => {
  it('upstream-fake: every A, AAAA and SRV RRset comes back complete over TCP', () => {
    const rs = fixtureRecords('upstream-fake');
    const t = tableOf(rs, { ...META, srvWeight: 1 });
    const c = ctx({ transport: 'tcp' });
    const check = (map: Map<string, string[]>, type: number, render: (r: DecodedRecord) => string) => {
      for (const [name, vals] of map) {
        const m = ask(name, { qtype: type }, c, t);
        expect(m.rcode, name).toBe(RCODE.NOERROR);
        expect(new Set(m.answers.map(render)), name).toEqual(new Set(vals));
      }
    };
    check(rs.a, QTYPE.A, (r) => String(r.data));
    check(rs.aaaa, QTYPE.AAAA, (r) => String(r.data));
    check(rs.srv, QTYPE.SRV, (r) => {
      const d = r.data as { target: string; port: number };
      return `${d.target}:${d.port}`;
    });
    expect(c.stats.answered).toBe(rs.a.size + rs.aaaa.size + rs.srv.size);
  });

  it('nasty-300: every name, legal or not, with every type gets a parseable reply', () => {
    const rs = fixtureRecords('nasty-300');
    const t = tableOf(rs, META);
    const c = ctx();
    const names = new Set([...rs.a.keys(), ...rs.aaaa.keys(), ...rs.srv.keys()]);
    let replies = 0;
    for (const name of names) {
      const wire = (() => {
        try {
          return buildQuery(name, { qtype: QTYPE.A });
        } catch {
          return null;
        }
      })();
      if (!wire) continue;
      for (const type of [QTYPE.A, QTYPE.AAAA, QTYPE.SRV, QTYPE.ANY]) {
        const query = buildQuery(name, { qtype: type });
        const v = answer(query, t, c);
        if (v.kind !== 'reply') continue;
        const m = decodeMessage(v.reply);
        expect(m.size).toBeLessThanOrEqual(512);
        replies++;
      }
    }
    expect(replies).toBeGreaterThan(names.size * 3);
  });
});

describe('fuzz', () => {
  it('never throws and every reply parses, for thousands of random and mutated packets', () => {
    const rnd = seeded(2024);
    const seeds = [
      buildQuery('_web._tcp.marathon.mesos.', { qtype: QTYPE.SRV, edns: 1400 }),
      buildQuery('big.marathon.mesos.', { qtype: QTYPE.A }),
      buildQuery('mesos.', { qtype: QTYPE.NS, edns: 4096 }),
      buildQuery('example.org.', { qtype: QTYPE.A }),
      buildQuery('web.marathon.mesos.', { qtype: QTYPE.ANY }),
    ];
    const kinds = { reply: 0, forward: 0, drop: 0 };
    for (let i = 0; i < 6000; i++) {
      let packet: Buffer;
      if (i % 4 === 0) {
        packet = Buffer.from(Array.from({ length: Math.floor(rnd() * 80) }, () => Math.floor(rnd() * 256)));
      } else {
        packet = Buffer.from(seeds[i % seeds.length]!);
        const edits = 1 + Math.floor(rnd() * 4);
        for (let k = 0; k < edits; k++) {
          const at = Math.floor(rnd() * packet.length);
          packet[at] = rnd() < 0.5 ? Math.floor(rnd() * 256) : packet[at]! ^ (1 << Math.floor(rnd() * 8));
        }
        if (rnd() < 0.2) packet = packet.subarray(0, Math.floor(rnd() * packet.length));
      }
      const c = ctx({
        random: rnd,
        externalOn: rnd() < 0.5,
        transport: rnd() < 0.2 ? 'tcp' : 'udp',
        setTruncateBit: rnd() < 0.8,
      });
      const v = answer(packet, rnd() < 0.1 ? null : table, c);
      kinds[v.kind]++;
      if (v.kind === 'reply') {
        const m = decodeMessage(v.reply);
        expect(m.qr).toBe(true);
        expect(m.id).toBe(packet.readUInt16BE(0));
        if (c.transport === 'udp') expect(v.reply.length).toBeLessThanOrEqual(1232);
      }
    }
    expect(kinds.reply).toBeGreaterThan(1000);
    expect(kinds.drop).toBeGreaterThan(100);
  });
});
