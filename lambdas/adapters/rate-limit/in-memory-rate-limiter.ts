import type { RateLimit, RateLimitDecision, RateLimiter } from '../../ports/rate-limiter';
import { assertValidLimits, msUntilWindowEnds, windowStart } from './fixed-window';

/**
 * The DynamoDB limiter's rules in a Map, for unit tests and single-process use. It charges limits in
 * the same order with the same "earlier units stay spent on a later denial" behaviour, so tests see
 * exactly what production does.
 */
export class InMemoryRateLimiter implements RateLimiter {
  private readonly counts = new Map<string, { count: number; endsAtMs: number }>();

  async acquire(key: string, limits: RateLimit[], now: Date): Promise<RateLimitDecision> {
    assertValidLimits(limits);
    const nowMs = now.getTime();
    this.prune(nowMs);
    for (const { limit, windowMs } of limits) {
      if (!Number.isFinite(limit)) continue;
      const start = windowStart(nowMs, windowMs);
      const id = counterKey(key, windowMs, start);
      const counter = this.counts.get(id) ?? { count: 0, endsAtMs: start + windowMs };
      if (counter.count >= limit) return { granted: false, retryAfterMs: msUntilWindowEnds(nowMs, windowMs) };
      counter.count += 1;
      this.counts.set(id, counter);
    }
    return { granted: true };
  }

  private prune(nowMs: number): void {
    for (const [id, counter] of this.counts) {
      if (counter.endsAtMs <= nowMs) this.counts.delete(id);
    }
  }
}

function counterKey(key: string, windowMs: number, start: number): string {
  return `${key}#${windowMs}#${start}`;
}
