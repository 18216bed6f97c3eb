import { readdirSync, readFileSync } from 'node:fs';

const KDAMONDS = '/sys/kernel/mm/damon/admin/kdamonds';

/**
 * Whether Linux's DAMON memory monitor runs on this machine, for a latency
 * benchmark's output. Its kernel thread (`kdamond`) can hold a core for
 * milliseconds every sampling interval (4 ms every 511 ms was seen on a 2-core
 * VM), and a query whose reply the load generator would read on that core
 * waits as long: at 2,000 queries/s that alone is near 1% of the queries,
 * where a p99 sits. README, "Performance", has the trace.
 */
export function damonState(): string {
  let ids: string[];
  try {
    ids = readdirSync(KDAMONDS).filter((d) => /^\d+$/.test(d));
  } catch {
    return 'DAMON: not available';
  }
  const states = ids.map((id) => {
    try {
      return readFileSync(`${KDAMONDS}/${id}/state`, 'utf8').trim();
    } catch {
      return 'unreadable';
    }
  });
  return states.length === 0 ? 'DAMON: no kdamond' : `DAMON: kdamond ${states.join(', ')}`;
}
