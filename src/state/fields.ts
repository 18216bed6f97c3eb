/**
 * Reading the fields of a JSON document as Go's encoding/json does (keys
 * matched exactly, then case-insensitively), with a `BadItem` for a field of
 * the wrong type: shared by the state's validation and the operator API's
 * (`mesos/stream/v1.ts`).
 */

export type Obj = Record<string, unknown>;

/**
 * A state item that cannot be used; the item is skipped, the reload goes on.
 * Exported for the operator API (`mesos/stream/v1.ts`), whose items share these fields.
 */
export class BadItem extends Error {}

/**
 * Go's encoding/json matches keys exactly first, then case-insensitively.
 * `key` is always lower-case ASCII. Hot callers pass `o.<key>` as `exact`: a
 * property load at the call site sees one JSON shape and stays fast, where
 * `o[key]` in here sees every shape (50,000 tasks, 150,000 statuses).
 */
export function get(o: Obj, key: string, exact: unknown = o[key]): unknown {
  if (exact !== undefined) return exact;
  for (const k in o) if (sameKey(k, key)) return o[k];
  return undefined;
}

/**
 * `k.toLowerCase() === lower`, without allocating for ASCII keys: the fallback
 * runs for every absent optional field of every task and status.
 */
function sameKey(k: string, lower: string): boolean {
  let ascii = true;
  for (let i = 0; i < k.length; i++) if (k.charCodeAt(i) > 0x7f) ascii = false;
  // Unicode lower-casing can map other characters onto ASCII and change lengths (K → k, İ → i̇).
  if (!ascii) return k.toLowerCase() === lower;
  if (k.length !== lower.length) return false;
  for (let i = 0; i < k.length; i++) {
    let c = k.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) c |= 0x20;
    if (c !== lower.charCodeAt(i)) return false;
  }
  return true;
}

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function str(o: Obj, key: string, where: string, exact: unknown = o[key]): string {
  const v = get(o, key, exact);
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw new BadItem(`${where}.${key} is ${typeof v}, not a string`);
  return v;
}

export function arr(o: Obj, key: string, where: string, exact: unknown = o[key]): unknown[] {
  const v = get(o, key, exact);
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new BadItem(`${where}.${key} is not an array`);
  return v;
}

export function obj(v: unknown, where: string): Obj {
  if (!isObj(v)) throw new BadItem(`${where} is not an object`);
  return v;
}

export function idOf(v: unknown): string | undefined {
  if (!isObj(v)) return undefined;
  const id = get(v, 'id');
  return typeof id === 'string' ? id : undefined;
}
