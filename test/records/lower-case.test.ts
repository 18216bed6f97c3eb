import { describe, expect, it } from 'vitest';
import { goToLower } from '../../src/records/lower-case.js';

describe('goToLower', () => {
  it('lower-cases ASCII and other scripts one code point at a time, as Go does', () => {
    expect(goToLower('WEB.Marathon.MESOS.')).toBe('web.marathon.mesos.');
    expect(goToLower('CAFÉ-ÜNÏCODE')).toBe('café-ünïcode');
    // Go's simple mapping: İ is `i`, where JavaScript gives `i` and a combining dot.
    expect(goToLower('İ.mesos.')).toBe('i.mesos.');
    // No final-sigma rule: every Σ is σ.
    expect(goToLower('ΟΔΟΣ')).toBe('οδοσ');
    expect(goToLower('😀X')).toBe('😀x');
  });
});
