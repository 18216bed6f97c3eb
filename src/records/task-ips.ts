import type { IPSource } from '../config/types.js';
import type { Task, TaskStatus } from '../state/state.js';
import { parseAddr, type Addr } from '../net/ip.js';

const MESOS_LABEL = 'MesosContainerizer.NetworkSettings.IPAddress';
const DOCKER_LABEL = 'Docker.NetworkSettings.IPAddress';

/** The TASK_RUNNING status with the greatest timestamp (first one on ties): docs/compatibility.md, Task addresses. */
export function latestRunningStatus(task: Task): TaskStatus | undefined {
  let best: TaskStatus | undefined;
  let bestTs = -1;
  for (const s of task.statuses) {
    if (s.state === 'TASK_RUNNING' && s.timestamp > bestTs) {
      best = s;
      bestTs = s.timestamp;
    }
  }
  return best;
}

function parsedInto(out: Addr[], text: string): void {
  const ip = parseAddr(text);
  if (ip) out.push(ip);
}

/** Parseable addresses from one source, in the order the Go program lists them. */
function fromSource(source: IPSource, status: TaskStatus | undefined, slaveIPs: readonly Addr[]): Addr[] {
  const out: Addr[] = [];
  switch (source) {
    case 'host':
      out.push(...slaveIPs);
      break;
    case 'netinfo':
      for (const ni of status?.networkInfos ?? []) {
        if (ni.ipAddresses.length > 0) for (const a of ni.ipAddresses) parsedInto(out, a);
        else if (ni.ipAddress !== '') parsedInto(out, ni.ipAddress);
      }
      break;
    case 'mesos':
    case 'docker': {
      const key = source === 'mesos' ? MESOS_LABEL : DOCKER_LABEL;
      for (const l of status?.labels ?? []) if (l.key === key) parsedInto(out, l.value);
      break;
    }
  }
  return out;
}

/** A task's addresses and the source they came from (null when none had one). */
export interface TaskIPs {
  ips: Addr[];
  source: IPSource | null;
}

/**
 * IPs of the first source that yields at least one parseable address.
 * `status` is the task's `latestRunningStatus`; `slaveIPs` are its agent's
 * addresses, already parsed. Only addresses not from `host` can be the task's
 * own (PTR records).
 */
export function taskIPs(
  status: TaskStatus | undefined,
  sources: readonly IPSource[],
  slaveIPs: readonly Addr[],
): TaskIPs {
  for (const source of sources) {
    const ips = fromSource(source, status, slaveIPs);
    if (ips.length > 0) return { ips, source };
  }
  return { ips: [], source: null };
}
