import type { RateLimit } from '../../ports/rate-limiter';

/** Start of the fixed window containing `nowMs`; windows are aligned to the epoch so every caller agrees. */
export function windowStart(nowMs: number, windowMs: number): number {
  return Math.floor(nowMs / windowMs) * windowMs;
}

/** Time until the window containing `nowMs` ends (at least 1 ms, so a caller never spins). */
export function msUntilWindowEnds(nowMs: number, windowMs: number): number {
  return Math.max(1, windowStart(nowMs, windowMs) + windowMs - nowMs);
}

export function assertValidLimits(limits: readonly RateLimit[]): void {
  for (const { limit, windowMs } of limits) {
    if (!Number.isInteger(windowMs) || windowMs <= 0) throw new Error(`invalid rate window ${windowMs} ms`);
    if (Number.isFinite(limit) && (!Number.isInteger(limit) || limit < 0)) {
      throw new Error(`invalid rate limit ${limit}`);
    }
  }
}
