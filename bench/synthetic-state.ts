/**
 * A deterministic synthetic Mesos master state with the shapes that make
 * refreshes slow or big in real clusters, in realistic proportions: 1 agent
 * per 50 tasks (a tenth of them IPv6), 20 frameworks (names with spaces, upper
 * case, dots, non-ASCII, emoji, one over 63 octets, one without a pid),
 * Marathon-style task ids, unicode and emoji task names, names over 63
 * octets, tasks in every state, three to five statuses each, one or two
 * network_infos (IPv4 and IPv6), Docker and Mesos address labels, health
 * checks, Marathon labels, DiscoveryInfo with up to eight named ports, and
 * several port ranges. At 50,000 tasks the JSON is about 40 MB.
 */
import { prng } from './prng.js';

interface FrameworkShape {
  name: string;
  /** share of the tasks */
  share: number;
  /** the scheduler registered without a pid (only a hostname) */
  noPid?: boolean;
  ipv6?: boolean;
}

const FRAMEWORKS: FrameworkShape[] = [
  { name: 'marathon', share: 0.4 },
  { name: 'marathon-user', share: 0.08 },
  { name: 'chronos with a space AND MIXED CASE-2.0.1', share: 0.04 },
  { name: 'Spark_Framework', share: 0.05 },
  { name: 'cassandra.dcos', share: 0.04 },
  { name: 'kafka', share: 0.04 },
  { name: 'jenkins', share: 0.03 },
  { name: 'ipv6-framework', share: 0.03, ipv6: true },
  { name: 'främework', share: 0.02 },
  { name: '🚀-rocket-scheduler', share: 0.02 },
  { name: 'no pid framework', share: 0.02, noPid: true },
  { name: 'x'.repeat(70), share: 0.01 },
  { name: 'marathon-0.7.5', share: 0.03 },
  { name: 'hdfs', share: 0.03 },
  { name: 'elastic', share: 0.03 },
  { name: 'aurora', share: 0.03 },
  { name: 'storm', share: 0.02 },
  { name: 'Flink.Streaming_v2', share: 0.03 },
  { name: 'metronome', share: 0.03 },
  { name: 'beta-service', share: 0.02 },
];

/** Task states other than running, for the tasks that are not. */
const OTHER_STATES = ['TASK_STAGING', 'TASK_STARTING', 'TASK_KILLING', 'TASK_FINISHED', 'TASK_FAILED', 'TASK_LOST'];
const PORT_NAMES = ['http', 'https', 'metrics', 'admin', 'grpc', 'Debug Port', 'jmx', 'health'];
const PROTOCOLS = ['tcp', 'udp', '', 'TCP'];

function uuid(rand: () => number): string {
  const hex = () =>
    Math.floor(rand() * 0x10000)
      .toString(16)
      .padStart(4, '0');
  return `${hex()}${hex()}-${hex()}-${hex()}-${hex()}-${hex()}${hex()}${hex()}`;
}

/** An application name: mostly plain, some with the characters that labels have to clean up. */
function appName(i: number, rand: () => number): string {
  const r = rand();
  if (r < 0.03) return `café-ünïcode-${i}`;
  if (r < 0.04) return `🚀-launch-${i}`;
  if (r < 0.05) return `service-with-a-very-long-name-that-goes-past-sixty-three-octets-${i}`;
  if (r < 0.07) return `Web.App_v2.${i}`;
  return `app-${i}`;
}

function agentAddress(i: number): string {
  return i % 10 === 9 ? `2001:db8::${(i + 1).toString(16)}` : `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255 || 1}`;
}

