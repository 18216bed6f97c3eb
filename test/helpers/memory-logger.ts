import { pino } from 'pino';
import type { Logger } from 'pino';
import { serializeError } from '../../src/log.js';

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
    { level, serializers: { err: serializeError } },
    {
      write(chunk: string) {
        raw.push(chunk);
        lines.push(JSON.parse(chunk) as LogLine);
      },
    },
  );
  return { log, lines, text: () => raw.join('') };
}

/** The `err` field of a logged line, as `serializeError` wrote it. */
export function errOf(line: Record<string, unknown> | undefined): { code?: string; message?: string } | undefined {
  return line?.err as { code?: string; message?: string } | undefined;
}
