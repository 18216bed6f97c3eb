import { describe, expect, it } from 'vitest';
import { hostsBody, servicesBody, type LookupSource } from '../../src/http/lookups.js';
import { generate } from '../../src/records/generator.js';
import type { RecordStore } from '../../src/records/store.js';
import { storeOf } from '../../src/records/store-text.js';
import { validateState } from '../../src/state/state.js';
import { tableMetaFor } from '../../src/table/meta.js';
import { RecordTable } from '../../src/table/table.js';
import { httpOnlyNames, openHttpNames } from '../../src/table/http-names.js';
import {
  fixtureConfig,
  fixtureGenerateInput,
  fixtureNames,
  fixtureRecords,
  readFixture,
  type ListRecordSet,
} from '../helpers/fixtures.js';
import {
  expectGoHosts,
  expectGoServices,
  goKey,
  goServices,
  type HostsBody,
  type ServicesBody,
} from '../helpers/go-lookups.js';

function checkHosts(source: LookupSource, maps: ListRecordSet, param: string): void {
  expectGoHosts(JSON.parse(hostsBody(source, param)) as HostsBody, maps, param);
}

function checkServices(source: LookupSource, maps: ListRecordSet, param: string): void {
  expectGoServices(JSON.parse(servicesBody(source, param)) as ServicesBody, maps, param);
}

/** Each stored name as written, without its dot, and upper-cased: all reach the same key or none. */
function params(name: string): string[] {
  return [name, name.replace(/\.$/, ''), name.toUpperCase()];
}

/** The lookups of a record store, built as a refresh builds them. */
function sourceOf(store: RecordStore, name: string): LookupSource {
  const { table, plan } = RecordTable.buildWithPlan(store, tableMetaFor(fixtureConfig(name), 1));
  return { table, httpNames: openHttpNames(httpOnlyNames(store, plan)) };
}

function generated(name: string): RecordStore {
  return generate(validateState(readFixture(name, 'state.json')).state, fixtureGenerateInput(name)).store;
}

describe.each(fixtureNames())('/v1/hosts and /v1/services on fixture %s', (name) => {
  const maps = fixtureRecords(name);
  const addressNames = [...new Set([...maps.a.keys(), ...maps.aaaa.keys()])];
  const srvNames = [...maps.srv.keys()];

  describe.each([
    ['generated from its state', () => generated(name)],
    ['read from its golden records', () => storeOf(maps)],
  ])('records %s', (_, store) => {
    const source = sourceOf(store(), name);

    it('answers every name of the A and AAAA maps as Go does', () => {
      for (const n of addressNames) for (const p of params(n)) checkHosts(source, maps, p);
    });

    it('answers every name of the SRV map as Go does', () => {
      for (const n of srvNames) for (const p of params(n)) checkServices(source, maps, p);
    });
  });
});

describe('names only HTTP answers', () => {
  // docker-mesos-120: empty labels, labels over 63 octets, non-ASCII names, SOAMname outside the domain.
  const name = 'docker-mesos-120';
  const maps = fixtureRecords(name);
  const source = sourceOf(generated(name), name);
  const domain = `.${fixtureConfig(name).domain}.`;
  const legal = (n: string) => /^([a-z0-9_-]{1,63}\.)+$/.test(n) && n.length <= 254 && n.endsWith(domain);

  it('the fixture has each kind, and each is answered with records', () => {
    const kinds = {
      emptyLabel: (n: string) => n.startsWith('.') || n.includes('..'),
      longLabel: (n: string) => n.split('.').some((l) => l.length > 63),
      nonAscii: (n: string) => [...n].some((c) => c.charCodeAt(0) > 0x7f),
      outsideDomain: (n: string) => !n.endsWith(domain),
    };
    const reachable = (n: string) => n === goKey(n) && !legal(n);
    for (const [kind, is] of Object.entries(kinds)) {
      const hosts = [...maps.a.keys(), ...maps.aaaa.keys()].filter((n) => reachable(n) && is(n));
      expect(hosts.length, kind).toBeGreaterThan(0);
      for (const n of hosts) expect(JSON.parse(hostsBody(source, n)), n).not.toEqual([{ host: '', ip: '' }]);
    }
    const services = [...maps.srv.keys()].filter((n) => reachable(n) && goServices(maps, n).length > 0);
    expect(services.length).toBeGreaterThan(0);
    for (const n of services) {
      expect(JSON.parse(servicesBody(source, n)), n).not.toEqual([{ service: '', host: '', ip: '', port: '' }]);
    }
  });

  it('keeps only the names the table cannot answer, within the bound', () => {
    for (const [n] of [...source.httpNames.hosts.entries(), ...source.httpNames.services.entries()]) {
      expect(legal(n), n).toBe(false);
    }
    const store = generated(name);
    const { plan } = RecordTable.buildWithPlan(store, tableMetaFor(fixtureConfig(name), 1));
    const bounded = httpOnlyNames(store, plan, 20);
    expect(bounded.size).toBeLessThanOrEqual(20);
    expect(bounded.leftOut).toBeGreaterThan(0);
  });
});

describe('record sets the table answers differently', () => {
  // Values kept as text, ports that wrap or are no number, names written without their dot, upper case.
  const maps: ListRecordSet = {
    a: new Map([
      ['rel.mesos', ['10.0.0.9']],
      ['odd.mesos.', ['10.0.0.010', '10.0.0.1']],
      ['UP.mesos.', ['10.0.0.2']],
      ['up.mesos.', ['10.0.0.3']],
      ['t.mesos.', ['10.0.0.4']],
    ]),
    aaaa: new Map([['t.mesos.', ['fd00::4']]]),
    srv: new Map([
      ['_wrap._tcp.mesos.', ['t.mesos.:70000', 't.mesos.:4464']],
      ['_name._tcp.mesos.', ['t.mesos.:http', 't.mesos.:-1']],
      ['_rel._tcp.mesos.', ['rel.mesos:80']],
      ['_up._tcp.mesos.', ['UP.mesos.:80', 'up.mesos.:81']],
    ]),
  };
  const source = sourceOf(storeOf(maps), 'upstream-fake');

  it('answers each name as Go does', () => {
    const names = [...maps.a.keys(), ...maps.aaaa.keys(), ...maps.srv.keys(), 'rel.mesos.', 'x.*.mesos.'];
    for (const n of names) {
      for (const p of params(n)) {
        checkHosts(source, maps, p);
        checkServices(source, maps, p);
      }
    }
  });
});
