import { describe, expect, it } from 'vitest';
import { goJsonIndent, sortUtf8 } from '../../src/json/go-json.js';
import { valuesOf } from '../../src/records/record-set.js';
import { RecordStore, TYPE_A } from '../../src/records/store.js';
import { recordSetOf, storeOf } from '../../src/records/store-text.js';
import type { RecordSet, Values } from '../../src/records/types.js';
import {
  VIEW_CHUNK_BUFFER_BYTES,
  axfrChunks,
  enumerateChunks,
  joinChunks,
  type AxfrMeta,
} from '../../src/records/views.js';
import { fromGoEnumeration, goEnumeration, type GoEnumeration } from '../helpers/enumeration.js';
import { fixtureNames, fixtureText, parseAxfr, withGoPrefix } from '../helpers/fixtures.js';

const renderAxfr = (rs: RecordSet, meta: AxfrMeta): string => joinChunks(axfrChunks(storeOf(rs), meta));

/** The SOA fields of a `/v1/axfr` body, for tests that do not look at them. */
const META: AxfrMeta = {
  ttl: 60,
  serial: 1,
  refreshSeconds: 60,
  mname: 'ns1.mesos.',
  rname: 'root.ns1.mesos.',
  domain: 'mesos',
};

describe('renderAxfr', () => {
  for (const name of fixtureNames()) {
    it(`reproduces ${name}/axfr.json byte for byte (Serial and prefix aside)`, () => {
      const golden = fixtureText(name, 'axfr.json');
      const { doc, records } = parseAxfr(golden);
      // Render from a set whose names are shuffled, so the sort is what puts them in Go's order.
      const shuffle = (m: Map<string, string[]>) => new Map([...m].reverse());
      const rs: RecordSet = { a: shuffle(records.a), aaaa: shuffle(records.aaaa), srv: shuffle(records.srv) };
      const out = renderAxfr(rs, {
        ttl: doc.TTL,
        serial: 1795301043,
        refreshSeconds: doc.RefreshSeconds,
        mname: doc.Mname,
        rname: doc.Rname,
        domain: doc.Domain,
      });
      expect(out).toContain('\n  "Serial": 1795301043,\n');
      expect(out.replace('\n  "Serial": 1795301043,', '')).toBe(withGoPrefix(golden));
    });
  }

  it('renders empty maps as {} and sorts names and values by UTF-8 bytes, upper case and astral characters as Go does', () => {
    const rs: RecordSet = {
      a: new Map<string, Values>([
        ['b.mesos.', ['10.0.0.2', '10.0.0.1']],
        ['\u{1F600}.mesos.', '10.0.0.4'],
        ['\uFF21.mesos.', ['10.0.0.5']],
        ['My DB.mesos.', '10.0.0.3'],
      ]),
      aaaa: new Map(),
      srv: new Map([['_x._tcp.mesos.', 'x.mesos.:80']]),
    };
    const out = renderAxfr(rs, {
      ttl: 60,
      serial: 7,
      refreshSeconds: 30,
      mname: 'ns1.mesos.',
      rname: 'root.ns1.mesos.',
      domain: 'mesos',
    });
    expect(out).toBe(
      '{\n  "TTL": 60,\n  "Serial": 7,\n  "RefreshSeconds": 30,\n  "Mname": "ns1.mesos.",\n  "Rname": "root.ns1.mesos.",\n  "Domain": "mesos",\n' +
        '  "Records": {\n   "As": {\n' +
        '    "My DB.mesos.": [\n     "10.0.0.3"\n    ],\n' +
        '    "b.mesos.": [\n     "10.0.0.1",\n     "10.0.0.2"\n    ],\n' +
        '    "\uFF21.mesos.": [\n     "10.0.0.5"\n    ],\n' +
        '    "\u{1F600}.mesos.": [\n     "10.0.0.4"\n    ]\n   },\n' +
        '   "AAAAs": {},\n' +
        '   "SRVs": {\n    "_x._tcp.mesos.": [\n     "x.mesos.:80"\n    ]\n   }\n  }\n }',
    );
  });
});

/** A store whose names are made from labels under hostile parents, relative and absolute, with odd SRV ports. */
function hostileStore(): RecordStore {
  const s = new RecordStore();
  const parents = ['mesos.', 'x<y.mesos.', '\u{1F600}.\ud800z.mesos.', 'rel.tive', 'é\u2028.mesos.'].map((t) =>
    s.id(t),
  );
  const labels = ['web', 'a&b', '\ud83d', '\ude00end', 'q"\\', 'tab\t', 'ÿ', 'é<x"\\\u0001&'];
  const ports = [0, 9, 31000, 65535, 2 ** 31, 1.5, -1];
  const v6 = new Uint8Array(16);
  let n = 0;
  for (const parent of parents) {
    for (const label of labels) {
      const id = s.below(parent, label);
      s.beginTask();
      s.addA(id, (10 << 24) | n);
      if (n % 3 === 0) s.addA(id, (9 << 24) | n);
      v6[15] = n;
      if (n % 2 === 0) s.addAAAA(id, v6, 0);
      const srv = s.below(parent, `_${label}._tcp`);
      s.addSrv(srv, id, ports[n % ports.length]!);
      s.addSrv(srv, parent, 80);
      s.endTask();
      n++;
    }
  }
  return s;
}

