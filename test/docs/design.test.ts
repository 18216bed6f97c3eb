import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sourceFiles(join(dir, e.name))
      : e.name.endsWith('.ts')
        ? [relative(ROOT, join(dir, e.name))]
        : [],
  );
}

describe('docs/design.md', () => {
  const design = readFileSync(join(ROOT, 'docs', 'design.md'), 'utf8');
  const mapped = new Set([...design.matchAll(/^\| `(src\/[^`]+\.ts)` \|/gm)].map((m) => m[1]!));

  it('has every source file in its module map', () => {
    const missing = sourceFiles(join(ROOT, 'src')).filter((f) => !mapped.has(f));
    expect(missing).toEqual([]);
  });

  it('maps no file that does not exist', () => {
    const files = new Set(sourceFiles(join(ROOT, 'src')));
    expect([...mapped].filter((f) => !files.has(f))).toEqual([]);
  });
});
