import { describe, expect, it } from 'vitest';
import { compareUtf8, goJsonIndent, goQuote, sortUtf8, utf8SortKey } from '../../src/json/go-json.js';

describe('goJsonIndent', () => {
  it('matches the /v1/version bytes of the Go program', () => {
    const v = { Service: 'Mesos-DNS', URL: 'https://github.com/mesosphere/mesos-dns', Version: 'dev' };
    expect(goJsonIndent(v)).toBe(
      '{\n  "Service": "Mesos-DNS",\n  "URL": "https://github.com/mesosphere/mesos-dns",\n  "Version": "dev"\n }',
    );
  });

  it('nests arrays and objects with prefix and indent, compact empties, null', () => {
    const v = { a: [1, { b: [] as unknown[], c: {} }, null], d: true, e: false, f: undefined };
    expect(goJsonIndent(v)).toBe(
      '{\n  "a": [\n   1,\n   {\n    "b": [],\n    "c": {}\n   },\n   null\n  ],\n  "d": true,\n  "e": false\n }',
    );
    expect(goJsonIndent([])).toBe('[]');
    expect(goJsonIndent({})).toBe('{}');
    expect(goJsonIndent(null)).toBe('null');
    expect(goJsonIndent([{ host: '', ip: '' }])).toBe('[\n  {\n   "host": "",\n   "ip": ""\n  }\n ]');
  });

  it('renders a Map as an object in its iteration order', () => {
    expect(
      goJsonIndent(
        new Map<string, unknown>([
          ['z', 1],
          ['a', [2]],
        ]),
      ),
    ).toBe('{\n  "z": 1,\n  "a": [\n   2\n  ]\n }');
  });

  it('formats numbers as Go float64', () => {
    expect(goJsonIndent([0, -0, 1.5, 1e21, 1e-7, 123456789, 0.000001, -3])).toBe(
      '[\n  0,\n  -0,\n  1.5,\n  1e+21,\n  1e-7,\n  123456789,\n  0.000001,\n  -3\n ]',
    );
  });

  it('escapes strings exactly as Go', () => {
    expect(goQuote('plain é 😀')).toBe('"plain é 😀"');
    expect(goQuote('<a href="x">&</a>')).toBe('"\\u003ca href=\\"x\\"\\u003e\\u0026\\u003c/a\\u003e"');
    expect(goQuote('a\\b\n\r\t')).toBe('"a\\\\b\\n\\r\\t"');
    // Go 1.19 has no short forms for \b and \f.
    expect(goQuote('\b\f\u0000\u001f\u007f')).toBe('"\\u0008\\u000c\\u0000\\u001f\u007f"');
    expect(goQuote('x\u2028y\u2029')).toBe('"x\\u2028y\\u2029"');
    // Lone surrogates become U+FFFD (what Go holds after decoding such input); pairs pass through.
    expect(goQuote('a\ud800b\udc00\ud83d\ude00')).toBe('"a\ufffdb\ufffd\ud83d\ude00"');
    expect(goQuote('\ud83d')).toBe('"\ufffd"');
  });

  it('produces JSON that parses back to the same value', () => {
    const v = { s: 'q"\\<>&\u2028\u0001', n: [1, 2.25], o: { x: null } };
    expect(JSON.parse(goJsonIndent(v))).toEqual(v);
  });
});

describe('UTF-8 key order', () => {
  it('sorts upper case first and astral code points after U+FFFF', () => {
    const keys = ['b', '\u{1F600}', '\uFF21', 'B', 'a', 'é', 'ab'];
    expect(sortUtf8([...keys])).toEqual(['B', 'a', 'ab', 'b', 'é', '\uFF21', '\u{1F600}']);
    const bytes = (s: string) => Buffer.from(s, 'utf8');
    const byBytes = [...keys].sort((x, y) => Buffer.compare(bytes(x), bytes(y)));
    expect([...keys].sort(compareUtf8)).toEqual(byBytes);
  });

  it('gives sort keys whose native order is UTF-8 byte order', () => {
    // Code units around every boundary that matters: ASCII, U+D7FF, surrogate pairs, U+E000 and U+FFFF.
    const units = ['a', 'é', '\uD7FF', '\uE000', '\uFF21', '\uFFFF', '\u{10000}', '\u{1F600}', '\u{10FFFF}'];
    const keys: string[] = [];
    for (const x of units) for (const y of units) keys.push(x + y, x + '.' + y);
    const bytes = (s: string) => Buffer.from(s, 'utf8');
    const byBytes = [...keys].sort((x, y) => Buffer.compare(bytes(x), bytes(y)));
    const byKey = [...keys].sort((x, y) => (utf8SortKey(x) < utf8SortKey(y) ? -1 : 1));
    expect(byKey).toEqual(byBytes);
    expect(new Set(keys.map(utf8SortKey)).size).toBe(new Set(keys).size);
  });
});
