import type { RollingLimit } from '../../lambdas/domain/rate-budget';
import { maxRequestsAllowed } from '../../lambdas/domain/rate-budget';
import type { RateLimiter } from '../../lambdas/ports/rate-limiter';

export interface SimulatedRunOptions {
  /** One limiter per acquirer (e.g. separate DynamoDB clients, like separate Lambda invocations). */
  limiters: RateLimiter[];
  key: string;
  limits: RollingLimit[];
  /** Grants to collect before stopping. */
  grants: number;
  /** Simulated start, epoch ms. */
  startMs: number;
}

export interface SimulatedRun {
  /** Simulated time of every grant, ascending, epoch ms. */
  grantedAt: number[];
  /** acquire() calls made (grants + denials). */
  attempts: number;
}

/**
 * Drives many concurrent acquirers against one budget on a simulated clock (no timers): at each
 * instant every acquirer calls `acquire` at once, again and again until all are denied; then the
 * clock jumps to the earliest `retryAfterMs` any of them was given. Models always-busy consumers, so
 * the grants show what the limiter lets through at most.
 */
export async function runSimulatedAcquisitions(options: SimulatedRunOptions): Promise<SimulatedRun> {
  const grantedAt: number[] = [];
  let attempts = 0;
  let now = options.startMs;
  while (grantedAt.length < options.grants) {
    let wait = Number.POSITIVE_INFINITY;
    for (;;) {
      const decisions = await Promise.all(
        options.limiters.map((l) => l.acquire(options.key, options.limits, new Date(now))),
      );
      attempts += decisions.length;
      let any = false;
      for (const d of decisions) {
        if (d.granted) {
          any = true;
          grantedAt.push(now);
        } else wait = Math.min(wait, d.retryAfterMs);
      }
      if (!any || grantedAt.length >= options.grants) break;
    }
    if (grantedAt.length < options.grants) now += Number.isFinite(wait) ? wait : 1;
  }
  return { grantedAt: grantedAt.slice(0, options.grants), attempts };
}

/** The most grants that any rolling window (t − windowMs, t] holds. */
export function busiestWindow(grantedAt: readonly number[], windowMs: number): number {
  let most = 0;
  let lo = 0;
  for (let hi = 0; hi < grantedAt.length; hi += 1) {
    const end = grantedAt[hi] as number;
    while ((grantedAt[lo] as number) <= end - windowMs) lo += 1;
    most = Math.max(most, hi - lo + 1);
  }
  return most;
}

/**
 * Requests sent ÷ the most requests `trendyolLimits` allow between the first and the last grant.
 * 1.0 means not one request Trendyol would have accepted was left unused.
 */
export function utilisation(grantedAt: readonly number[], trendyolLimits: readonly RollingLimit[]): number {
  if (grantedAt.length === 0) return 0;
  const first = grantedAt[0] as number;
  const last = grantedAt[grantedAt.length - 1] as number;
  return grantedAt.length / maxRequestsAllowed(trendyolLimits, first, last);
}