export function syntheticState(taskCount: number, seed = 42): Record<string, unknown> {
  const rand = prng(seed);
  const agentCount = Math.max(3, Math.ceil(taskCount / 50));
  const prefix = '20160101-000000-668835601-5050-261';
  const slaves = Array.from({ length: agentCount }, (_, i) => {
    const ip = agentAddress(i);
    return {
      id: `${prefix}-S${i}`,
      hostname: `agent-${i}.example.com`,
      pid: ip.includes(':') ? `slave(1)@[${ip}]:5051` : `slave(1)@${ip}:5051`,
      active: true,
      resources: { cpus: 8, mem: 30844, disk: 1035066, ports: '[31000-32000]' },
      attributes: { rack: `r${i % 8}` },
    };
  });
  const apps = Math.max(1, Math.floor(taskCount / 5));
  const appNames = Array.from({ length: apps }, (_, i) => appName(i, rand));
  const frameworks = FRAMEWORKS.map((fw, fi) => {
    const host = fw.ipv6 ? `[2001:db8::f${fi}]` : `10.1.0.${fi + 2}`;
    const out: Record<string, unknown> = {
      id: `${prefix}-${String(fi).padStart(4, '0')}`,
      name: fw.name,
      hostname: fw.ipv6 ? `2001:db8::f${fi}` : `10.1.0.${fi + 2}`,
      active: true,
      tasks: [] as unknown[],
      completed_tasks: [] as unknown[],
    };
    if (!fw.noPid) out.pid = `scheduler-${uuid(rand)}@${host}:${25500 + fi}`;
    return out;
  });

  let made = 0;
  frameworks.forEach((fw, fi) => {
    const n = fi === frameworks.length - 1 ? taskCount - made : Math.floor(taskCount * FRAMEWORKS[fi]!.share);
    for (let t = 0; t < n; t++, made++) {
      const app = appNames[Math.floor(rand() * apps)]!;
      const slave = slaves[Math.floor(rand() * slaves.length)]!;
      const running = rand() < 0.9;
      const ts = 1507200000 + made;
      const status: Record<string, unknown> = { state: 'TASK_RUNNING', timestamp: ts + 2 };
      const net = rand();
      if (net < 0.45) {
        const networks = [
          {
            name: 'dcos',
            ip_addresses: [
              { protocol: 'IPv4', ip_address: `12.${(made >> 16) & 255}.${(made >> 8) & 255}.${made & 255}` },
              ...(rand() < 0.3 ? [{ protocol: 'IPv6', ip_address: `fd01:b::${made.toString(16)}` }] : []),
            ],
            labels: { labels: [{ key: 'network', value: 'overlay' }] },
          },
        ];
        if (rand() < 0.2) {
          networks.push({
            name: 'storage',
            ip_addresses: [
              { protocol: 'IPv4', ip_address: `13.${(made >> 16) & 255}.${(made >> 8) & 255}.${made & 255}` },
            ],
            labels: { labels: [] },
          });
        }
        status.container_status = { network_infos: networks };
      } else if (net < 0.65) {
        status.labels = [
          { key: 'Docker.NetworkSettings.IPAddress', value: `172.17.${(made >> 8) & 255}.${made & 255}` },
        ];
      } else if (net < 0.7) {
        status.labels = [
          { key: 'MesosContainerizer.NetworkSettings.IPAddress', value: `10.4.${(made >> 8) & 255}.${made & 255}` },
        ];
      }
      if (rand() < 0.3) status.healthy = rand() < 0.97;
      const statuses: unknown[] = [
        { state: 'TASK_STAGING', timestamp: ts },
        { state: 'TASK_STARTING', timestamp: ts + 1 },
        status,
      ];
      if (rand() < 0.1) statuses.push({ ...status, timestamp: ts + 30, healthy: true });
      const rangeCount = 1 + Math.floor(rand() * 3);
      const ranges: string[] = [];
      for (let k = 0, base = 31000 + Math.floor(rand() * 900); k < rangeCount; k++) {
        const width = rand() < 0.8 ? 0 : Math.floor(rand() * 4);
        ranges.push(`${base}-${base + width}`);
        base += width + 2 + Math.floor(rand() * 10);
      }
      const task: Record<string, unknown> = {
        id: `${app.replace(/[^\w.-]/gu, '_')}.${uuid(rand)}`,
        name: app,
        framework_id: fw.id,
        executor_id: '',
        slave_id: slave.id,
        state: running ? 'TASK_RUNNING' : OTHER_STATES[Math.floor(rand() * OTHER_STATES.length)],
        resources: { cpus: 0.1, mem: 128, disk: 0, gpus: 0, ports: `[${ranges.join(', ')}]` },
        statuses,
        labels: [
          { key: 'DCOS_PACKAGE_NAME', value: String(fw.name) },
          { key: 'HAPROXY_GROUP', value: 'external' },
        ],
      };
      if (rand() < 0.25) {
        const count = 1 + Math.floor(rand() * 8);
        task.discovery = {
          visibility: 'FRAMEWORK',
          name: rand() < 0.1 ? `${app} Service` : `${app}-svc`,
          ports: {
            ports: Array.from({ length: count }, (_, k) => ({
              number: 8000 + k,
              protocol: PROTOCOLS[k % PROTOCOLS.length],
              name: PORT_NAMES[k % PORT_NAMES.length],
            })),
          },
        };
      }
      (fw.tasks as unknown[]).push(task);
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
