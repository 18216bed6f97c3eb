import { describe, expect, it } from 'vitest';
import { verifyReply } from '../../../src/dns/forward/verify.js';
import { aRR, buildQuery, buildReply, questionEnd } from '../../helpers/dns-msg.js';

describe('verifyReply', () => {
  const sent = buildQuery('www.example.org', { id: 0x1234, edns: 1232 });
  const end = questionEnd(sent);
  const check = (msg: Buffer) => verifyReply(msg, sent, end);

  it('accepts a reply with our ID and our question, whatever the name case and RCODE', () => {
    const reply = buildReply(buildQuery('WWW.EXAMPLE.org', { id: 0x1234 }), {
      rcode: 3,
      answers: [aRR('www.example.org', '192.0.2.1')],
    });
    expect(check(reply)).toMatchObject({ id: 0x1234, rcode: 3, ancount: 1 });
  });

  it('rejects another ID, another question, a query, another opcode, no question, and bytes that do not parse', () => {
    const good = buildReply(sent, { answers: [aRR('www.example.org', '192.0.2.1')] });
    expect(check(good)).not.toBeNull();
    const otherId = Buffer.from(good);
    otherId.writeUInt16BE(0x1235, 0);
    expect(check(otherId)).toBeNull();
    expect(check(buildReply(buildQuery('www.example.com', { id: 0x1234 })))).toBeNull();
    expect(check(buildReply(buildQuery('www.example.org', { id: 0x1234, qtype: 28 })))).toBeNull();
    expect(check(buildReply(buildQuery('www.example.org', { id: 0x1234, qclass: 3 })))).toBeNull();
    expect(check(sent)).toBeNull();
    expect(check(buildReply(buildQuery('www.example.org', { id: 0x1234, opcode: 2 })))).toBeNull();
    const noQuestion = Buffer.from(good.subarray(0, 12));
    noQuestion.writeUInt16BE(0, 4);
    noQuestion.writeUInt16BE(0, 6);
    expect(check(noQuestion)).toBeNull();
    expect(check(good.subarray(0, good.length - 1))).toBeNull();
    expect(check(Buffer.concat([good, Buffer.from([0])]))).toBeNull();
    expect(check(Buffer.from([0x12, 0x34, 0x81]))).toBeNull();
  });
});
