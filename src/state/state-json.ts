import { isObj } from './fields.js';

/**
 * A task of the state document, kept as its bytes until validation reads it
 * (`DeferredTask.value()`). A 50,000-task state is ~40 MB of JSON: parsed
 * whole, it is an 80 MB string (two bytes a character as soon as one is not
 * Latin-1) and a tree of millions of objects that all live until validation
 * ends, so the garbage collector copies every one of them to the old
 * generation. Parsed one task at a time, each tree dies young.
 */
export class DeferredTask {
  constructor(
    readonly bytes: Buffer,
    readonly start: number,
    readonly end: number,
  ) {}

  /** The task as `JSON.parse` gives it; the scan proved its bytes well-formed. */
  value(): unknown {
    return JSON.parse(this.bytes.toString('utf8', this.start, this.end));
  }
}

/** The item itself, or the task it stands for. */
export function resolveItem(v: unknown): unknown {
  return v instanceof DeferredTask ? v.value() : v;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJ = 0x7b;
const CLOSE_OBJ = 0x7d;
const OPEN_ARR = 0x5b;
const CLOSE_ARR = 0x5d;

/** What a container is, by its place in the document: only `frameworks[].tasks[]` items are deferred (all of them). */
const OTHER_OBJ = 0;
const OTHER_ARR = 1;
const TOP_OBJ = 2;
const FW_ARR = 3;
const FW_OBJ = 4;
const TASKS_ARR = 5;

/** Bytes that may follow `\` in a JSON string. */
const ESCAPES = new Uint8Array(256);
for (const c of '"\\/bfnrtu') ESCAPES[c.charCodeAt(0)] = 1;

function isWs(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isHex(c: number): boolean {
  return isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

/**
 * Parses a state body as `JSON.parse(bytes.toString('utf8'))` would, except
 * that each item of `frameworks[].tasks` (keys matched as validation matches
 * them, case-insensitively) is a `DeferredTask`. Returns undefined when the
 * bytes are not exactly one well-formed JSON value: the caller then parses the
 * text whole, for `JSON.parse`'s own error. The scan checks the whole grammar,
 * so a deferred task never fails to parse later.
 */
export function parseStateJson(bytes: Buffer): unknown {
  const scan = scanState(bytes);
  if (scan === null) return undefined;
  const { deferred } = scan;
  if (deferred.length === 0) return JSON.parse(bytes.toString('utf8'));
  // The document without its tasks, each replaced by its number: every item of a tasks array is deferred, so
  // every number found in one after parsing is such a placeholder. One text and a plain JSON.parse, then a walk
  // of the tasks arrays, cost a fraction of a slice per task and a reviver called for every value.
  let length = bytes.length;
  for (let k = 0; k < deferred.length; k += 2) length -= deferred[k + 1]! - deferred[k]! - String(k >> 1).length;
  const text = Buffer.allocUnsafe(length);
  let at = 0;
  let copied = 0;
  for (let k = 0; k < deferred.length; k += 2) {
    const start = deferred[k]!;
    if (start - copied > 32) {
      at += bytes.copy(text, at, copied, start);
    } else {
      for (let i = copied; i < start; i++) text[at++] = bytes[i]!;
    }
    at += text.write(String(k >> 1), at, 'latin1');
    copied = deferred[k + 1]!;
  }
  bytes.copy(text, at, copied);
  const doc: unknown = JSON.parse(text.toString('utf8'));
  for (const tasks of tasksArrays(doc)) {
    for (let j = 0; j < tasks.length; j++) {
      const n = tasks[j] as number;
      tasks[j] = new DeferredTask(bytes, deferred[2 * n]!, deferred[2 * n + 1]!);
    }
  }
  return doc;
}

/** The arrays at `frameworks[].tasks` of a parsed document, as the scan marks them (keys case-insensitive). */
function* tasksArrays(doc: unknown): Generator<unknown[]> {
  if (!isObj(doc)) return;
  for (const [key, fws] of Object.entries(doc)) {
    if (!Array.isArray(fws) || key.toLowerCase() !== 'frameworks') continue;
    for (const fw of fws) {
      if (!isObj(fw)) continue;
      for (const [k, tasks] of Object.entries(fw)) if (Array.isArray(tasks) && k.toLowerCase() === 'tasks') yield tasks;
    }
  }
}

/** `key` (ASCII lower case) matches the JSON string `bytes[start, end)` (quotes excluded), case-insensitively. */
function keyIs(bytes: Buffer, start: number, end: number, key: string): boolean {
  let plain = true;
  for (let i = start; i < end; i++) if (bytes[i]! >= 0x80 || bytes[i] === BACKSLASH) plain = false;
  if (!plain) return (JSON.parse(bytes.toString('utf8', start - 1, end + 1)) as string).toLowerCase() === key;
  if (end - start !== key.length) return false;
  for (let i = 0; i < key.length; i++) if ((bytes[start + i]! | 0x20) !== key.charCodeAt(i)) return false;
  return true;
}

/** The end of the string whose opening quote is at `i`, or -1 when it is not well-formed. */
function skipString(b: Buffer, i: number): number {
  const n = b.length;
  i++;
  for (;;) {
    if (i >= n) return -1;
    const c = b[i]!;
    if (c === QUOTE) return i + 1;
    if (c === BACKSLASH) {
      const e = b[i + 1] ?? 0;
      if (ESCAPES[e] !== 1) return -1;
      if (e === 0x75) {
        for (let h = 2; h < 6; h++) if (!isHex(b[i + h] ?? 0)) return -1;
        i += 6;
      } else {
        i += 2;
      }
    } else if (c < 0x20) {
      return -1;
    } else {
      i++;
    }
  }
}

function skipDigits(b: Buffer, i: number): number {
  const from = i;
  while (i < b.length && isDigit(b[i]!)) i++;
  return i > from ? i : -1;
}

/** The end of the number starting at `i`, or -1 when it is not well-formed. */
function skipNumber(b: Buffer, i: number): number {
  if (b[i] === 0x2d) i++;
  if (b[i] === 0x30) i++;
  else if ((i = skipDigits(b, i)) < 0) return -1;
  if (b[i] === 0x2e && (i = skipDigits(b, i + 1)) < 0) return -1;
  if (b[i] === 0x65 || b[i] === 0x45) {
    i++;
    if (b[i] === 0x2b || b[i] === 0x2d) i++;
    i = skipDigits(b, i);
  }
  return i;
}

/** The end of `true`, `false` or `null` at `i`, or -1. */
function skipLiteral(b: Buffer, i: number): number {
  const c = b[i];
  const word = c === 0x74 ? 'true' : c === 0x66 ? 'false' : c === 0x6e ? 'null' : '';
  if (word === '') return -1;
  for (let k = 1; k < word.length; k++) if (b[i + k] !== word.charCodeAt(k)) return -1;
  return i + word.length;
}

function skipWs(b: Buffer, i: number): number {
  while (i < b.length && isWs(b[i]!)) i++;
  return i;
}

/** Set by `objectKey`: the kind a container valued under the key read gets. */
let keyNext = OTHER_OBJ;

/** Reads `"key" :` at `i` inside an object of `kind`: the position after the colon, or -1 when not well-formed. */
function objectKey(b: Buffer, i: number, kind: number): number {
  i = skipWs(b, i);
  if (b[i] !== QUOTE) return -1;
  const start = i + 1;
  i = skipString(b, i);
  if (i < 0) return -1;
  const end = i - 1;
  i = skipWs(b, i);
  if (b[i] !== COLON) return -1;
  i++;
  keyNext =
    kind === TOP_OBJ && keyIs(b, start, end, 'frameworks')
      ? FW_ARR
      : kind === FW_OBJ && keyIs(b, start, end, 'tasks')
        ? TASKS_ARR
        : OTHER_OBJ;
  return i;
}

/**
 * One pass over the bytes that checks the JSON grammar (RFC 8259, as
 * `JSON.parse` accepts it) without building anything, and notes where each
 * deferred task starts and ends. Iterative: nesting depth costs no stack.
 * Null when the bytes are not well-formed.
 */
function scanState(b: Buffer): { deferred: number[] } | null {
  const n = b.length;
  const deferred: number[] = [];
  const stack: number[] = [];
  /** the kind the next container opened becomes */
  let next = TOP_OBJ;
  /** stack depth at which the deferred task being scanned closes; -1 when none */
  let deferAt = -1;
  let i = 0;
  for (;;) {
    // A value is expected at i.
    i = skipWs(b, i);
    if (i >= n) return null;
    const c = b[i]!;
    if (deferAt < 0 && stack.length > 0 && stack[stack.length - 1] === TASKS_ARR) {
      deferAt = stack.length;
      deferred.push(i);
    }
    if (c === OPEN_OBJ || c === OPEN_ARR) {
      const obj = c === OPEN_OBJ;
      const kind = obj
        ? next === TOP_OBJ || next === FW_OBJ
          ? next
          : OTHER_OBJ
        : next === FW_ARR || next === TASKS_ARR
          ? next
          : OTHER_ARR;
      stack.push(kind);
      i = skipWs(b, i + 1);
      if (b[i] !== (obj ? CLOSE_OBJ : CLOSE_ARR)) {
        if (obj) {
          i = objectKey(b, i, kind);
          if (i < 0) return null;
          next = keyNext;
        } else {
          next = kind === FW_ARR ? FW_OBJ : OTHER_OBJ;
        }
        continue;
      }
      stack.pop();
      i++;
    } else {
      i = c === QUOTE ? skipString(b, i) : c === 0x2d || isDigit(c) ? skipNumber(b, i) : skipLiteral(b, i);
      if (i < 0) return null;
    }
    // After a value: close containers, or move to the next item of the innermost one.
    for (;;) {
      if (stack.length === deferAt) {
        deferred.push(i);
        deferAt = -1;
      }
      i = skipWs(b, i);
      if (stack.length === 0) return i === n ? { deferred } : null;
      const kind = stack[stack.length - 1]!;
      const obj = kind === OTHER_OBJ || kind === TOP_OBJ || kind === FW_OBJ;
      const c = b[i];
      if (c === COMMA) {
        if (obj) {
          i = objectKey(b, i + 1, kind);
          if (i < 0) return null;
          next = keyNext;
        } else {
          i++;
          next = kind === FW_ARR ? FW_OBJ : OTHER_OBJ;
        }
        break;
      }
      if (c !== (obj ? CLOSE_OBJ : CLOSE_ARR)) return null;
      stack.pop();
      i++;
    }
  }
}
