/**
 * A small JSON reader that keeps what `JSON.parse` throws away: object members in
 * document order (duplicates and case variants included) and number literals as
 * written. Go's `encoding/json` applies duplicate keys one after the other and
 * checks integer literals against the field type, so the config decoder needs both.
 * Syntax errors use Go's wording plus a line and column.
 */

export type JsonValue =
  | { readonly kind: 'null' }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'number'; readonly raw: string }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'array'; readonly items: readonly JsonValue[] }
  | { readonly kind: 'object'; readonly entries: ReadonlyArray<readonly [string, JsonValue]> };

export class JsonSyntaxError extends Error {
  readonly offset: number;
  readonly line: number;
  readonly column: number;
  /** Go's message without the position, e.g. `unexpected end of JSON input` */
  readonly goMessage: string;
  constructor(goMessage: string, text: string, offset: number) {
    const { line, column } = lineAndColumn(text, offset);
    super(`${goMessage} at line ${line}, column ${column}`);
    this.name = 'JsonSyntaxError';
    this.goMessage = goMessage;
    this.offset = offset;
    this.line = line;
    this.column = column;
  }
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** Go's `quoteChar`: the offending character in single quotes, escaped. */
function quoteChar(c: string): string {
  if (c === "'") return `'\\''`;
  if (c === '"') return `'"'`;
  return `'${JSON.stringify(c).slice(1, -1)}'`;
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

class Reader {
  private pos = 0;
  constructor(private readonly text: string) {}

  parseDocument(): JsonValue {
    const value = this.value('looking for beginning of value');
    this.skipWhitespace();
    if (this.pos < this.text.length) this.fail('after top-level value');
    return value;
  }

  private fail(context: string, at = this.pos): never {
    if (at >= this.text.length) throw new JsonSyntaxError('unexpected end of JSON input', this.text, at);
    const c = String.fromCodePoint(this.text.codePointAt(at) ?? 0);
    throw new JsonSyntaxError(`invalid character ${quoteChar(c)} ${context}`, this.text, at);
  }

  private skipWhitespace(): void {
    while (this.pos < this.text.length && WHITESPACE.has(this.text[this.pos]!)) this.pos++;
  }

  private value(context: string): JsonValue {
    this.skipWhitespace();
    const c = this.text[this.pos];
    switch (c) {
      case '{':
        return this.object();
      case '[':
        return this.array();
      case '"':
        return { kind: 'string', value: this.string() };
      case 't':
        this.literal('true');
        return { kind: 'bool', value: true };
      case 'f':
        this.literal('false');
        return { kind: 'bool', value: false };
      case 'n':
        this.literal('null');
        return { kind: 'null' };
      default:
        if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
        return this.fail(context);
    }
  }

  private literal(word: string): void {
    for (let i = 0; i < word.length; i++) {
      if (this.text[this.pos + i] !== word[i]) {
        this.fail(`in literal ${word} (expecting ${quoteChar(word[i]!)})`, this.pos + i);
      }
    }
    this.pos += word.length;
  }

  private number(): JsonValue {
    NUMBER.lastIndex = this.pos;
    const m = NUMBER.exec(this.text);
    if (!m) this.fail('in numeric literal', this.pos + 1);
    const raw = m[0];
    const end = this.pos + raw.length;
    const next = this.text[end];
    // Go reports the first character that cannot continue the literal, e.g. `1.` or `1e`.
    if (next === '.' || next === 'e' || next === 'E') this.fail('in numeric literal', end + 1);
    this.pos = end;
    return { kind: 'number', raw };
  }

  private string(): string {
    this.pos++;
    let out = '';
    for (;;) {
      if (this.pos >= this.text.length) this.fail('in string literal');
      const c = this.text[this.pos]!;
      if (c === '"') {
        this.pos++;
        return out;
      }
      if (c < ' ') this.fail('in string literal');
      if (c !== '\\') {
        out += c;
        this.pos++;
        continue;
      }
      const e = this.text[this.pos + 1];
      if (e === undefined) this.fail('in string escape code', this.pos + 1);
      if (e === 'u') {
        for (let i = 2; i < 6; i++) {
          if (!/[0-9a-fA-F]/.test(this.text[this.pos + i] ?? '')) {
            this.fail('in \\u hexadecimal character escape', this.pos + i);
          }
        }
        out += String.fromCharCode(parseInt(this.text.slice(this.pos + 2, this.pos + 6), 16));
        this.pos += 6;
        continue;
      }
      const decoded = ESCAPES[e];
      if (decoded === undefined) this.fail('in string escape code', this.pos + 1);
      out += decoded;
      this.pos += 2;
    }
  }

  private array(): JsonValue {
    this.pos++;
    const items: JsonValue[] = [];
    this.skipWhitespace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return { kind: 'array', items };
    }
    for (;;) {
      items.push(this.value('looking for beginning of value'));
      this.skipWhitespace();
      const c = this.text[this.pos];
      if (c === ',') {
        this.pos++;
        continue;
      }
      if (c === ']') {
        this.pos++;
        return { kind: 'array', items };
      }
      this.fail('after array element');
    }
  }

  private object(): JsonValue {
    this.pos++;
    const entries: Array<readonly [string, JsonValue]> = [];
    this.skipWhitespace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return { kind: 'object', entries };
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.pos] !== '"') this.fail('looking for beginning of object key string');
      const key = this.string();
      this.skipWhitespace();
      if (this.text[this.pos] !== ':') this.fail('after object key');
      this.pos++;
      entries.push([key, this.value('looking for beginning of value')]);
      this.skipWhitespace();
      const c = this.text[this.pos];
      if (c === ',') {
        this.pos++;
        continue;
      }
      if (c === '}') {
        this.pos++;
        return { kind: 'object', entries };
      }
      this.fail('after object key:value pair');
    }
  }
}

/** Parses one JSON document; a leading UTF-8 byte-order mark is skipped. */
export function parseJsonEntries(text: string): JsonValue {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  return new Reader(body).parseDocument();
}
