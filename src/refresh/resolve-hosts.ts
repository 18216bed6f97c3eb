import { lookup } from 'node:dns/promises';
import type { MesosState, TaskList } from '../state/state.js';
import { parseIP } from '../net/ip.js';

const LOOKUP_TIMEOUT_MS = 5000;
const CONCURRENCY = 16;

/** Host names (not IP literals) the generator will need addresses for (docs/compatibility.md, Host names). */
export function hostsToResolve(state: MesosState<TaskList>): string[] {
  const hosts = new Set<string>();
  const add = (h: string) => {
    if (h !== '' && !parseIP(h)) hosts.add(h);
  };
  for (const fw of state.frameworks) add(fw.pid ? fw.pid.host : fw.hostname);
  for (const s of state.slaves) add(s.pid.host);
  return [...hosts];
}

async function lookupAll(host: string): Promise<string[]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`lookup of ${host} timed out`)), LOOKUP_TIMEOUT_MS);
  });
  try {
    const addrs = await Promise.race([lookup(host, { all: true, verbatim: true }), timeout]);
    return addrs.map((a) => a.address);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Resolves every host with the system resolver (A and AAAA, /etc/hosts
 * honoured), as the Go program does on every reload. A failed lookup means
 * "no addresses", reported through `onError`.
 */
export async function resolveHosts(
  hosts: readonly string[],
  onError: (host: string, err: unknown) => void,
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  let next = 0;
  const workers = Array.from({ length: Math.min(CONCURRENCY, hosts.length) }, async () => {
    while (next < hosts.length) {
      const host = hosts[next++]!;
      try {
        out.set(host, await lookupAll(host));
      } catch (err) {
        onError(host, err);
        out.set(host, []);
      }
    }
  });
  await Promise.all(workers);
  return out;
}
