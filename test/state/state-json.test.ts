import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { prng } from '../../bench/prng.js';
import { DeferredTask, parseStateJson, resolveItem } from '../../src/state/state-json.js';
import { validateState } from '../../src/state/state.js';

/** The document with every deferred task parsed: what `JSON.parse` gives for well-formed bytes. */
function resolved(v: unknown): unknown {
  const item = resolveItem(v);
  if (Array.isArray(item)) return item.map(resolved);
  if (typeof item !== 'object' || item === null) return item;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(item)) out[k] = resolved(x);
  return out;
}

/** `JSON.parse`'s verdict on the bytes: the value, or undefined when it throws. */
function parsed(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
}

function deferredCount(doc: unknown): number {
  let n = 0;
  const walk = (v: unknown): void => {
    if (v instanceof DeferredTask) n++;
    else if (typeof v === 'object' && v !== null) for (const x of Object.values(v)) walk(x);
  };
  walk(doc);
  return n;
}

const fixture = readFileSync(new URL('../fixtures/nasty-300/state.json', import.meta.url));

describe('parseStateJson', () => {
  it('defers each task of a real state, and validates to the same state as JSON.parse', () => {
    const doc = parseStateJson(fixture);
    expect(deferredCount(doc)).toBeGreaterThan(100);
    expect(resolved(doc)).toStrictEqual(JSON.parse(fixture.toString('utf8')));
    expect(validateState(doc)).toStrictEqual(validateState(JSON.parse(fixture.toString('utf8'))));
  });

  it('defers every task item under keys validation matches case-insensitively, and only there', () => {
    const text =
      '{"leader":"m@1.2.3.4:5","FRAMEWORKS":[{"Tasks":[{"id":"a"},7,{"id":"b"}],"other":[{"x":1}]}],' +
      '"slaves":[{"tasks":[{"id":"c"}]}],"fr\\u0061meworks":[{"tas\\u212As":[{"id":"d"}]}]}';
    const doc = parseStateJson(Buffer.from(text)) as Record<string, unknown>;
    // The 7 too: validation then skips it as a task that is not an object.
    expect(deferredCount(doc)).toBe(4);
    expect(deferredCount(doc.slaves)).toBe(0);
    expect(resolved(doc)).toStrictEqual(JSON.parse(text));
  });

  it('defers items of every kind, under every spelling of the keys that survives parsing', () => {
    const text =
      '{"leader":"x","frameworks":[{"tasks":[1, "s" ,null,[2,[]],{"id":"a"},-0.5e1]  ,"TASKS":[{"id":"b"}]}],' +
      '"Frameworks":[{"tasks":[true]},[{"tasks":[{"id":"c"}]}]],"frameworks":[{"tasks":[false,{}]}]}';
    const doc = parseStateJson(Buffer.from(text));
    // The first "frameworks" is shadowed by the last; a framework that is an array is no framework.
    expect(deferredCount(doc)).toBe(3);
    expect(resolved(doc)).toStrictEqual(JSON.parse(text));
    const shadowed = parseStateJson(Buffer.from(text.replace(/,"frameworks":\[\{"tasks":\[false,\{\}\]\}\]\}$/, '}')));
    expect(deferredCount(shadowed)).toBe(8);
    expect(validateState(doc)).toStrictEqual(validateState(JSON.parse(text)));
  });

  it('keeps the last of duplicate keys and every kind of value, as JSON.parse does', () => {
    const text =
      ' {"frameworks":[{"tasks":[{"a":1}]}],"frameworks":[{"tasks":[{"id":"\\"}\\u00e9\\n","n":-1.5e+3,' +
      '"t":true,"f":false,"z":null,"e":{},"l":[],"u":"ü🚀"},{}]}],"leader":"x"}\n';
    const doc = parseStateJson(Buffer.from(text));
    expect(deferredCount(doc)).toBe(2);
    expect(resolved(doc)).toStrictEqual(JSON.parse(text));
  });

  it.each([
    '',
    ' ',
    '{',
    '{"a":1,}',
    '[1,]',
    '{"a" 1}',
    '{"a":01}',
    '{"a":1.}',
    '{"a":.5}',
    '{"a":1e}',
    '{"a":-}',
    '{"a":tru}',
    '{"a":"\\x"}',
    '{"a":"\\u12g4"}',
    '{"a":"\t"}',
    '{"a":1} {}',
    '\ufeff{}',
    '{"frameworks":[{"tasks":[{"id":"a",}]}]}',
    '{"frameworks":[{"tasks":[{"id":"a"]}]}',
    '{"frameworks":[{"tasks":[{"id":"a"}',
  ])('refuses %j, as JSON.parse does', (text) => {
    expect(parsed(Buffer.from(text))).toBeUndefined();
    expect(parseStateJson(Buffer.from(text))).toBeUndefined();
  });

  it('agrees with JSON.parse on every mutation of a state', () => {
    const base = Buffer.from(
      JSON.stringify({
        leader: 'master@10.0.0.1:5050',
        frameworks: [
          {
            name: 'm',
            tasks: [
              { id: 'a', n: [1, -2.5e3, true, null], s: 'é\n' },
              { id: 'b', o: {} },
            ],
          },
          { tasks: [] },
        ],
        slaves: [{ id: 's', pid: 'slave(1)@10.0.0.2:5051' }],
      }),
    );
    const bytes = [...'{}[]",:\\ 0-.eE+tuaflsn\t\u0001'].map((c) => c.charCodeAt(0)).concat([0xc3, 0xa9, 0xff]);
    const rand = prng(1);
    for (let round = 0; round < 3000; round++) {
      const b = Buffer.from(base);
      const at = Math.floor(rand() * b.length);
      const edit = rand();
      let m: Buffer;
      if (edit < 0.4) {
        b[at] = bytes[Math.floor(rand() * bytes.length)]!;
        m = b;
      } else if (edit < 0.7) {
        m = Buffer.concat([b.subarray(0, at), b.subarray(at + 1)]);
      } else {
        m = Buffer.concat([b.subarray(0, at), Buffer.of(bytes[Math.floor(rand() * bytes.length)]!), b.subarray(at)]);
      }
      const doc = parseStateJson(m);
      const expected = parsed(m);
      expect(doc === undefined ? undefined : resolved(doc), m.toString('utf8')).toStrictEqual(expected);
    }
  });
});
