import { describe, expect, it } from 'vitest';
import { QCLASS, QTYPE } from '../../src/wire/constants.js';
import { PARSE_BAD, PARSE_OK, newParsedQuery, parseQuery } from '../../src/wire/query.js';
import { buildQuery } from '../helpers/dns-msg.js';

describe('parseQuery', () => {
  it('reads the question, label starts and the OPT fields', () => {
    const q = newParsedQuery();
    const query = buildQuery('Ab.cd.', { qtype: QTYPE.SRV, qclass: QCLASS.ANY, edns: 1400, dnssecOk: true });
    expect(parseQuery(query, q)).toBe(PARSE_OK);
    expect(q).toMatchObject({
      qtype: QTYPE.SRV,
      qclass: QCLASS.ANY,
      qnameEnd: 12 + 7,
      questionEnd: 12 + 11,
      labelCount: 2,
      hasOpt: true,
      udpSize: 1400,
      ednsVersion: 0,
      ednsDo: true,
    });
    expect([...q.labelStarts.subarray(0, 2)]).toEqual([0, 3]);
  });

  it('resets the OPT fields between queries and skips non-OPT records', () => {
    const q = newParsedQuery();
    parseQuery(buildQuery('a.', { qtype: QTYPE.A, edns: 4096 }), q);
    const plain = buildQuery('a.', { qtype: QTYPE.A });
    const withAnswer = Buffer.concat([plain, Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 1, 2, 3, 4])]);
    withAnswer[7] = 1;
    expect(parseQuery(withAnswer, q)).toBe(PARSE_OK);
    expect(q.hasOpt).toBe(false);
  });

  it('refuses QDCOUNT other than 1 and broken names', () => {
    const q = newParsedQuery();
    const two = buildQuery('a.', { qtype: QTYPE.A });
    two[5] = 2;
    expect(parseQuery(two, q)).toBe(PARSE_BAD);
    expect(parseQuery(Buffer.concat([two.subarray(0, 12), Buffer.from([0xc0, 12, 0, 1, 0, 1])]).fill(1, 5, 6), q)).toBe(
      PARSE_BAD,
    );
    expect(parseQuery(buildQuery('a.', { qtype: QTYPE.A }).subarray(0, 15), q)).toBe(PARSE_BAD);
  });
});
