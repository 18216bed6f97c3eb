import { describe, expect, it } from 'vitest';
import { RecordStore, TYPE_A, TYPE_AAAA, TYPE_SRV, type StoreType } from '../../src/records/store.js';

/** A small deterministic generator, so a failure replays. */
function lcg(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}

function aaaa(v: number): Uint8Array {
  const b = new Uint8Array(16);
  b[0] = 0x20;
  b[1] = 0x01;
  b[14] = v >> 8;
  b[15] = v & 0xff;
  return b;
}

/** Name `id`'s values of `type`, as text, in list order. */
function values(store: RecordStore, type: StoreType, id: number): string[] {
  const out: string[] = [];
  for (let n = store.firstNode(type, id); n >= 0; n = store.nextNode(type, n)) out.push(store.text(type, n));
  return out;
}

describe('RecordStore value sets', () => {
  // Names with few values are checked along their list, the rest through the value index; a name passes from one
  // to the other as it grows. Either way each name must hold each value once, in the order first added.
  it('keeps each value once per name, in insertion order, as a set per name would', () => {
    const next = lcg(7);
    // A small store, so that the value index also grows while names move into it.
    const store = new RecordStore(undefined, { names: 16, values: [16, 16, 16] });
    const ids = Array.from({ length: 40 }, (_, i) => store.id(`n${i}.mesos.`));
    const targets = ids.slice(0, 5);
    const model = new Map<string, string[]>();
    for (let step = 0; step < 20_000; step++) {
      // Skewed: a few names get many values, most get a handful.
      const id = ids[next(4) === 0 ? next(ids.length) : next(4)]!;
      const type = next(3) as StoreType;
      const v = next(next(2) === 0 ? 6 : 300);
      let added: boolean;
      let text: string;
      if (type === TYPE_A) {
        added = store.addA(id, 0x0a000000 + v);
        text = `10.0.${v >> 8}.${v & 0xff}`;
      } else if (type === TYPE_AAAA) {
        added = store.addAAAA(id, aaaa(v), 0);
        text = v === 0 ? '2001::' : `2001::${v.toString(16)}`;
      } else {
        const target = targets[v % targets.length]!;
        const port = 31000 + (v >> 2);
        added = store.addSrv(id, target, port);
        text = `${store.nameText(target)}:${port}`;
      }
      const key = `${type} ${id}`;
      const list = model.get(key) ?? [];
      model.set(key, list);
      expect(added).toBe(!list.includes(text));
      if (added) list.push(text);
    }
    for (const id of ids) {
      for (const type of [TYPE_A, TYPE_AAAA, TYPE_SRV] as const) {
        expect(values(store, type, id)).toEqual(model.get(`${type} ${id}`) ?? []);
        expect(store.count(type, id)).toBe(model.get(`${type} ${id}`)?.length ?? 0);
      }
    }
  });

  it('finds a duplicate at every position as a name grows past the list check', () => {
    for (const type of [TYPE_A, TYPE_AAAA, TYPE_SRV] as const) {
      const store = new RecordStore();
      const id = store.id('a.mesos.');
      const other = store.id('b.mesos.');
      const add = (name: number, v: number): boolean =>
        type === TYPE_A
          ? store.addA(name, v)
          : type === TYPE_AAAA
            ? store.addAAAA(name, aaaa(v), 0)
            : store.addSrv(name, other, v);
      for (let n = 0; n < 12; n++) {
        expect(add(id, n)).toBe(true);
        // The same value under another name is another record.
        expect(add(other, n)).toBe(true);
        for (let k = 0; k <= n; k++) expect(add(id, k)).toBe(false);
      }
      expect(store.count(type, id)).toBe(12);
      expect(store.valueCount(type)).toBe(24);
    }
  });

  it('tells values kept as text from numbers on both sides of the list check', () => {
    const store = new RecordStore();
    const id = store.id('a.mesos.');
    const target = store.id('t.mesos.');
    for (let n = 0; n < 8; n++) {
      // `010.0.0.n` is kept as its text: not the number 10.0.0.n's record.
      expect(store.addA(id, 0x0a000000 + n, `010.0.0.${n}`)).toBe(true);
      expect(store.addA(id, 0x0a000000 + n)).toBe(true);
      expect(store.addA(id, 0x0a000000 + n, `010.0.0.${n}`)).toBe(false);
      expect(store.addA(id, 0x0a000000 + n)).toBe(false);
      expect(store.addSrv(id, target, NaN, `t.mesos.:port${n}`)).toBe(true);
      expect(store.addSrv(id, target, NaN, `t.mesos.:port${n}`)).toBe(false);
    }
    expect(store.count(TYPE_A, id)).toBe(16);
    expect(store.count(TYPE_SRV, id)).toBe(8);
    expect(values(store, TYPE_A, id).slice(0, 4)).toEqual(['010.0.0.0', '10.0.0.0', '010.0.0.1', '10.0.0.1']);
  });
});
