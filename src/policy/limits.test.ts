import { describe, expect, it } from 'vitest';

import { isWithinLimits } from './limits.js';

describe('isWithinLimits', () => {
  it('counts every JSON value once', () => {
    expect(isWithinLimits({ a: [1, 2], b: null }, 5, 10)).toBe(true);
    expect(isWithinLimits({ a: [1, 2], b: null }, 4, 10)).toBe(false);
    expect(isWithinLimits('x', 1, 1)).toBe(true);
  });

  it('measures depth from 1 at the top', () => {
    expect(isWithinLimits({ a: { b: 1 } }, 100, 3)).toBe(true);
    expect(isWithinLimits({ a: { b: 1 } }, 100, 2)).toBe(false);
  });

  it('gives up early on a wide value', () => {
    expect(
      isWithinLimits(
        Array.from({ length: 1_000 }, () => 0),
        10,
        10,
      ),
    ).toBe(false);
  });
});
