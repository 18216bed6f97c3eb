import { describe, expect, it } from 'vitest';
import { UpstreamRouter, parseUpstream } from '../../../src/dns/forward/router.js';
import { buildQuery, questionEnd } from '../../helpers/dns-msg.js';

/** A query whose QNAME is these raw labels (a label may hold a dot). */
function rawQuery(labels: string[]): Buffer {
  const parts = [Buffer.from([0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0])];
  for (const l of labels) parts.push(Buffer.from([l.length]), Buffer.from(l, 'latin1'));
  parts.push(Buffer.from([0, 0, 1, 0, 1]));
  return Buffer.concat(parts);
}

function firstUpstream(r: UpstreamRouter, q: Buffer): string | undefined {
  return r.route(q, questionEnd(q) - 4)[0]?.host;
}

describe('parseUpstream', () => {
  it('parses resolver forms', () => {
    expect(parseUpstream('192.0.2.1')).toMatchObject({ host: '192.0.2.1', port: 53, family: 4 });
    expect(parseUpstream('192.0.2.1:5353')).toMatchObject({ host: '192.0.2.1', port: 5353 });
    expect(parseUpstream('[2001:DB8:0::1]:55')).toMatchObject({ host: '2001:db8::1', port: 55, family: 6 });
    expect(parseUpstream('2001:db8::1')).toMatchObject({ host: '2001:db8::1', port: 53, family: 6 });
    expect(() => parseUpstream('resolver.example:53')).toThrow(/not an IP/);
  });
});

describe('UpstreamRouter', () => {
  const r = new UpstreamRouter(['192.0.2.1'], {
    'zone.example': ['192.0.2.2'],
    'deep.zone.example': ['192.0.2.3'],
    'Upper.Example': ['192.0.2.4'],
    'corp.internal': ['192.0.2.5'],
  });
  const route = (name: string) => firstUpstream(r, buildQuery(name));

  it('picks the longest matching zone on label boundaries, else the defaults', () => {
    expect(route('x.zone.example')).toBe('192.0.2.2');
    expect(route('zone.example')).toBe('192.0.2.2');
    expect(route('a.deep.zone.example')).toBe('192.0.2.3');
    expect(route('xzone.example')).toBe('192.0.2.1');
    expect(route('www.upper.example')).toBe('192.0.2.4');
    expect(route('WWW.UPPER.EXAMPLE')).toBe('192.0.2.4');
    expect(route('elsewhere.org')).toBe('192.0.2.1');
    expect(route('example')).toBe('192.0.2.1');
    expect(route('.')).toBe('192.0.2.1');
  });

  it('compares wire labels: a dot inside a label is no label boundary', () => {
    // x\.corp.internal: two labels, "x.corp" and "internal".
    expect(firstUpstream(r, rawQuery(['x.corp', 'internal']))).toBe('192.0.2.1');
    // corp\.internal: one label.
    expect(firstUpstream(r, rawQuery(['corp.internal']))).toBe('192.0.2.1');
    expect(firstUpstream(r, rawQuery(['a', 'x.zone', 'example']))).toBe('192.0.2.1');
    expect(firstUpstream(r, rawQuery(['x', 'corp', 'internal']))).toBe('192.0.2.5');
    expect(firstUpstream(r, rawQuery(['x.y', 'CORP', 'internal']))).toBe('192.0.2.5');
  });
});
