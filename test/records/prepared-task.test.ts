import { describe, expect, it } from 'vitest';
import { taskHash } from '../../src/records/hash.js';
import { labelFor } from '../../src/records/labels.js';
import { prepareTask, type Agents } from '../../src/records/prepared-task.js';
import { validateState, type Task } from '../../src/state/state.js';

const agents: Agents = { byId: new Map([['agent-S7', 0]]), list: [{ ips: [], tail: 's7' }] };

function task(fields: Record<string, unknown>): Task {
  const { state } = validateState({
    leader: 'master@10.0.0.6:5050',
    slaves: [{ id: 'agent-S7', pid: 'slave(1)@10.0.0.1:5051' }],
    frameworks: [{ name: 'fw', tasks: [{ id: 'web.1', slave_id: 'agent-S7', state: 'TASK_RUNNING', ...fields }] }],
  });
  return [...state.frameworks[0]!.tasks][0]!;
}

function prepare(fields: Record<string, unknown>, enforceRFC952 = false) {
  const options = { ipSources: [], healthyOnly: false, enforceRFC952 };
  return prepareTask(task(fields), agents, options, labelFor(enforceRFC952), () => {})!;
}

describe('prepareTask labels', () => {
  const hash = taskHash('web.1');

  it("names a task without DiscoveryInfo by its name's label", () => {
    const p = prepare({ name: 'My_Web.App' });
    expect(p.app).toBe('my-web-app');
    expect(p.canonical).toBe(`my-web-app-${hash}-s7`);
    expect(p.discovery).toBeNull();
  });

  it('follows the RFC 952 rules when they are enforced', () => {
    expect(prepare({ name: '9lives-' + 'x'.repeat(30) }, true).app).toBe(labelFor(true)('9lives-' + 'x'.repeat(30)));
    expect(prepare({ name: '9lives' }, true).app).toBe('lives');
  });

  it('names a task with DiscoveryInfo by that name, and by the name as given when it is no clean label', () => {
    const p = prepare({
      name: 'ignored',
      discovery: {
        name: 'Disc Name',
        ports: {
          ports: [
            { number: 80, protocol: 'TCP', name: 'Http Port' },
            { number: 53, protocol: '', name: '' },
          ],
        },
      },
    });
    expect(p.app).toBe('discname');
    expect(p.canonical).toBe(`discname-${hash}-s7`);
    expect(p.discovery).toEqual({
      ports: [
        { number: 80, protocol: 'tcp', name: 'httpport' },
        { number: 53, protocol: '', name: '' },
      ],
      raw: { app: 'Disc Name', canonical: `Disc Name-${hash}-s7` },
    });
  });

  it('has no second name when the DiscoveryInfo name is already a clean label', () => {
    const p = prepare({ name: 'x', discovery: { name: 'clean', ports: { ports: [] } } });
    expect(p.canonical).toBe(`clean-${hash}-s7`);
    expect(p.discovery).toEqual({ ports: [], raw: null });
  });
});
