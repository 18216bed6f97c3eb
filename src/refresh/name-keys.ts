/**
 * Which names a task change touches (pure). Every name a task gives records to
 * starts with a label made from the task's application name or its canonical
 * name (or a DiscoveryInfo port name followed by the application name), and
 * the keys of a name are those labels without leading underscores:
 * `_web._tcp.marathon.mesos.` and `web.marathon.mesos.` both have the key
 * `web`. `TaskKeys` lists a task's own keys so that every task that can give
 * records to a name has one of the name's keys (refresh/overlay.ts).
 */
import { slaveIdTail, taskHash } from '../records/hash.js';
import type { LabelFn } from '../records/labels.js';
import { RELATIVE } from '../records/names.js';
import type { RecordStore } from '../records/store.js';
import type { Task } from '../state/state.js';

/** A label without its leading underscores. */
function bare(label: string): string {
  let i = 0;
  while (i < label.length && label.charCodeAt(i) === 0x5f) i++;
  return i === 0 ? label : label.slice(i);
}

function firstLabel(text: string): string {
  const dot = text.indexOf('.');
  return dot < 0 ? text : text.slice(0, dot);
}

/**
 * The keys of a name from its first two labels (see above): the first, and
 * the second too when both start with `_`, as `_<port name>._<app>._<proto>`
 * does, whose tasks are known by their application.
 */
export function nameKeys(l0: string, l1: string | undefined): string[] {
  return l1 !== undefined && l0[0] === '_' && l1[0] === '_' ? [bare(l0), bare(l1)] : [bare(l0)];
}

/** `nameKeys` of a name written as text. */
export function nameKeysOf(text: string): string[] {
  const [l0, l1] = text.split('.');
  return nameKeys(l0!, l1 || undefined);
}

/**
 * The keys of the names one task can give records to, as the generator names
 * them (records/generator.ts, `insertTask` and `emit`): per application name
 * (the task's name, or the DiscoveryInfo name raw and cleaned) each of its
 * labels (one, unless a raw DiscoveryInfo name holds dots) and its canonical
 * name's first label. Canonical keys need a SHA-1, so they are made only for
 * tasks whose application key could match one (`canonicalApp`).
 */
export class TaskKeys {
  /** the application names as the generator uses them */
  readonly apps: readonly string[];
  readonly appKeys: readonly string[];
  private canonical: readonly string[] | null = null;

  constructor(
    private readonly task: Task,
    label: LabelFn,
  ) {
    const d = task.discovery;
    this.apps = d === null ? [label(task.name)] : [d.name, label(d.name)];
    this.appKeys = this.apps.flatMap((a) => a.split('.').map(bare));
  }

  canonicalKeys(): readonly string[] {
    if (this.canonical === null) {
      const tail = `-${taskHash(this.task.id)}-${slaveIdTail(this.task.slaveId)}`;
      this.canonical = this.apps.map((a) => bare(firstLabel(`${a}${tail}`)));
    }
    return this.canonical;
  }

  all(): string[] {
    return [...this.appKeys, ...this.canonicalKeys()];
  }
}

/** The application part of a key that may be a canonical name's (`<app>-<hash>-<agent tail>`), or null. */
export function canonicalApp(key: string): string | null {
  const last = key.lastIndexOf('-');
  const hash = last < 0 ? -1 : key.lastIndexOf('-', last - 1);
  return hash < 0 ? null : key.slice(0, hash);
}

/** The keys of every name with records in `store`. */
export function keysOfNames(store: RecordStore): Set<string> {
  const tree = store.names;
  const label = (id: number): string | undefined => (id > RELATIVE ? tree.label(id) : undefined);
  const keys = new Set<string>();
  for (let id = 0; id < store.nameCount; id++) {
    if (store.hasValues(id)) {
      for (const key of nameKeys(tree.label(id), label(tree.parent(id)))) keys.add(key);
    }
  }
  return keys;
}
