/**
 * A deterministic synthetic Mesos master state shaped like the fixtures:
 * several frameworks, IPv4 and IPv6 agents, network_infos (IPv4 and IPv6),
 * Docker labels, DiscoveryInfo with named ports, port ranges, finished tasks.
 */
import { prng } from './prng.js';

const FRAMEWORKS = [
  { name: 'marathon', share: 0.55 },
  { name: 'chronos with a space AND MIXED CASE-2.0.1', share: 0.1 },
  { name: 'Spark_Framework', share: 0.1 },
  { name: 'cassandra.dcos', share: 0.1 },
  { name: 'ipv6-framework', share: 0.1 },
  { name: 'marathon-0.7.5', share: 0.05 },
];

function uuid(rand: () => number): string {
  const hex = () =>
    Math.floor(rand() * 0x10000)
      .toString(16)
      .padStart(4, '0');
  return `${hex()}${hex()}-${hex()}-${hex()}-${hex()}-${hex()}${hex()}${hex()}`;
}

export function syntheticState(taskCount: number, seed = 42): Record<string, unknown> {
  const rand = prng(seed);
  const agentCount = Math.max(3, Math.ceil(taskCount / 50));
  const prefix = '20160101-000000-668835601-5050-261';
  const slaves = Array.from({ length: agentCount }, (_, i) => ({
    id: `${prefix}-S${i}`,
    hostname: `agent-${i}.example.com`,
    pid:
      i % 10 === 9
        ? `slave(1)@[2001:db8::${(i + 1).toString(16)}]:5051`
        : `slave(1)@10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:5051`,
    active: true,
    resources: { cpus: 8, mem: 30844, disk: 1035066, ports: '[31000-32000]' },
    attributes: { rack: `r${i % 8}` },
  }));
  const apps = Math.max(1, Math.floor(taskCount / 5));
  const frameworks = FRAMEWORKS.map((fw, fi) => ({
    id: `${prefix}-000${fi}`,
    name: fw.name,
    pid: fi === 4 ? `scheduler(1)@[2001:db8::f${fi}]:2550${fi}` : `scheduler-${uuid(rand)}@10.1.0.${fi + 2}:2550${fi}`,
    hostname: `10.1.0.${fi + 2}`,
    active: true,
    tasks: [] as unknown[],
    completed_tasks: [] as unknown[],
  }));
  let made = 0;
  frameworks.forEach((fw, fi) => {
    const n = fi === frameworks.length - 1 ? taskCount - made : Math.floor(taskCount * FRAMEWORKS[fi]!.share);
    for (let t = 0; t < n; t++, made++) {
      const app = `app-${Math.floor(rand() * apps)}`;
      const slave = slaves[Math.floor(rand() * slaves.length)]!;
      const portBase = 31000 + Math.floor(rand() * 900);
      const nPorts = 1 + Math.floor(rand() * 3);
      const running = rand() < 0.95;
      const ts = 1507200000 + made;
      const kind = rand();
      const status: Record<string, unknown> = { state: 'TASK_RUNNING', timestamp: ts + 2 };
      if (kind < 0.4) {
        status.container_status = {
          network_infos: [
            {
              ip_addresses: [
                { protocol: 'IPv4', ip_address: `12.${(made >> 16) & 255}.${(made >> 8) & 255}.${made & 255}` },
                ...(rand() < 0.3 ? [{ protocol: 'IPv6', ip_address: `fd01:b::${made.toString(16)}` }] : []),
              ],
              name: 'overlay',
            },
          ],
        };
      } else if (kind < 0.6) {
        status.labels = [
          { key: 'Docker.NetworkSettings.IPAddress', value: `172.17.${(made >> 8) & 255}.${made & 255}` },
        ];
      }
      const task: Record<string, unknown> = {
        id: `${app}.${uuid(rand)}`,
        name: app,
        framework_id: fw.id,
        executor_id: '',
        slave_id: slave.id,
        state: running ? 'TASK_RUNNING' : 'TASK_STAGING',
        resources: { cpus: 0.1, mem: 128, disk: 0, ports: `[${portBase}-${portBase + nPorts - 1}]` },
        statuses: [{ state: 'TASK_STAGING', timestamp: ts }, { state: 'TASK_STARTING', timestamp: ts + 1 }, status],
        labels: [],
      };
      if (rand() < 0.2) {
        task.discovery = {
          visibility: 'FRAMEWORK',
          name: `${app}-svc`,
          ports: {
            ports: [
              { number: 8080, protocol: 'tcp', name: 'http' },
              { number: 9090, protocol: '', name: 'metrics' },
            ],
          },
        };
      }
      fw.tasks.push(task);
    }
  });
  return {
    version: '1.4.0',
    leader: 'master@127.0.0.1:5050',
    pid: 'master@127.0.0.1:5050',
    hostname: 'master',
    activated_slaves: agentCount,
    slaves,
    frameworks,
    completed_frameworks: [],
    orphan_tasks: [],
    unregistered_frameworks: [],
  };
}
