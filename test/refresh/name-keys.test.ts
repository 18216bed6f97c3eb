import { describe, expect, it } from 'vitest';
import { generate } from '../../src/records/generator.js';
import { labelFor } from '../../src/records/labels.js';
import { TYPE_A, TYPE_AAAA, TYPE_SRV } from '../../src/records/store.js';
import { TaskKeys, nameKeysOf } from '../../src/refresh/name-keys.js';
import { validateState } from '../../src/state/state.js';
import { fixtureGenerateInput, fixtureNames, fixtureState } from '../helpers/fixtures.js';

describe('TaskKeys', () => {
  it('lists the key of every name a task gives records to', () => {
    for (const fixture of fixtureNames()) {
      const input = fixtureGenerateInput(fixture);
      const state = validateState(fixtureState(fixture)).state;
      const label = labelFor(input.enforceRFC952);
      const skeleton = generate(
        { ...state, frameworks: state.frameworks.map((f) => ({ ...f, tasks: [] })) },
        input,
      ).store;
      for (const fw of state.frameworks) {
        for (const task of fw.tasks) {
          const store = generate({ ...state, frameworks: [{ ...fw, tasks: [task] }] }, input).store;
          const keys = new Set(new TaskKeys(task, label).all());
          for (let id = 0; id < store.nameCount; id++) {
            const has = store.count(TYPE_A, id) + store.count(TYPE_AAAA, id) + store.count(TYPE_SRV, id) > 0;
            const text = store.nameText(id);
            if (!has || skeleton.names.find(text) >= 0) continue;
            expect(
              nameKeysOf(text).some((k) => keys.has(k)),
              `${fixture} task ${task.id}: ${text}`,
            ).toBe(true);
          }
        }
      }
    }
  });
});
