import type { Values } from './types.js';

/** A name's values as a list (a fresh one-element array for a single value). */
export function valuesOf(values: Values): readonly string[] {
  return typeof values === 'string' ? [values] : values;
}

export function valueCount(values: Values): number {
  return typeof values === 'string' ? 1 : values.length;
}

/** The number of records (name, value pairs) of one of a RecordSet's maps. */
export function recordCount(map: ReadonlyMap<string, Values>): number {
  let n = 0;
  for (const values of map.values()) n += valueCount(values);
  return n;
}

/** Adds `value` to `name`'s values unless present (the generator has its own, faster path). */
export function addValue(map: Map<string, Values>, name: string, value: string): void {
  const values = map.get(name);
  if (values === undefined) map.set(name, value);
  else if (typeof values === 'string') {
    if (values !== value) map.set(name, [values, value]);
  } else if (!values.includes(value)) values.push(value);
}
