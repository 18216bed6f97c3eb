import type { TaskOf } from '../../src/mesos/stream/model.js';
import type { ClusterView } from '../../src/refresh/overlay.js';
import type { MesosState } from '../../src/state/state.js';

/** A plain state as a `ClusterView` (the stream's model in production): changed tasks are found by one pass over it. */
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
