/**
 * ECI's rate budget for Trendyol, exact for Trendyol's *rolling* windows.
 *
 * Source (docs/trendyol-contract "Rate limits"): per seller, at most 50 requests in any 10 s to one
 * endpoint (the 51st gets 429), and since 2026-09-14 a per-minute limit per service group, tiered by
 * the seller's listing limit: the "inventory & price write" group 350 / 500 / 1000 / 1500 (up to 2000)
 * per minute, the read group (batch results, product filters) 1000–2000 per minute.
 *
 * The rule is a sliding log: a request is granted at `now` when, for every limit, fewer than `limit`
 * earlier grants lie in the rolling window (now − windowMs, now]. Trendyol (and the simulator) count
 * the same half-open window, so a limiter that follows this rule can use every request Trendyol
 * allows and never more.
 */

/** At most `limit` requests in any rolling window of `windowMs` milliseconds. */
export interface RollingLimit {
  limit: number;
  windowMs: number;
}

/** The outcome of {@link decideRolling}. */
export type RollingDecision =
  | {
      granted: true;
      /** The log to store: the grants that can still matter, ascending epoch ms, `now` included. */
      grants: number[];
    }
  | {
      granted: false;
      /** Milliseconds until every denying limit has a free slot (≥ 1); the log is unchanged. */
      retryAfterMs: number;
    };

/**
 * Added to every Trendyol window. ECI stamps a grant when it acquires the slot; Trendyol stamps the
 * request when it arrives. A request granted earlier may arrive later than one granted a window after
 * it (network, event-loop or Lambda pauses between acquire and send); widening the window by this much
 * keeps both in separate windows on Trendyol's side. 250 ms costs 2.4 % of the burst rate
 * (50 per 10.25 s) and covers the send delays seen locally.
 */
export const TRENDYOL_ARRIVAL_MARGIN_MS = 250;

/**
 * The oldest a grant may be when its request leaves (ms since the `now` the grant was stamped with).
 * The arrival margin only holds while grant-to-arrival stays under it; a caller that finds its grant
 * older at send time (a pause in acquiring it, a GC or event-loop stall, a slow call in between) takes
 * a fresh one instead and hands the stale one back. The rest of the margin (200 ms) covers the
 * send itself.
 */
export const GRANT_MAX_AGE_MS = 50;

/**
 * True when a grant stamped at `grantedAtMs` may still be used for a request leaving at `nowMs`
 * (both epoch ms on the caller's clock); see {@link GRANT_MAX_AGE_MS}.
 */
export function isGrantFresh(grantedAtMs: number, nowMs: number): boolean {
  return nowMs - grantedAtMs <= GRANT_MAX_AGE_MS;
}

/** Trendyol's burst rule for one endpoint: 50 requests per rolling 10 s (confirmed by Trendyol). */
export const TRENDYOL_BURST: RollingLimit = { limit: 50, windowMs: 10_000 };

/** Length of Trendyol's service-group windows (the tiered "N per minute"). */
export const TRENDYOL_GROUP_WINDOW_MS = 60_000;

/** The lowest read-group limit (batch results, product filters): 1000 per minute. */
export const TRENDYOL_READ_GROUP_MIN_PER_MINUTE = 1000;

/**
 * The read endpoints ECI calls. Each gets its own budget key (the burst rule is per endpoint); they
 * share one read group, so each takes an equal share of the group limit (see {@link trendyolReadBudgets}).
 */
export const TRENDYOL_READ_ENDPOINTS = ['batch-results', 'read-back'] as const;
export type TrendyolReadEndpoint = (typeof TRENDYOL_READ_ENDPOINTS)[number];

/**
 * Decides one acquisition against a sliding log.
 *
 * @param grants earlier grants for this budget key, epoch ms, ascending (as returned by an earlier
 *   granted decision; entries newer than `nowMs`, from another caller's skewed clock, still count).
 * @param limits every limit that applies; a non-finite `limit` is unlimited, `limit` 0 always denies.
 * @param nowMs the caller's clock, epoch ms.
 * @returns granted with the log to store (pruned to what any limit can still see: entries inside the
 *   longest window, at most the largest limit of them), or denied with the exact wait until every
 *   limit would grant (the oldest grant a denying limit counts leaves its window).
 * @throws RangeError for a window that is not a positive integer or a negative / fractional limit.
 */
export function decideRolling(
  grants: readonly number[],
  limits: readonly RollingLimit[],
  nowMs: number,
): RollingDecision {
  assertValidRollingLimits(limits);
  const finite = limits.filter((l) => Number.isFinite(l.limit));
  let retryAfterMs = 0;
  for (const { limit, windowMs } of finite) {
    const inWindow = countAfter(grants, nowMs - windowMs);
    if (inWindow >= limit) {
      // The (inWindow − limit + 1)-th oldest grant in the window must leave before a slot frees up.
      const oldestToLeave = grants[grants.length - limit];
      const wait = oldestToLeave === undefined ? windowMs : oldestToLeave + windowMs - nowMs;
      retryAfterMs = Math.max(retryAfterMs, wait, 1);
    }
  }
  if (retryAfterMs > 0) return { granted: false, retryAfterMs };
  const longestWindowMs = Math.max(0, ...finite.map((l) => l.windowMs));
  const largestLimit = Math.max(0, ...finite.map((l) => l.limit));
  const kept = grants.filter((t) => t > nowMs - longestWindowMs);
  const at = upperBound(kept, nowMs);
  kept.splice(at, 0, nowMs);
  return { granted: true, grants: kept.slice(Math.max(0, kept.length - largestLimit)) };
}

