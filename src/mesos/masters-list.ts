/**
 * The ordered masters list (docs/compatibility.md, The masters list):
 * entry 0 is the leader to try first, `""` while no leader is known; the rest are
 * the other masters. Pure functions; every update returns a new array.
 */

/** Before any detection event: no leader known, the configured masters as fallbacks. */
export function initialMasters(configMasters: readonly string[] | null): string[] {
  return ['', ...(configMasters ?? [])];
}

/** "Leader changed" to `leader` (`null` = no leader): the leader goes first, the rest keep their order. */
export function onLeader(list: readonly string[], leader: string | null): string[] {
  const rest = list.slice(1);
  if (leader === null || leader === '') return ['', ...rest];
  return [leader, ...rest.filter((m) => m !== leader)];
}

/**
 * "All masters" reported by ZooKeeper: they replace every other entry (the
 * configured masters are forgotten from here on). Duplicates are dropped, which
 * changes no record: the master records skip a master whose IP was already seen.
 */
export function onAllMasters(list: readonly string[], masters: readonly string[]): string[] {
  const leader = list[0] ?? '';
  const seen = new Set<string>([leader, '']);
  const rest: string[] = [];
  for (const m of masters) {
    if (seen.has(m)) continue;
    seen.add(m);
    rest.push(m);
  }
  return [leader, ...rest];
}

export function sameMasters(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((m, i) => m === b[i]);
}
