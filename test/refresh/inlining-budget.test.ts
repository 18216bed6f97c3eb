import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { FIRST_LOAD_BUDGET, V8_DEFAULT_BUDGET, lowerInliningBudget } from '../../src/refresh/inlining-budget.js';

const MODULE = new URL('../../dist/src/refresh/inlining-budget.js', import.meta.url).href;

describe('lowerInliningBudget', () => {
  it('lowers the budget, and puts back V8 default once', () => {
    const set: string[] = [];
    const restore = lowerInliningBudget([], (f) => set.push(f));
    expect(set).toEqual([`--max-inlined-bytecode-size-cumulative=${FIRST_LOAD_BUDGET}`]);
    restore();
    restore();
    expect(set).toEqual([
      `--max-inlined-bytecode-size-cumulative=${FIRST_LOAD_BUDGET}`,
      `--max-inlined-bytecode-size-cumulative=${V8_DEFAULT_BUDGET}`,
    ]);
  });

  it.each([
    ['--max-inlined-bytecode-size-cumulative=300'],
    ['--max_inlined_bytecode_size_cumulative=300'],
    ['--max-inlined-bytecode-size-cumulative'],
  ])("leaves an operator's %s alone", (arg) => {
    const set: string[] = [];
    const restore = lowerInliningBudget(['--expose-gc', arg], (f) => set.push(f));
    restore();
    expect(set).toEqual([]);
  });

  it('is lowered for a similar flag that is another one', () => {
    const set: string[] = [];
    lowerInliningBudget(['--max-inlined-bytecode-size=300'], (f) => set.push(f));
    expect(set).toHaveLength(1);
  });

  it("restores the running V8's own default", () => {
    const options = execFileSync(process.execPath, ['--v8-options'], { encoding: 'utf8' });
    const m = /default: --max-inlined-bytecode-size-cumulative=(\d+)/.exec(options);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBe(V8_DEFAULT_BUDGET);
  });

  it('sets the flag at run time in a real process, which goes on running', () => {
    // A V8 that froze its flags after start-up would abort here rather than throw.
    const code = `
      const { lowerInliningBudget } = await import(${JSON.stringify(MODULE)});
      const restore = lowerInliningBudget();
      let x = 0;
      for (let i = 0; i < 1e6; i++) x += i % 7;
      restore();
      process.stdout.write('ok ' + (x > 0));
    `;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' });
    expect(out).toBe('ok true');
  });
});
