/** A budget as Trendyol states it: at most `limit` requests in any `windowMs` (a rolling window). */
export interface RollingLimit {
  limit: number;
  windowMs: number;
}

/** A fixed-window counter: at most `limit` per window aligned to multiples of `windowMs`. */
export interface FixedWindowLimit {
  limit: number;
  windowMs: number;
}

/**
 * Turns Trendyol's rolling limits into fixed-window budgets that can never exceed them. A rolling
 * window of length T overlaps at most T/W + 1 fixed windows of length W, so each fixed window may use
 * floor(limit / (T/W + 1)). Shorter fixed windows lose less throughput: 50 per rolling 10 s becomes
 * 8 per 2 s (at most 48 in any 10 s, 40 sustained), a tier's N per minute becomes N/7 per 10 s.
 */
export function fixedWindowsWithin(rolling: RollingLimit, windowMs: number): FixedWindowLimit {
  if (!(windowMs > 0) || rolling.windowMs % windowMs !== 0) {
    throw new RangeError(`window ${windowMs} ms must divide ${rolling.windowMs} ms`);
  }
  const overlapped = rolling.windowMs / windowMs + 1;
  return { limit: Math.max(1, Math.floor(rolling.limit / overlapped)), windowMs };
}

/** Trendyol's burst rule for one endpoint: 50 requests per 10 s (confirmed). */
export const TRENDYOL_BURST: RollingLimit = { limit: 50, windowMs: 10_000 };

/** The fixed-window budgets ECI's shared limiter enforces for one seller's price-and-inventory writes. */
export function trendyolWriteBudgets(writeRateLimitPerMinute: number): FixedWindowLimit[] {
  return [
    fixedWindowsWithin(TRENDYOL_BURST, 2_000),
    fixedWindowsWithin({ limit: writeRateLimitPerMinute, windowMs: 60_000 }, 10_000),
  ];
}
