import { describe, expect, it } from 'vitest';
import { freshnessOf, weightedPercentile } from '../../../lambdas/domain/freshness';

describe('freshness percentiles (accept → confirm, per confirmed item)', () => {
  it('weights each chunk by its confirmed items (nearest rank)', () => {
    // 90 items confirmed after 2 s, 10 after 60 s: the median is 2 s, p95 is 60 s.
    const samples = [
      { lagMs: 60_000, items: 10 },
      { lagMs: 2_000, items: 90 },
    ];
    expect(weightedPercentile(samples, 50)).toBe(2_000);
    expect(weightedPercentile(samples, 90)).toBe(2_000);
    expect(weightedPercentile(samples, 95)).toBe(60_000);
    expect(freshnessOf(samples)).toEqual({ items: 100, p50Ms: 2_000, p95Ms: 60_000 });
  });

  it('has no percentiles without confirmed items', () => {
    expect(freshnessOf([])).toEqual({ items: 0, p50Ms: null, p95Ms: null });
    expect(freshnessOf([{ lagMs: 5, items: 0 }])).toEqual({ items: 0, p50Ms: null, p95Ms: null });
  });
});
