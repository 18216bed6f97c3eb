import { describe, expect, it } from 'vitest';
import { answer } from '../../../src/dns/answer/answer.js';
import type { AnswerContext } from '../../../src/dns/answer/verdict.js';
import { DnsStats } from '../../../src/dns/stats/counters.js';

function ctx(over: Partial<AnswerContext> = {}): AnswerContext {
  return {
    transport: 'udp',
    domain: 'mesos',
    recursionAvailable: true,
    externalOn: true,
    setTruncateBit: true,
    ednsMaxUdpSize: 1232,
    stats: new DnsStats(),
    ...over,
  };
}

/** A query whose QNAME is the given raw labels (bytes as latin1), type A. */
function rawQuery(labels: string[], opt?: number): Buffer {
  const parts = [Buffer.from([0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, opt === undefined ? 0 : 1])];
  for (const l of labels) parts.push(Buffer.from([l.length]), Buffer.from(l, 'latin1'));
  parts.push(Buffer.from([0, 0, 1, 0, 1]));
  if (opt !== undefined) parts.push(Buffer.from([0, 0, 41, opt >> 8, opt & 255, 0, 0, 0, 0, 0, 0]));
  return Buffer.concat(parts);
}

describe('the forward request', () => {
  it('carries what the forwarder needs from the parsed query', () => {
    const v = answer(rawQuery(['WWW', 'Example', 'COM'], 4096), null, ctx());
    expect(v).toMatchObject({
      kind: 'forward',
      request: {
        qnameEnd: 12 + 17,
        questionEnd: 12 + 21,
        qtype: 1,
        qclass: 1,
        edns: true,
        dnssecOk: false,
      },
    });
  });

  it('caps the UDP size a forwarded reply may use at ednsMaxUdpSize', () => {
    const v = answer(rawQuery(['example', 'com'], 65535), null, ctx({ ednsMaxUdpSize: 1232 }));
    expect(v).toMatchObject({ kind: 'forward', request: { limit: 1232 } });
  });
});
