/** What the stream tests compare: the records a state generates, in the forms the program serves. */
import { expect } from 'vitest';
import { generate } from '../../../src/records/generator.js';
import { valuesOf } from '../../../src/records/record-set.js';
import type { Values } from '../../../src/records/types.js';
import { ClusterModel, type Change } from '../../../src/mesos/stream/model.js';
import { frameworkPids } from '../../../src/mesos/stream/calls.js';
import { readEvent, type Subscribed } from '../../../src/mesos/stream/v1.js';
import { validateState, type MesosState } from '../../../src/state/state.js';
import { RecordTable } from '../../../src/table/table.js';
import { goEnumeration, type GoEnumeration } from '../../helpers/enumeration.js';
import { fixtureGenerateInput, TEST_META } from '../../helpers/fixtures.js';
import type { V0Cluster, V1Event } from '../../helpers/v0-cluster.js';
import { frameworksDocument, subscribedEvent, type V0State } from '../../helpers/v0-to-v1.js';
import { recordSetOf } from '../../../src/records/store-text.js';

export interface Generated {
  /** type → name → sorted values, names sorted */
  records: Record<'a' | 'aaaa' | 'srv', Record<string, string[]>>;
  enumeration: GoEnumeration;
  /** the record table built from the store, as bytes */
  table: Buffer;
}

function sorted(rs: Map<string, Values>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of [...rs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) out[k] = [...valuesOf(v)].sort();
  return out;
}

/** The records `state` generates with fixture `name`'s config. */
export function generated(state: MesosState, name: string): Generated {
  const { store, enumeration } = generate(state, fixtureGenerateInput(name));
  const rs = recordSetOf(store);
  return {
    records: { a: sorted(rs.a), aaaa: sorted(rs.aaaa), srv: sorted(rs.srv) },
    enumeration: goEnumeration(store, enumeration),
    table: Buffer.from(RecordTable.build(store, TEST_META).buffer),
  };
}

/** A v0 state document as the generator sees it when polled. */
export function polled(doc: unknown): MesosState {
  const { state, warnings } = validateState(doc);
  expect(warnings).toEqual([]);
  return state;
}

/** SUBSCRIBED, as a master holding `doc` sends it, read back through JSON. */
export function subscribedOf(doc: V0State): Subscribed {
  const decoded = readEvent(JSON.parse(JSON.stringify(subscribedEvent(doc))));
  if (decoded.kind !== 'event' || decoded.event.type !== 'SUBSCRIBED') throw new Error('not SUBSCRIBED');
  expect(decoded.warnings).toEqual([]);
  return decoded.event.subscribed;
}

/** The model a subscription to a master holding `doc` starts with (pids from its v0 `/master/frameworks`). */
export function streamed(doc: V0State): ClusterModel {
  const subscribed = subscribedOf(doc);
  const { pids } = frameworkPids(JSON.parse(JSON.stringify(frameworksDocument(doc))));
  for (const f of subscribed.frameworks) f.pid = pids.get(f.id) ?? null;
  return ClusterModel.fromSubscribed(subscribed, doc.leader ?? '');
}

/**
 * One event from `cluster`, applied as the subscriber applies it: read, and
 * for a framework added or updated, its pid taken from v0 `/master/frameworks`.
 */
export function applyEvent(model: ClusterModel, cluster: V0Cluster, doc: V1Event): Change {
  const decoded = readEvent(JSON.parse(JSON.stringify(doc)));
  if (decoded.kind !== 'event' || decoded.event.type === 'SUBSCRIBED') throw new Error(`cannot apply ${decoded.kind}`);
  const event = decoded.event;
  if (event.type === 'FRAMEWORK_ADDED' || event.type === 'FRAMEWORK_UPDATED') {
    const doc = JSON.parse(JSON.stringify(frameworksDocument(cluster.state, event.framework.id))) as unknown;
    event.framework.pid = frameworkPids(doc).pids.get(event.framework.id) ?? null;
  }
  return model.apply(event);
}

/** Same records, same enumeration, and (when the order is the same) the same table bytes. */
export function expectSameRecords(actual: Generated, expected: Generated, sameOrder = true): void {
  expect(actual.records).toEqual(expected.records);
  expect(actual.enumeration.frameworks?.length).toBe(expected.enumeration.frameworks?.length);
  if (sameOrder) {
    expect(JSON.stringify(actual.enumeration)).toBe(JSON.stringify(expected.enumeration));
    expect(actual.table.equals(expected.table)).toBe(true);
  }
}
