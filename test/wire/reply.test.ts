import { describe, expect, it } from 'vitest';
import { QCLASS, QTYPE, RCODE } from '../../src/wire/constants.js';
import { errorReply, servfailFor } from '../../src/wire/reply.js';
import { buildQuery, decodeMessage } from '../helpers/dns-msg.js';

describe('errorReply and servfailFor', () => {
  it('echoes ID, opcode, RD, CD and the question', () => {
    const query = buildQuery('Web.Example.', { qtype: QTYPE.A, id: 7, cd: true });
    const reply = servfailFor(query)!;
    const m = decodeMessage(reply);
    expect(m).toMatchObject({ id: 7, qr: true, rd: true, cd: true, aa: false, rcode: RCODE.SERVFAIL });
    expect(m.questions).toEqual([{ name: 'Web.Example.', type: QTYPE.A, class: QCLASS.IN }]);
    expect(m.additionals).toHaveLength(0);
  });

  it('adds an OPT when the query had one', () => {
    const m = decodeMessage(
      servfailFor(buildQuery('a.example.', { qtype: QTYPE.A, edns: 4096, dnssecOk: true }), 1400)!,
    );
    expect(m.additionals).toEqual([expect.objectContaining({ name: '.', type: QTYPE.OPT, class: 1400, ttl: 0x8000 })]);
  });

  it('is null for an unparseable query', () => {
    expect(servfailFor(Buffer.alloc(5))).toBeNull();
    expect(servfailFor(buildQuery('a.', { qtype: QTYPE.A }).subarray(0, 14))).toBeNull();
  });

  it('keeps RD and CD out of replies to other opcodes', () => {
    const query = buildQuery('a.', { qtype: QTYPE.SOA, opcode: 4, cd: true });
    const m = decodeMessage(errorReply(query, RCODE.NOTIMP, query.length));
    expect(m).toMatchObject({ opcode: 4, rd: false, cd: false, rcode: RCODE.NOTIMP });
  });
});
