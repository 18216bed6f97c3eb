import { describe, expect, it } from 'vitest';
import { goEscape } from '../../src/json/go-json.js';
import { NameBytes } from '../../src/records/name-bytes.js';
import { RecordStore } from '../../src/records/store.js';

/** Names relative and absolute, under parents Go escapes, with astral, lone-surrogate and long labels. */
function hostileStore(): RecordStore {
  const s = new RecordStore();
  const parents = ['mesos.', 'x<y.mesos.', '\u{1F600}.\ud800z.mesos.', 'rel.tive', 'é\u2028.mesos.', ''].map((t) =>
    s.id(t),
  );
  // Labels of 200 characters and more outgrow the room made for ~48 bytes a name.
  const labels = ['web', 'web-1', 'a&b', '\ud83d', '\ude00end', 'q"\\', 'tab\t', 'ÿ', '\uffff', 'x'.repeat(200)];
  // Escapes after a non-ASCII character, which starts the slow path.
  labels.push('é<x', 'é"q', 'ü\\', 'é\u0001', '\u{1F600}&', 'é\u2029');
  for (const parent of parents) for (const label of labels) s.below(parent, label);
  s.id('.');
  return s;
}

/** A name's bytes as Go holds them: UTF-8, with a lone surrogate read as U+FFFD. */
const goBytes = (text: string): Buffer => Buffer.from(text, 'utf8');

describe('NameBytes', () => {
  const store = hostileStore();
  const bytes = new NameBytes(store.names);
  const ids = [...Array(store.nameCount).keys()];

  it("holds every name's UTF-8 bytes, and marks the names Go escapes", () => {
    expect(store.nameCount).toBeGreaterThan(60);
    for (const id of ids) {
      const text = store.nameText(id);
      const own = Buffer.from(bytes.bytes.subarray(bytes.starts[id]!, bytes.starts[id + 1]!));
      expect(own.equals(goBytes(text)), text).toBe(true);
      expect(bytes.escapes[id], text).toBe(goEscape(text) === text ? 0 : 1);
    }
  });

  it('orders names as their UTF-8 bytes compare', () => {
    for (const a of ids) {
      for (const b of ids) {
        const want = Math.sign(Buffer.compare(goBytes(store.nameText(a)), goBytes(store.nameText(b))));
        expect(Math.sign(bytes.compare(a, b)), `${store.nameText(a)} vs ${store.nameText(b)}`).toBe(want);
      }
    }
  });
});
