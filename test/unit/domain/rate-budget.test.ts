import { describe, expect, it } from 'vitest';
import { fixedWindowsWithin, trendyolWriteBudgets } from '../../../lambdas/domain/rate-budget';

/** Worst case of fixed windows against a rolling one: fill every fixed window the rolling one overlaps. */
function worstRollingCount(fixed: { limit: number; windowMs: number }, rollingMs: number): number {
  return (rollingMs / fixed.windowMs + 1) * fixed.limit;
}

describe('fixedWindowsWithin', () => {
  it('never lets more than the rolling limit through, even straddling window edges', () => {
    const burst = fixedWindowsWithin({ limit: 50, windowMs: 10_000 }, 2_000);
    expect(burst).toEqual({ limit: 8, windowMs: 2_000 });
    expect(worstRollingCount(burst, 10_000)).toBeLessThanOrEqual(50);
  });

  it('keeps at least one request per window for tiny limits', () => {
    expect(fixedWindowsWithin({ limit: 3, windowMs: 10_000 }, 2_000)).toEqual({ limit: 1, windowMs: 2_000 });
  });

  it('refuses a window that does not divide the rolling one', () => {
    expect(() => fixedWindowsWithin({ limit: 50, windowMs: 10_000 }, 3_000)).toThrow(RangeError);
    expect(() => fixedWindowsWithin({ limit: 50, windowMs: 10_000 }, 0)).toThrow(RangeError);
  });
});

describe('trendyolWriteBudgets', () => {
  it.each([350, 500, 1000, 1500, 2000])('stays inside the burst rule and the %i/min tier', (tier) => {
    const [burst, minute] = trendyolWriteBudgets(tier);
    expect(burst && worstRollingCount(burst, 10_000)).toBeLessThanOrEqual(50);
    expect(minute && worstRollingCount(minute, 60_000)).toBeLessThanOrEqual(tier);
  });
});
