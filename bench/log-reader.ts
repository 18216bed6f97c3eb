import type { ChildProcess } from 'node:child_process';

/** Reads the child's JSON log lines, resolving waiters as they arrive. */
export function logReader(child: ChildProcess): {
  lines: Record<string, unknown>[];
  wait: (pred: (r: Record<string, unknown>) => boolean) => Promise<Record<string, unknown>>;
} {
  const lines: Record<string, unknown>[] = [];
  let wake: (() => void) | null = null;
  let buf = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    buf += chunk;
    for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
      try {
        lines.push(JSON.parse(buf.slice(0, nl)) as Record<string, unknown>);
      } catch {
        // not a log line
      }
      buf = buf.slice(nl + 1);
    }
    wake?.();
  });
  const wait = async (pred: (r: Record<string, unknown>) => boolean) => {
    for (;;) {
      const hit = lines.find(pred);
      if (hit) return hit;
      if (child.exitCode !== null) throw new Error(`mesos-dns exited (${child.exitCode})`);
      await new Promise<void>((r) => (wake = r));
    }
  };
  return { lines, wait };
}
