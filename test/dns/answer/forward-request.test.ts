import { describe, expect, it } from 'vitest';
import { answer, type AnswerContext } from '../../../src/dns/answer/answer.js';
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

function forwardQname(labels: string[]): string {
  const v = answer(rawQuery(labels), null, ctx());
  if (v.kind !== 'forward') throw new Error(`expected a forward verdict, got ${v.kind}`);
  return v.qname;
}

describe('the forwarding key of a question name', () => {
  it('is the lower-cased presentation form', () => {
    expect(forwardQname(['WWW', 'Example', 'COM'])).toBe('www.example.com');
  });

  it('escapes dots and backslashes inside labels, so one label can never pose as several', () => {
    expect(forwardQname(['www.google.com'])).toBe('www\\.google\\.com');
    expect(forwardQname(['www.google.com'])).not.toBe(forwardQname(['www', 'google', 'com']));
    expect(forwardQname(['a\\b', 'com'])).toBe('a\\\\b.com');
  });

  it('escapes non-printable and non-ASCII bytes and folds only ASCII case', () => {
    expect(forwardQname(['\u00c0x', 'com'])).toBe('\\192x.com');
    expect(forwardQname(['\u00c0x', 'com'])).not.toBe(forwardQname(['\u00e0x', 'com']));
    expect(forwardQname(['a b', 'com'])).toBe('a\\032b.com');
  });

  it('caps the UDP size a forwarded reply may use at ednsMaxUdpSize', () => {
    const v = answer(rawQuery(['example', 'com'], 65535), null, ctx({ ednsMaxUdpSize: 1232 }));
    expect(v).toMatchObject({ kind: 'forward', udpLimit: 1232 });
  });
});
