import type { IPSource } from '../config/types.js';
import type { Task, TaskStatus } from '../mesos/state.js';
import { parseIP, type ParsedIP } from './ip.js';

const MESOS_LABEL = 'MesosContainerizer.NetworkSettings.IPAddress';
const DOCKER_LABEL = 'Docker.NetworkSettings.IPAddress';

/** The TASK_RUNNING status with the greatest timestamp (first one on ties), spec §2.7. */
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

function candidates(source: IPSource, status: TaskStatus | undefined, slaveIPs: readonly string[]): string[] {
  switch (source) {
    case 'host':
      return [...slaveIPs];
    case 'netinfo': {
      const out: string[] = [];
      for (const ni of status?.networkInfos ?? []) {
        if (ni.ipAddresses.length > 0) out.push(...ni.ipAddresses);
        else if (ni.ipAddress !== '') out.push(ni.ipAddress);
      }
      return out;
    }
    case 'mesos':
    case 'docker': {
      const key = source === 'mesos' ? MESOS_LABEL : DOCKER_LABEL;
      return (status?.labels ?? []).filter((l) => l.key === key).map((l) => l.value);
    }
  }
}

/** IPs of the first source that yields at least one parseable address. */
export function taskIPs(task: Task, sources: readonly IPSource[], slaveIPs: readonly string[]): ParsedIP[] {
  const status = latestRunningStatus(task);
  for (const source of sources) {
    const ips: ParsedIP[] = [];
    for (const c of candidates(source, status, slaveIPs)) {
      const ip = parseIP(c);
      if (ip) ips.push(ip);
    }
    if (ips.length > 0) return ips;
  }
  return [];
}