/**
 * The limits ECI applies to one seller's price-and-inventory writes: Trendyol's burst rule and the
 * seller's write-group tier, each widened by {@link TRENDYOL_ARRIVAL_MARGIN_MS}. Use with
 * {@link trendyolWriteBudgetKey}.
 *
 * @param writeRateLimitPerMinute the connection's tier (350–2000 per minute); non-finite = unknown,
 *   then only the burst rule applies.
 */
export function trendyolWriteBudgets(writeRateLimitPerMinute: number): RollingLimit[] {
  return [
    withArrivalMargin(TRENDYOL_BURST),
    withArrivalMargin({ limit: writeRateLimitPerMinute, windowMs: TRENDYOL_GROUP_WINDOW_MS }),
  ];
}

/**
 * The limits for one read endpoint: the burst rule, and an equal share of the read group so the
 * endpoints' budgets (each its own key) can never add up to more than the group. With the lowest
 * group (1000/min) and two endpoints each share is 500/min, above the 300/min the burst allows, so
 * the share never costs a request.
 */
export function trendyolReadBudgets(
  readRateLimitPerMinute: number = TRENDYOL_READ_GROUP_MIN_PER_MINUTE,
): RollingLimit[] {
  const share = Math.floor(readRateLimitPerMinute / TRENDYOL_READ_ENDPOINTS.length);
  return [
    withArrivalMargin(TRENDYOL_BURST),
    withArrivalMargin({ limit: share, windowMs: TRENDYOL_GROUP_WINDOW_MS }),
  ];
}

/** Budget key for one seller's price-and-inventory writes (the key the push consumer uses). */
export function trendyolWriteBudgetKey(sellerId: string): string {
  return `trendyol#${sellerId}#price-and-inventory`;
}

/** Budget key for one seller's read endpoint (batch results for the poller, read-back for checks). */
export function trendyolReadBudgetKey(sellerId: string, endpoint: TrendyolReadEndpoint): string {
  return `trendyol#${sellerId}#${endpoint}`;
}

/**
 * The most requests `limits` allow from `startMs` to `endMs` inclusive: the greedy schedule that sends
 * each request as early as the rolling windows permit (optimal, since sending earlier never leaves
 * fewer slots later). Used to state a limiter's utilisation.
 */
export function maxRequestsAllowed(limits: readonly RollingLimit[], startMs: number, endMs: number): number {
  let grants: number[] = [];
  let count = 0;
  let now = startMs;
  while (now <= endMs) {
    const decision = decideRolling(grants, limits, now);
    if (decision.granted) {
      grants = decision.grants;
      count += 1;
    } else {
      now += decision.retryAfterMs;
    }
  }
  return count;
}

/**
 * When the `n`-th request goes out, in ms after `startMs`, if every request is sent as early as the
 * rolling windows permit (the greedy schedule, which is the fastest). For 50 per 10 s: 300 requests
 * need 50 000 ms (bursts at 0, 10 s, …, 50 s). @throws RangeError for n < 1.
 */
export function fastestSpanMs(limits: readonly RollingLimit[], n: number, startMs = 0): number {
  if (!(n >= 1)) throw new RangeError(`need at least one request, got ${n}`);
  let grants: number[] = [];
  let now = startMs;
  for (let sent = 0; ; ) {
    const decision = decideRolling(grants, limits, now);
    if (!decision.granted) {
      now += decision.retryAfterMs;
      continue;
    }
    grants = decision.grants;
    sent += 1;
    if (sent === n) return now - startMs;
  }
}

function withArrivalMargin(limit: RollingLimit): RollingLimit {
  return { limit: limit.limit, windowMs: limit.windowMs + TRENDYOL_ARRIVAL_MARGIN_MS };
}

/**
 * Throws RangeError unless every window is a positive integer and every finite limit a whole number
 * ≥ 0 (a non-finite limit means "unlimited", e.g. a tier that is not known).
 */
export function assertValidRollingLimits(limits: readonly RollingLimit[]): void {
  for (const { limit, windowMs } of limits) {
    if (!Number.isInteger(windowMs) || windowMs <= 0) {
      throw new RangeError(`invalid rate window ${windowMs} ms`);
    }
    if (Number.isFinite(limit) && (!Number.isInteger(limit) || limit < 0)) {
      throw new RangeError(`invalid rate limit ${limit}`);
    }
  }
}

/** Number of entries of the ascending `sorted` strictly greater than `t`. */
function countAfter(sorted: readonly number[], t: number): number {
  return sorted.length - upperBound(sorted, t);
}

/** Index of the first entry of the ascending `sorted` greater than `t`. */
function upperBound(sorted: readonly number[], t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as number) <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