describe('views of names made from labels', () => {
  const meta = META;

  it('render /v1/axfr as goJsonIndent renders the same maps of text', () => {
    const store = hostileStore();
    const rs = recordSetOf(store);
    const sorted = (m: Map<string, Values>) =>
      new Map(sortUtf8([...m.keys()]).map((k) => [k, sortUtf8([...valuesOf(m.get(k)!)])]));
    const doc = {
      TTL: 60,
      Serial: 1,
      RefreshSeconds: 60,
      Mname: 'ns1.mesos.',
      Rname: 'root.ns1.mesos.',
      Domain: 'mesos',
      Records: { As: sorted(rs.a), AAAAs: sorted(rs.aaaa), SRVs: sorted(rs.srv) },
    };
    expect(joinChunks(axfrChunks(store, meta))).toBe(goJsonIndent(doc));
  });

  it('render /v1/enumerate as goJsonIndent renders the records as text', () => {
    const store = hostileStore();
    const tasks = [];
    for (let from = 0; from < store.journal.length;) {
      let to = from + 1;
      while (to < store.journal.length && store.journal.items[to]! >>> 30 !== TYPE_A) to++;
      tasks.push({ name: `t${from}`, id: `t<${from}>`, from, to });
      from = to;
    }
    const e = { frameworks: [{ tasks, name: 'x\u2028' }] };
    expect(joinChunks(enumerateChunks(store, e))).toBe(goJsonIndent(goEnumeration(store, e)));
  });
});

describe('renderEnumerate', () => {
  for (const name of fixtureNames()) {
    it(`reproduces ${name}/enumerate.json byte for byte (prefix aside)`, () => {
      const store = storeOf(parseAxfr(fixtureText(name, 'axfr.json')).records);
      const golden = fixtureText(name, 'enumerate.json');
      const e = fromGoEnumeration(JSON.parse(golden) as GoEnumeration, store);
      expect(joinChunks(enumerateChunks(store, e))).toBe(withGoPrefix(golden));
    });
  }

  it('writes Go key order, one object per record, escapes, and null slices', () => {
    const store = storeOf({
      a: new Map<string, Values>([
        ['a.x.mesos.', '10.0.0.1'],
        ['b&c.x.mesos.', '10.0.0.2'],
      ]),
      aaaa: new Map(),
      srv: new Map([['_a._tcp.x.mesos.', 'a.x.mesos.:80']]),
    });
    const doc: GoEnumeration = {
      frameworks: [
        { tasks: [{ name: 'web', id: 'web.1', records: null }], name: 'marathon' },
        { tasks: [], name: 'nopid' },
        {
          tasks: [
            {
              name: 'a',
              id: 'a<b',
              records: [
                { name: 'a.x.mesos.', host: '10.0.0.1', rtype: 'A' },
                { name: '_a._tcp.x.mesos.', host: 'a.x.mesos.:80', rtype: 'SRV' },
              ],
            },
            { name: 'b', id: 'b.1', records: [{ name: 'b&c.x.mesos.', host: '10.0.0.2', rtype: 'A' }] },
          ],
          name: 'x',
        },
      ],
    };
    const e = fromGoEnumeration(doc, store);
    const body = joinChunks(enumerateChunks(store, e));
    expect(JSON.parse(body)).toEqual(goEnumeration(store, e));
    expect(body).toBe(
      '{\n  "frameworks": [\n   {\n    "tasks": [\n     {\n      "name": "web",\n      "id": "web.1",\n      "records": null\n     }\n    ],\n    "name": "marathon"\n   },\n' +
        '   {\n    "tasks": [],\n    "name": "nopid"\n   },\n' +
        '   {\n    "tasks": [\n     {\n      "name": "a",\n      "id": "a\\u003cb",\n      "records": [\n       {\n        "name": "a.x.mesos.",\n        "host": "10.0.0.1",\n        "rtype": "A"\n       },\n' +
        '       {\n        "name": "_a._tcp.x.mesos.",\n        "host": "a.x.mesos.:80",\n        "rtype": "SRV"\n       }\n      ]\n     },\n' +
        '     {\n      "name": "b",\n      "id": "b.1",\n      "records": [\n       {\n        "name": "b\\u0026c.x.mesos.",\n        "host": "10.0.0.2",\n        "rtype": "A"\n       }\n      ]\n     }\n    ],\n    "name": "x"\n   }\n  ]\n }',
    );
    expect(joinChunks(enumerateChunks(store, { frameworks: null }))).toBe('{\n  "frameworks": null\n }');
  });

  it('hands a large body out in chunks that join to the whole', () => {
    const rs: RecordSet = { a: new Map(), aaaa: new Map(), srv: new Map() };
    for (let i = 0; i < 40_000; i++) rs.a.set(`host-${i}.mesos.`, `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`);
    const meta = META;
    const chunks = [...axfrChunks(storeOf(rs), meta)];
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.every((c) => c.byteLength <= VIEW_CHUNK_BUFFER_BYTES)).toBe(true);
    expect(JSON.parse(joinChunks(chunks)).Records.As['host-39999.mesos.']).toEqual(['10.0.156.63']);
  });
});
