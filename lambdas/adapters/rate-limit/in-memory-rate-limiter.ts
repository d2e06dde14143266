import { decideRolling } from '../../domain/rate-budget';
import type { RateLimit, RateLimitDecision, RateLimiter } from '../../ports/rate-limiter';

/**
 * The DynamoDB limiter's rule (the same `decideRolling` sliding log) kept in a Map, for unit tests
 * and single-process use. JavaScript runs each `acquire` to completion between awaits, so no
 * conditional write is needed here.
 */
export class InMemoryRateLimiter implements RateLimiter {
  private readonly logs = new Map<string, number[]>();

  async acquire(key: string, limits: RateLimit[], now: Date): Promise<RateLimitDecision> {
    const decision = decideRolling(this.logs.get(key) ?? [], limits, now.getTime());
    if (!decision.granted) return decision;
    this.logs.set(key, decision.grants);
    return { granted: true };
  }
}
