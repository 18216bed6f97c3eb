import dns2 from 'dns2';
import { describe, expect, it } from 'vitest';
import { answer } from '../../src/dns/answer/answer.js';
import { DnsStats } from '../../src/dns/stats/counters.js';
import {
  PARSE_BAD,
  PARSE_OK,
  QCLASS,
  QTYPE,
  RCODE,
  errorReply,
  newParsedQuery,
  parseQuery,
  readQueryId,
  servfailFor,
} from '../../src/wire/query.js';
import { WireDecodeError, decodeMessage } from '../helpers/dns-decode.js';
import { buildQuery, encodeName } from '../helpers/dns-query.js';
import { RecordTable } from '../../src/table/table.js';

describe('readQueryId', () => {
  it('reads the first two octets, -1 when there are not two', () => {
    expect(readQueryId(Buffer.from([0xab, 0xcd, 1]))).toBe(0xabcd);
    expect(readQueryId(Buffer.from([0xab]))).toBe(-1);
  });
});

describe('parseQuery', () => {
  it('reads the question, label starts and the OPT fields', () => {
    const q = newParsedQuery();
    const query = buildQuery({ name: 'Ab.cd.', type: QTYPE.SRV, class: QCLASS.ANY, edns: { udpSize: 1400, dnssecOk: true } });
    expect(parseQuery(query, q)).toBe(PARSE_OK);
    expect(q).toMatchObject({ qtype: QTYPE.SRV, qclass: QCLASS.ANY, qnameEnd: 12 + 7, questionEnd: 12 + 11, labelCount: 2, hasOpt: true, udpSize: 1400, ednsVersion: 0, ednsDo: true });
    expect([...q.labelStarts.subarray(0, 2)]).toEqual([0, 3]);
  });

  it('resets the OPT fields between queries and skips non-OPT records', () => {
    const q = newParsedQuery();
    parseQuery(buildQuery({ name: 'a.', type: QTYPE.A, edns: {} }), q);
    const plain = buildQuery({ name: 'a.', type: QTYPE.A });
    const withAnswer = Buffer.concat([plain, Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 1, 2, 3, 4])]);
    withAnswer[7] = 1;
    expect(parseQuery(withAnswer, q)).toBe(PARSE_OK);
    expect(q.hasOpt).toBe(false);
  });

  it('refuses QDCOUNT other than 1 and broken names', () => {
    const q = newParsedQuery();
    const two = buildQuery({ name: 'a.', type: QTYPE.A });
    two[5] = 2;
    expect(parseQuery(two, q)).toBe(PARSE_BAD);
    expect(parseQuery(Buffer.concat([two.subarray(0, 12), Buffer.from([0xc0, 12, 0, 1, 0, 1])]).fill(1, 5, 6), q)).toBe(PARSE_BAD);
    expect(parseQuery(buildQuery({ name: 'a.', type: QTYPE.A }).subarray(0, 15), q)).toBe(PARSE_BAD);
  });
});

describe('errorReply and servfailFor', () => {
  it('echoes ID, opcode, RD, CD and the question', () => {
    const query = buildQuery({ name: 'Web.Example.', type: QTYPE.A, id: 7, cd: true });
    const reply = servfailFor(query)!;
    const m = decodeMessage(reply);
    expect(m).toMatchObject({ id: 7, qr: true, rd: true, cd: true, aa: false, rcode: RCODE.SERVFAIL });
    expect(m.questions).toEqual([{ name: 'Web.Example.', type: QTYPE.A, class: QCLASS.IN }]);
    expect(m.additionals).toHaveLength(0);
  });

  it('adds an OPT when the query had one', () => {
    const m = decodeMessage(servfailFor(buildQuery({ name: 'a.example.', type: QTYPE.A, edns: { dnssecOk: true } }), 1400)!);
    expect(m.additionals).toEqual([expect.objectContaining({ name: '.', type: QTYPE.OPT, class: 1400, ttl: 0x8000 })]);
  });

  it('is null for an unparseable query', () => {
    expect(servfailFor(Buffer.alloc(5))).toBeNull();
    expect(servfailFor(buildQuery({ name: 'a.', type: QTYPE.A }).subarray(0, 14))).toBeNull();
  });

  it('keeps RD and CD out of replies to other opcodes', () => {
    const query = buildQuery({ name: 'a.', type: QTYPE.SOA, opcode: 4, cd: true });
    const m = decodeMessage(errorReply(query, RCODE.NOTIMP, query.length));
    expect(m).toMatchObject({ opcode: 4, rd: false, cd: false, rcode: RCODE.NOTIMP });
  });
});

describe('decodeMessage is strict', () => {
  const reply = servfailFor(buildQuery({ name: 'a.b.', type: QTYPE.A }))!;
  it('rejects forward and looping pointers, trailing bytes and truncation', () => {
    const withRR = (rr: number[]) => {
      const b = Buffer.concat([reply, Buffer.from(rr)]);
      b[7] = 1;
      return b;
    };
    expect(decodeMessage(withRR([0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 1, 0, 4, 1, 2, 3, 4])).answers[0]).toMatchObject({ name: 'a.b.', data: '1.2.3.4' });
    expect(() => decodeMessage(withRR([0xc0, 40, 0, 1, 0, 1, 0, 0, 0, 1, 0, 4, 1, 2, 3, 4]))).toThrow(WireDecodeError);
    expect(() => decodeMessage(withRR([0xc0, 22, 0, 1, 0, 1, 0, 0, 0, 1, 0, 4, 1, 2, 3, 4]))).toThrow(WireDecodeError);
    expect(() => decodeMessage(withRR([0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 1, 0, 5, 1, 2, 3, 4]))).toThrow(WireDecodeError);
    expect(() => decodeMessage(Buffer.concat([reply, Buffer.from([0])]))).toThrow(WireDecodeError);
    expect(() => decodeMessage(reply.subarray(0, reply.length - 1))).toThrow(WireDecodeError);
  });

  it('encodes names with the terminating root label', () => {
    expect([...encodeName('ab.c')]).toEqual([2, 0x61, 0x62, 1, 0x63, 0]);
    expect([...encodeName('.')]).toEqual([0]);
  });
});

describe('interoperability', () => {
  it('dns2 parses our replies', () => {
    const table = RecordTable.build(
      {
        a: new Map([['t.marathon.slave.mesos.', '10.0.0.1']]),
        aaaa: new Map(),
        srv: new Map([['_t._tcp.marathon.mesos.', 't.marathon.slave.mesos.:31000']]),
      },
      { domain: 'mesos', ttl: 60, serial: 1, soaMname: 'ns1.mesos.', soaRname: 'root.ns1.mesos.', soaRefresh: 60, soaRetry: 600, soaExpire: 86400, soaMinttl: 60, srvWeight: 1 },
    );
    const v = answer(buildQuery({ name: '_t._tcp.marathon.mesos.', type: QTYPE.SRV }), table, {
      transport: 'udp',
      domain: 'mesos',
      recursionAvailable: false,
      externalOn: false,
      setTruncateBit: true,
      ednsMaxUdpSize: 1232,
      stats: new DnsStats(),
    });
    if (v.kind !== 'reply') throw new Error(v.kind);
    const p = dns2.Packet.parse(v.reply);
    expect(p.answers).toEqual([expect.objectContaining({ name: '_t._tcp.marathon.mesos', priority: 0, weight: 1, port: 31000, target: 't.marathon.slave.mesos' })]);
    expect(p.additionals).toEqual([expect.objectContaining({ name: 't.marathon.slave.mesos', address: '10.0.0.1' })]);
  });
});
