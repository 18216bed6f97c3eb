import { describe, expect, it } from 'vitest';
import { domainFrag, labelRFC1123, labelRFC952 } from '../../src/records/labels.js';

// Input → [RFC 1123, RFC 952], as the Go functions compute them (docs/compatibility.md, Labels).
const LABELS: Array<[string, string, string]> = [
  ['', '', ''],
  ['-', '', ''],
  ['$$$', '', ''],
  ['a---', 'a', 'a'],
  ['---a---', 'a', 'a'],
  ['---a---b', 'a---b', 'a---b'],
  ['a.b.c.d.e', 'a-b-c-d-e', 'a-b-c-d-e'],
  ['a.c.d_de.', 'a-c-d-de', 'a-c-d-de'],
  ['abc123-', 'abc123', 'abc123'],
  ['-abc123', 'abc123', 'abc123'],
  ['abc--123', 'abc--123', 'abc--123'],
  ['r29f.dev.angrypigs', 'r29f-dev-angrypigs', 'r29f-dev-angrypigs'],
  ['4abc123', '4abc123', 'abc123'],
  ['-4abc123', '4abc123', 'abc123'],
  ['9lives', '9lives', 'lives'],
  ['123', '123', ''],
  ['89fdgsf---gs7-fgs--d7fddg-123', '89fdgsf---gs7-fgs--d7fddg-123', 'fdgsf---gs7-fgs--d7fddg1'],
  ['89fdgsf---gs7-fgs--d7fddg---123', '89fdgsf---gs7-fgs--d7fddg---123', 'fdgsf---gs7-fgs--d7fddg1'],
  ['89fdgsf---gs7-fgs--d7fddg-', '89fdgsf---gs7-fgs--d7fddg', 'fdgsf---gs7-fgs--d7fddg'],
  ['fd%gsf---gs7-f$gs--d7fddg-123', 'fdgsf---gs7-fgs--d7fddg-123', 'fdgsf---gs7-fgs--d7fddg1'],
  ['hello' + '-'.repeat(56) + 'f', 'hello' + '-'.repeat(56) + 'f', 'hellof'],
  ['hello' + '-'.repeat(58) + 'f', 'hellof', 'hellof'],
  ['chronos with a space AND MIXED CASE-2.0.1', 'chronoswithaspaceandmixedcase-2-0-1', 'chronoswithaspaceandmixe'],
  ['a'.repeat(61) + '--b-c', 'a'.repeat(61) + 'b-', 'a'.repeat(24)],
  ['a' + 'b'.repeat(22) + '-cdef', 'a' + 'b'.repeat(22) + '-cdef', 'a' + 'b'.repeat(22) + 'c'],
  ['café_Ünïcode.1', 'caf-ncode-1', 'caf-ncode-1'],
  ['Pg SQL', 'pgsql', 'pgsql'],
  ['TCP', 'tcp', 'tcp'],
  ['__init__', 'init', 'init'],
  ['web_ui', 'web-ui', 'web-ui'],
  ['Web.App_v2', 'web-app-v2', 'web-app-v2'],
  ['liquor.store', 'liquor-store', 'liquor-store'],
];

describe('label', () => {
  it.each(LABELS)('%j', (input, rfc1123, rfc952) => {
    expect(labelRFC1123(input)).toBe(rfc1123);
    expect(labelRFC952(input)).toBe(rfc952);
  });

  it('cuts long RFC 1123 labels at 63 and refills after trailing dashes', () => {
    expect(labelRFC1123('fd%gsf---gs7-f$gs--d7fddg123456789012345678901234567890123456789-123')).toBe(
      'fdgsf---gs7-fgs--d7fddg1234567890123456789012345678901234567891',
    );
    expect(labelRFC1123('##fdgsf---gs7-fgs--d7fddg123456789012345678901234567890123456789-')).toBe(
      'fdgsf---gs7-fgs--d7fddg123456789012345678901234567890123456789',
    );
  });
});

const FRAGS: Array<[string, string, string]> = [
  ['', '', ''],
  ['...', '', ''],
  ['abc.', 'abc', 'abc'],
  ['.a.c', 'a.c', 'a.c'],
  ['a..c.e', 'a.c.e', 'a.c.e'],
  ['space space.com', 'spacespace.com', 'spacespace.com'],
  ['(@ host . com', 'host.com', 'host.com'],
  ['MiXeDcase.CoM', 'mixedcase.com', 'mixedcase.com'],
  ['pod_123$abc.marathon-0.6.0-dev.mesos', 'pod-123abc.marathon-0.6.0-dev.mesos', 'pod-123abc.marathon-0.dev.mesos'],
  ['chronos with a space AND MIXED CASE-2.0.1', 'chronoswithaspaceandmixedcase-2.0.1', 'chronoswithaspaceandmixe'],
  ['Chronos.Prod_2', 'chronos.prod-2', 'chronos.prod-2'],
  ['My.Frame..Work.', 'my.frame.work', 'my.frame.work'],
  ['marathon-0.7.5', 'marathon-0.7.5', 'marathon-0'],
  ['café_Ünïcode.1', 'caf-ncode.1', 'caf-ncode'],
  ['$$', '', ''],
];

describe('domainFrag', () => {
  it.each(FRAGS)('%j', (input, rfc1123, rfc952) => {
    expect(domainFrag(input, labelRFC1123)).toBe(rfc1123);
    expect(domainFrag(input, labelRFC952)).toBe(rfc952);
  });
});
