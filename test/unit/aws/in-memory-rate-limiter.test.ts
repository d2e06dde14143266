import { describe, expect, it } from 'vitest';
import { InMemoryRateLimiter } from '../../../lambdas/adapters/rate-limit/in-memory-rate-limiter';

const T0 = Date.parse('2025-03-01T10:00:00.000Z');
const at = (ms: number): Date => new Date(T0 + ms);
const LIMITS = [
  { limit: 50, windowMs: 10_000 },
  { limit: 70, windowMs: 60_000 },
];

describe('InMemoryRateLimiter', () => {
  it('grants up to the burst limit per key, then reports the wait until the oldest grant leaves', async () => {
    const limiter = new InMemoryRateLimiter();
    for (let i = 0; i < 50; i += 1)
      expect(await limiter.acquire('s1', LIMITS, at(3_000))).toEqual({ granted: true });
    expect(await limiter.acquire('s1', LIMITS, at(3_000))).toEqual({ granted: false, retryAfterMs: 10_000 });
    expect(await limiter.acquire('s2', LIMITS, at(3_000))).toEqual({ granted: true });
    // Rolling, not fixed: the 10 s boundary at 10 000 opens nothing.
    expect((await limiter.acquire('s1', LIMITS, at(10_000))).granted).toBe(false);
    expect(await limiter.acquire('s1', LIMITS, at(13_000))).toEqual({ granted: true });
  });

  it('applies the per-minute limit across bursts', async () => {
    const limiter = new InMemoryRateLimiter();
    for (let i = 0; i < 50; i += 1) await limiter.acquire('s', LIMITS, at(0));
    for (let i = 0; i < 20; i += 1)
      expect((await limiter.acquire('s', LIMITS, at(10_000))).granted).toBe(true);
    expect(await limiter.acquire('s', LIMITS, at(10_000))).toEqual({ granted: false, retryAfterMs: 50_000 });
    expect(await limiter.acquire('s', LIMITS, at(60_000))).toEqual({ granted: true });
  });

  it('rejects nonsensical limits', async () => {
    const limiter = new InMemoryRateLimiter();
    await expect(limiter.acquire('s', [{ limit: 1, windowMs: 0 }], at(0))).rejects.toThrow(/window/);
    await expect(limiter.acquire('s', [{ limit: -1, windowMs: 1000 }], at(0))).rejects.toThrow(/limit/);
  });
});
