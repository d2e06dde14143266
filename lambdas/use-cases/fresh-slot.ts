import { isGrantFresh } from '../domain/rate-budget';
import type { Clock } from '../ports/clock';
import type { RateLimit, RateLimiter } from '../ports/rate-limiter';

/** Stale grants (see `isGrantFresh`) taken in a row before a caller gives up for now. */
export const MAX_STALE_GRANTS = 5;

/** What {@link takeFreshSlot} decided. */
export type FreshSlot =
  | { kind: 'granted' }
  | { kind: 'denied'; retryAfterMs: number }
  /** Every grant of {@link MAX_STALE_GRANTS} came back too late to use (a slow or stalled limiter). */
  | { kind: 'stale' };

/**
 * Takes one slot of `key` whose grant is still fresh when it comes back, so the request that follows
 * at once reaches Trendyol within the arrival margin of its grant (domain/rate-budget.ts). A grant
 * held up on its way back (lost races, a pause of the process) is handed back with
 * `RateLimiter.release` so it holds no slot for the rest of its window, and another is taken, at most
 * {@link MAX_STALE_GRANTS} times. The limiter reads `clock` for every decision it makes.
 * @throws whatever the limiter throws (a DynamoDB fault).
 */
export async function takeFreshSlot(
  rateLimiter: RateLimiter,
  key: string,
  limits: RateLimit[],
  clock: Clock,
): Promise<FreshSlot> {
  for (let stale = 0; stale < MAX_STALE_GRANTS; stale += 1) {
    const stampMs = clock.now().getTime();
    const decision = await rateLimiter.acquire(key, limits, () => clock.now());
    if (!decision.granted) return { kind: 'denied', retryAfterMs: decision.retryAfterMs };
    const grantedAtMs = decision.grantedAtMs ?? stampMs;
    if (isGrantFresh(grantedAtMs, clock.now().getTime())) return { kind: 'granted' };
    await rateLimiter.release?.(key, grantedAtMs);
  }
  return { kind: 'stale' };
}
