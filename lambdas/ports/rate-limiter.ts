/** One budget: at most `limit` acquisitions per `windowMs`. */
export interface RateLimit {
  limit: number;
  windowMs: number;
}

export type RateLimitDecision = { granted: true } | { granted: false; retryAfterMs: number };

/**
 * A limiter shared by every concurrent caller (e.g. all push-consumer invocations of one seller).
 * Typical use: key `trendyol#<sellerId>#update`, limits
 * `[{ limit: 50, windowMs: 10_000 }, { limit: tierPerMinute, windowMs: 60_000 }]`.
 */
export interface RateLimiter {
  /**
   * Takes one unit from every limit, or none is granted. When denied, `retryAfterMs` is how long until
   * the window of the denying limit ends. A limit that is not a finite number is treated as unlimited.
   */
  acquire(key: string, limits: RateLimit[], now: Date): Promise<RateLimitDecision>;
}
