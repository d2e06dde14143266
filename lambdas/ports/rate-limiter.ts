import type { RollingLimit } from '../domain/rate-budget';

/** One budget: at most `limit` acquisitions in any rolling window of `windowMs` milliseconds. */
export type RateLimit = RollingLimit;

export type RateLimitDecision =
  | {
      granted: true;
      /**
       * The moment the grant was logged at (epoch ms), which the request must leave close to (see
       * `isGrantFresh`); absent = the `now` given.
       */
      grantedAtMs?: number;
    }
  | { granted: false; retryAfterMs: number };

/**
 * A limiter shared by every concurrent caller (e.g. all push-consumer invocations of one seller),
 * exact for rolling windows (the sliding-log rule `decideRolling` in lambdas/domain/rate-budget.ts).
 * Typical use: key `trendyolWriteBudgetKey(sellerId)`, limits `trendyolWriteBudgets(tierPerMinute)`.
 * Every grant on a key is charged to all of that key's limits; a denial charges nothing.
 */
export interface RateLimiter {
  /**
   * Takes one slot from every limit, or none. When denied, `retryAfterMs` (≥ 1) is how long until
   * every denying limit has a free slot. A limit that is not a finite number is unlimited.
   * @param now the caller's moment, or its clock: a clock is read again for every decision an
   *   acquire makes after losing a race to another caller, so the grant is logged at the moment it
   *   was decided, not when the acquire began.
   * @throws RangeError for a window that is not a positive integer or a negative / fractional limit.
   */
  acquire(key: string, limits: RateLimit[], now: Date | (() => Date)): Promise<RateLimitDecision>;
  /**
   * Hands back a grant that was never used (its request did not leave: it came back too late to
   * send on, see `isGrantFresh`), so it frees its slot at once instead of when it leaves the
   * window. Removes one grant logged at `grantedAtMs` (epoch ms, as `acquire` returned it); a grant
   * no longer in the log (pruned, or handed back before) is left as it is. A limiter without it lets
   * the unused grant count until it leaves the window (budget lost, never a request over the limit).
   */
  release?(key: string, grantedAtMs: number): Promise<void>;
}
