import { describe, expect, it } from 'vitest';
import { JsonSyntaxError, parseJsonEntries } from '../../src/config/json-entries.js';

function syntaxError(text: string): JsonSyntaxError {
  try {
    parseJsonEntries(text);
  } catch (err) {
    if (err instanceof JsonSyntaxError) return err;
    throw err;
  }
  throw new Error(`no syntax error for ${text}`);
}

describe('parseJsonEntries', () => {
  it('keeps object members in document order, duplicates and case variants included', () => {
    const doc = parseJsonEntries('{"httpon": false, "HttpOn": true, "httpon": false}');
    expect(doc).toEqual({
      kind: 'object',
      entries: [
        ['httpon', { kind: 'bool', value: false }],
        ['HttpOn', { kind: 'bool', value: true }],
        ['httpon', { kind: 'bool', value: false }],
      ],
    });
  });

  it('keeps number literals as written', () => {
    const doc = parseJsonEntries('[60, -1, 60.5, 1e2, 0, 12345678901234567890]');
    expect(doc.kind === 'array' && doc.items.map((i) => (i.kind === 'number' ? i.raw : null))).toEqual([
      '60',
      '-1',
      '60.5',
      '1e2',
      '0',
      '12345678901234567890',
    ]);
  });

  it('decodes strings with every escape', () => {
    const doc = parseJsonEntries(String.raw`"a\"b\\c\/d\b\f\n\r\t\u00e9\u2603"`);
    expect(doc).toEqual({ kind: 'string', value: 'a"b\\c/d\b\f\n\r\t\u00e9\u2603' });
  });

  it('reads nested values, literals and whitespace', () => {
    const doc = parseJsonEntries(' \t\r\n{ "a" : [ null , true , false , { } , [ ] ] } \n');
    expect(doc).toEqual({
      kind: 'object',
      entries: [
        [
          'a',
          {
            kind: 'array',
            items: [
              { kind: 'null' },
              { kind: 'bool', value: true },
              { kind: 'bool', value: false },
              { kind: 'object', entries: [] },
              { kind: 'array', items: [] },
            ],
          },
        ],
      ],
    });
  });

  it('skips a leading byte-order mark', () => {
    expect(parseJsonEntries('\uFEFF{}')).toEqual({ kind: 'object', entries: [] });
  });

  it.each([
    ['', 'unexpected end of JSON input', 1, 1],
    ['{"a": 1', 'unexpected end of JSON input', 1, 8],
    ['{"a": 1,}', "invalid character '}' looking for beginning of object key string", 1, 9],
    ['{"a" 1}', "invalid character '1' after object key", 1, 6],
    ['{"a": 1 "b": 2}', "invalid character '\"' after object key:value pair", 1, 9],
    ['[1 2]', "invalid character '2' after array element", 1, 4],
    ['{"a": x}', "invalid character 'x' looking for beginning of value", 1, 7],
    ['{}\n{}', "invalid character '{' after top-level value", 2, 1],
    ['{"a": tru}', "invalid character '}' in literal true (expecting 'e')", 1, 10],
    ['"a\nb"', "invalid character '\\n' in string literal", 1, 3],
    ['"\\x"', "invalid character 'x' in string escape code", 1, 3],
    ['"\\u12g4"', "invalid character 'g' in \\u hexadecimal character escape", 1, 6],
    ['-x', "invalid character 'x' in numeric literal", 1, 2],
    ['1.', 'unexpected end of JSON input', 1, 3],
    ["{'a': 1}", "invalid character '\\'' looking for beginning of object key string", 1, 2],
  ])('rejects %j with Go wording and a position', (text, goMessage, line, column) => {
    const err = syntaxError(text);
    expect(err.goMessage).toBe(goMessage);
    expect([err.line, err.column]).toEqual([line, column]);
    expect(err.message).toBe(`${goMessage} at line ${line}, column ${column}`);
  });
});
