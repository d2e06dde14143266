import { READ_GROUP_PER_MINUTE } from '../domain/drift';
import { type TrendyolReadEndpoint, trendyolReadBudgetKey, trendyolReadBudgets } from '../domain/rate-budget';
import type { Clock } from '../ports/clock';
import type { RateLimiter } from '../ports/rate-limiter';
import type { Connection } from '../ports/repositories';
import { takeFreshSlot } from './fresh-slot';

/**
 * Longest a read waits for its slot: the burst window (50 per 10 s per endpoint, Trendyol's rate
 * limits) plus the arrival margin, after which some slot is always free unless others keep taking them.
 */
export const READ_SLOT_MAX_WAIT_MS = 10_250;

/**
 * What a read needs to take a slot; without a limiter or a clock (unit harnesses) every read goes,
 * without a sleep a denied read is skipped at once.
 */
export interface ReadBudgetDeps {
  rateLimiter?: RateLimiter;
  clock?: Clock;
  sleep?: (ms: number) => Promise<void>;
  /**
   * The invocation's last moment to start a read (epoch ms on `clock`): no read slot is waited for
   * past it, whatever the read's own wait. Set from the Lambda's remaining time so one invocation's
   * reads (a batch result, then read-back pages) never outlast its timeout.
   */
  readDeadlineMs?: number;
}

/**
 * Takes one slot of the seller's budget for a Trendyol read endpoint (`batch-results` for the
 * poller's GETs, `read-back` for live values), shared through the RateLimiter by every poller and
 * reader of the seller, so many batches polled at once never exceed Trendyol's read group (1000–2000
 * per minute, trendyol-contract.md) or its per-endpoint burst. Waits for a slot on `deps.clock` /
 * `deps.sleep` until `deadlineMs` (epoch ms; default now + `READ_SLOT_MAX_WAIT_MS`), and never past
 * `deps.readDeadlineMs`. A deadline already reached still tries once (no wait): "try once" callers
 * pass `deadlineMs` = now. Slots are taken with `takeFreshSlot`, so the read leaves within the
 * arrival margin of its grant; when only stale grants come back, the read is skipped for now.
 * @returns true when the read may go, false when no slot freed up in time (skip the read for now).
 */
export async function acquireReadSlot(
  deps: ReadBudgetDeps,
  connection: Pick<Connection, 'sellerId'>,
  endpoint: TrendyolReadEndpoint,
  deadlineMs?: number,
): Promise<boolean> {
  const { rateLimiter, clock, sleep } = deps;
  if (!rateLimiter || !clock) return true;
  const key = trendyolReadBudgetKey(String(connection.sellerId), endpoint);
  const limits = trendyolReadBudgets(READ_GROUP_PER_MINUTE);
  const until = Math.min(
    deadlineMs ?? clock.now().getTime() + READ_SLOT_MAX_WAIT_MS,
    deps.readDeadlineMs ?? Number.POSITIVE_INFINITY,
  );
  for (let tries = 0; ; tries += 1) {
    // Checked before each try too: an acquire under contention takes time of its own.
    if (tries > 0 && clock.now().getTime() > until) return false;
    const slot = await takeFreshSlot(rateLimiter, key, limits, clock);
    if (slot.kind === 'granted') return true;
    if (slot.kind === 'stale') return false;
    // Without a sleep the caller cannot wait: it tries once.
    if (!sleep || clock.now().getTime() + slot.retryAfterMs > until) return false;
    await sleep(slot.retryAfterMs);
  }
}
