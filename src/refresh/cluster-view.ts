/**
 * The cluster as a batch of stream changes leaves it, as the overlay build
 * reads it (pure types, and a plain state's view).
 */
import type { MesosState, Task } from '../state/state.js';

/** A task as a batch's build finds it: with its framework's name, all its names need of the framework. */
export interface TaskOf {
  framework: string;
  task: Task;
}

/**
 * The cluster as a batch of changes leaves it: whole, and the changed tasks
 * found by id, which the stream's model does without a pass over every task.
 */
export interface ClusterView {
  state(): MesosState;
  /** the tasks with one of `ids` (task ids are unique within a framework only) */
  tasksWithIds(ids: ReadonlySet<string>): TaskOf[];
}

/** A plain state as a `ClusterView`: its changed tasks are found by one pass over it. */
export function scannedView(state: MesosState): ClusterView {
  return {
    state: () => state,
    tasksWithIds: (ids) => {
      const out: TaskOf[] = [];
      for (const fw of state.frameworks) {
        for (const task of fw.tasks) if (ids.has(task.id)) out.push({ framework: fw.name, task });
      }
      return out;
    },
  };
}
