import { describe, expect, it } from 'vitest';
import { generate, type GenerateInput } from '../../src/records/generator.js';
import { validateState } from '../../src/state/state.js';
import type { IPSource } from '../../src/config/types.js';
import type { RecordSet, Values } from '../../src/records/types.js';
import { valuesOf } from '../../src/records/record-set.js';
import { goEnumeration, type GoEnumeration } from '../helpers/enumeration.js';
import { fixtureRecords, fixtureNames, readFixture } from '../helpers/fixtures.js';
import { recordSetOf } from '../../src/records/store-text.js';

/** The fixture machine's resolver: the Go program resolved `localhost` to 127.0.0.1 only. */
const FIXTURE_RESOLVER = new Map([['localhost', ['127.0.0.1']]]);

function fixtureInput(name: string): GenerateInput {
  const raw = readFixture(name, 'config.json') as Record<string, unknown>;
  const get = (k: string) => Object.entries(raw).find(([key]) => key.toLowerCase() === k.toLowerCase())?.[1];
  return {
    domain: String(get('domain') ?? 'mesos').toLowerCase(),
    enforceRFC952: get('enforceRFC952') === true,
    ipSources: (get('IPSources') as IPSource[] | undefined) ?? ['netinfo', 'mesos', 'host'],
    soaMname: String(get('SOAMname') ?? 'ns1.mesos').replace(/\.*$/, '.'),
    listener: String(get('listener') ?? '0.0.0.0'),
    masters: (get('masters') as string[] | undefined) ?? [],
    healthyOnly: false,
    resolved: FIXTURE_RESOLVER,
    interfaceAddrs: [],
  };
}

function asSortedObject(rs: Map<string, Values>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of [...rs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) out[k] = [...valuesOf(v)].sort();
  return out;
}

function sortedEnumeration(e: GoEnumeration): unknown {
  return (e.frameworks ?? []).map((f) => ({
    name: f.name,
    tasks: f.tasks
      .map((t) => ({
        ...t,
        records: t.records ? [...t.records].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))) : null,
      }))
      .sort((a, b) => a.id.localeCompare(b.id)),
  }));
}

describe.each(fixtureNames())('fixture %s', (name) => {
  const { state, warnings } = validateState(readFixture(name, 'state.json'));
  const generated = generate(state, fixtureInput(name));
  const golden: RecordSet = fixtureRecords(name);

  it('validates the state without skipping anything', () => {
    expect(warnings).toEqual([]);
  });

  it('generates exactly the Go A records', () => {
    expect(asSortedObject(recordSetOf(generated.store).a)).toEqual(asSortedObject(golden.a));
  });

  it('generates exactly the Go AAAA records', () => {
    expect(asSortedObject(recordSetOf(generated.store).aaaa)).toEqual(asSortedObject(golden.aaaa));
  });

  it('generates exactly the Go SRV records', () => {
    expect(asSortedObject(recordSetOf(generated.store).srv)).toEqual(asSortedObject(golden.srv));
  });

  it('enumerates exactly as the Go program (order of list items aside)', () => {
    const want = readFixture(name, 'enumerate.json') as GoEnumeration;
    expect(sortedEnumeration(goEnumeration(generated.store, generated.enumeration))).toEqual(sortedEnumeration(want));
  });

  it('enumerates in the Go generation order', () => {
    const want = readFixture(name, 'enumerate.json') as GoEnumeration;
    expect(JSON.stringify(goEnumeration(generated.store, generated.enumeration))).toBe(JSON.stringify(want));
  });
});
