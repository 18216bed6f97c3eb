import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface DigResult {
  status: string;
  flags: string[];
  answer: string[][];
  authority: string[][];
  additional: string[][];
  raw: string;
}

/** Runs the real `dig` against 127.0.0.1:`port` and parses its sections (fields split on whitespace). */
export async function dig(port: number, args: string[]): Promise<DigResult> {
  const { stdout } = await run('dig', ['@127.0.0.1', '-p', String(port), '+tries=1', '+time=3', ...args], { timeout: 20_000 });
  const status = /status: ([A-Z]+)/.exec(stdout)?.[1] ?? '';
  const flags = (/;; flags: ([a-z ]*);/.exec(stdout)?.[1] ?? '').trim().split(/\s+/).filter(Boolean);
  const section = (title: string): string[][] => {
    const start = stdout.indexOf(`;; ${title} SECTION:\n`);
    if (start < 0) return [];
    const body = stdout.slice(start).split('\n').slice(1);
    const out: string[][] = [];
    for (const line of body) {
      if (line.trim() === '') break;
      out.push(line.trim().split(/\s+/));
    }
    return out;
  };
  return { status, flags, answer: section('ANSWER'), authority: section('AUTHORITY'), additional: section('ADDITIONAL'), raw: stdout };
}
