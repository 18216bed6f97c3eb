import { pino } from 'pino';
import type { Logger } from 'pino';

export interface LogLine {
  level: number;
  msg?: string;
  [field: string]: unknown;
}

export interface MemoryLogger {
  log: Logger;
  /** parsed JSON lines, oldest first */
  lines: LogLine[];
  /** everything written, as raw text (for "this string never appears" checks) */
  text(): string;
}

/** A pino logger (level debug) that keeps its output in memory. */
export function memoryLogger(level: pino.LevelWithSilent = 'debug'): MemoryLogger {
  const raw: string[] = [];
  const lines: LogLine[] = [];
  const log = pino(
    { level },
    {
      write(chunk: string) {
        raw.push(chunk);
        lines.push(JSON.parse(chunk) as LogLine);
      },
    },
  );
  return { log, lines, text: () => raw.join('') };
}
