import { createHash } from 'node:crypto';

const ZBASE32 = 'ybndrfg8ejkmcpqxot1uwisza345h769';

/** First 5 z-base-32 characters of SHA-1(taskId): the Go program's canonical-name hash (spec §2.4). */
export function taskHash(taskId: string): string {
  const d = createHash('sha1').update(taskId, 'utf8').digest();
  const bits = (d[0]! << 24) | (d[1]! << 16) | (d[2]! << 8) | d[3]!;
  let out = '';
  for (let i = 0; i < 5; i++) out += ZBASE32[(bits >>> (27 - 5 * i)) & 31];
  return out;
}

/** Last `-` field of the agent id, lower-cased: `…-2410-S1` → `s1`. */
export function slaveIdTail(slaveId: string): string {
  const i = slaveId.lastIndexOf('-');
  return (i < 0 ? slaveId : slaveId.slice(i + 1)).toLowerCase();
}
