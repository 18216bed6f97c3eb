import { execFile } from 'node:child_process';

export interface DigResult {
  status: string;
  flags: string[];
  answer: string[][];
  authority: string[][];
  additional: string[][];
  raw: string;
}

/** Runs the real `dig` (one try); resolves with its standard output, also when it exits non-zero but printed. */
export function runDig(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('dig', ['+tries=1', '+time=5', ...args], { timeout: 30_000 }, (err, stdout) => {
      if (err && !stdout) reject(err);
      else resolve(stdout);
    });
  });
}

/** The lines of one section (`ANSWER`, `AUTHORITY`, `ADDITIONAL`) of dig's output. */
function sectionLines(out: string, title: string): string[] {
  const start = out.indexOf(`;; ${title} SECTION:\n`);
  if (start < 0) return [];
  const lines: string[] = [];
  for (const line of out.slice(start).split('\n').slice(1)) {
    if (line.trim() === '') break;
    lines.push(line);
  }
  return lines;
}

export function digStatus(out: string): string {
  return /status: ([A-Z]+)/.exec(out)?.[1] ?? '';
}

export function digFlags(out: string): string[] {
  return (/;; flags: ([a-z ]*);/.exec(out)?.[1] ?? '').trim().split(/\s+/).filter(Boolean);
}

/** The answer-section lines of dig's output. */
export function digAnswers(out: string): string[] {
  return sectionLines(out, 'ANSWER');
}

export function parseDig(out: string): DigResult {
  const fields = (title: string) => sectionLines(out, title).map((l) => l.trim().split(/\s+/));
  return {
    status: digStatus(out),
    flags: digFlags(out),
    answer: fields('ANSWER'),
    authority: fields('AUTHORITY'),
    additional: fields('ADDITIONAL'),
    raw: out,
  };
}

/** Queries `host`:`port` (default 127.0.0.1) with the real `dig` and parses its sections (fields split on whitespace). */
export async function dig(port: number, args: string[], host = '127.0.0.1'): Promise<DigResult> {
  return parseDig(await runDig([`@${host}`, '-p', String(port), ...args]));
}
