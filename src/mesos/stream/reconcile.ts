/**
 * The periodic poll while streaming, as a check on the event stream's model:
 * which of a poll's frameworks, agents and tasks the model holds differently.
 * Some changes produce no event (a task whose name, agent or resources change
 * under the same id), and an event can be lost; the poll sees them. Pure.
 *
 * The poll and the model are not from the same instant. An item an event
 * changed after the poll began is newer in the model than in the poll, so it
 * is left as the model holds it (`Touched`); the next poll checks it again.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Slave, Task } from '../../state/state.js';
import { parsePortRanges } from '../../state/ports.js';
import type { V1Framework } from './v1.js';

/** What an event changed (the model's `Change`, which this module cannot name without a cycle). */
interface Changed {
  tasks: ReadonlyArray<{ frameworkId: string; taskId: string }>;
  agents: readonly string[];
  frameworks: readonly string[];
}

/** The items events changed while a poll was under way. */
export class Touched {
  private readonly tasks = new Set<string>();
  private readonly agents = new Set<string>();
  private readonly frameworks = new Set<string>();

  add(change: Changed): void {
    for (const t of change.tasks) this.tasks.add(taskKey(t.frameworkId, t.taskId));
    for (const a of change.agents) this.agents.add(a);
    for (const f of change.frameworks) this.frameworks.add(f);
  }

  task(frameworkId: string, taskId: string): boolean {
    return this.tasks.has(taskKey(frameworkId, taskId));
  }

  agent(id: string): boolean {
    return this.agents.has(id);
  }

  framework(id: string): boolean {
    return this.frameworks.has(id);
  }
}

/** Task ids are unique within a framework only. */
export function taskKey(frameworkId: string, taskId: string): string {
  return `${frameworkId}\u0000${taskId}`;
}

/**
 * Whether two tasks make the same records. Every field the generator reads is
 * compared; the ports by the ports they list, since a poll's text and the one
 * made from the stream's resources may split the same ranges differently.
 */
export function sameTask(a: Task, b: Task): boolean {
  return (
    a.id === b.id &&
    a.name === b.name &&
    a.slaveId === b.slaveId &&
    a.state === b.state &&
    (a.ports === b.ports || isDeepStrictEqual(parsePortRanges(a.ports), parsePortRanges(b.ports))) &&
    isDeepStrictEqual(a.discovery, b.discovery) &&
    isDeepStrictEqual(a.statuses, b.statuses)
  );
}

export function sameAgent(a: Slave, b: Slave): boolean {
  return a.id === b.id && isDeepStrictEqual(a.pid, b.pid);
}

export function sameFramework(a: V1Framework, b: V1Framework): boolean {
  return a.id === b.id && a.name === b.name && a.hostname === b.hostname && isDeepStrictEqual(a.pid, b.pid);
}
