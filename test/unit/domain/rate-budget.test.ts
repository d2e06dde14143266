import { describe, expect, it } from 'vitest';
import {
  decideRolling,
  fastestSpanMs,
  maxRequestsAllowed,
  type RollingLimit,
  TRENDYOL_ARRIVAL_MARGIN_MS,
  TRENDYOL_READ_ENDPOINTS,
  trendyolReadBudgets,
  trendyolWriteBudgets,
} from '../../../lambdas/domain/rate-budget';
import { mulberry32 } from '../../../local/simulator/prng';
import { RollingWindowLimiter } from '../../../local/simulator/rate-limiter';

const BURST: RollingLimit = { limit: 50, windowMs: 10_000 };

/** Runs acquisitions through decideRolling, returning the granted times (a simulated clock, no timers). */
function grantAll(times: readonly number[], limits: readonly RollingLimit[]): number[] {
  let log: number[] = [];
  const granted: number[] = [];
  for (const t of times) {
    const d = decideRolling(log, limits, t);
    if (d.granted) {
      log = d.grants;
      granted.push(t);
    }
  }
  return granted;
}

/** The most grants any rolling window (t − windowMs, t] holds. */
function busiestWindow(granted: readonly number[], windowMs: number): number {
  let most = 0;
  for (const end of granted)
    most = Math.max(most, granted.filter((g) => g > end - windowMs && g <= end).length);
  return most;
}

describe('decideRolling (sliding log)', () => {
  it('grants 50 in any 10 s, then says exactly when the oldest grant leaves the window', () => {
    const granted = grantAll(Array(51).fill(2_500), [BURST]);
    expect(granted).toHaveLength(50);
    const log = Array(50).fill(2_500);
    expect(decideRolling(log, [BURST], 2_500)).toEqual({ granted: false, retryAfterMs: 10_000 });
    expect(decideRolling(log, [BURST], 12_499)).toEqual({ granted: false, retryAfterMs: 1 });
    // Trendyol's window is half-open: a request exactly 10 s later no longer counts the old ones.
    expect(decideRolling(log, [BURST], 12_500).granted).toBe(true);
  });

  it('counts a rolling window, not fixed ones: 50 just before a 10 s boundary block the next 10 s', () => {
    const log = Array(50).fill(9_999);
    // A fixed-window counter would open a fresh budget at 10 000 and let 50 more through (100 in 1 ms).
    expect(decideRolling(log, [BURST], 10_000)).toEqual({ granted: false, retryAfterMs: 9_999 });
  });

  it('frees slots one by one as grants age out', () => {
    const log = Array.from({ length: 50 }, (_, i) => i * 100); // 0, 100, …, 4 900
    expect(decideRolling(log, [BURST], 9_000)).toEqual({ granted: false, retryAfterMs: 1_000 });
    const at10s = decideRolling(log, [BURST], 10_000);
    expect(at10s.granted).toBe(true);
    // The grant at 0 left the window; the stored log keeps only what can still count.
    expect(at10s.granted && at10s.grants).toEqual([...log.slice(1), 10_000]);
  });

  it('applies the tier group across bursts and waits for the limit that denies longest', () => {
    const limits = [BURST, { limit: 70, windowMs: 60_000 }];
    const granted = grantAll([...Array(50).fill(1_000), ...Array(21).fill(11_000)], limits);
    expect(granted).toHaveLength(70);
    let log: number[] = [];
    for (const t of granted) log = (decideRolling(log, limits, t) as { grants: number[] }).grants;
    // The burst window has room again at 11 000, but the minute holds 70 until the grant at 1 000 leaves.
    expect(decideRolling(log, limits, 11_000)).toEqual({ granted: false, retryAfterMs: 50_000 });
    expect(decideRolling(log, limits, 61_000).granted).toBe(true);
  });

  it('treats a non-finite limit as unlimited, zero as closed, and refuses nonsense', () => {
    expect(grantAll(Array(500).fill(0), [{ limit: Number.POSITIVE_INFINITY, windowMs: 1_000 }])).toHaveLength(
      500,
    );
    expect(decideRolling([], [{ limit: 0, windowMs: 60_000 }], 0)).toEqual({
      granted: false,
      retryAfterMs: 60_000,
    });
    expect(() => decideRolling([], [{ limit: 1, windowMs: 0 }], 0)).toThrow(RangeError);
    expect(() => decideRolling([], [{ limit: -1, windowMs: 1_000 }], 0)).toThrow(RangeError);
    expect(() => decideRolling([], [{ limit: 1.5, windowMs: 1_000 }], 0)).toThrow(RangeError);
  });

  it('counts grants stamped by a caller whose clock runs ahead', () => {
    const log = Array(50).fill(20_000);
    expect(decideRolling(log, [BURST], 15_000)).toEqual({ granted: false, retryAfterMs: 15_000 });
  });

  it('never exceeds the rolling limits for random arrivals on a simulated clock', () => {
    const random = mulberry32(12);
    const limits = [BURST, { limit: 350, windowMs: 60_000 }];
    const times: number[] = [];
    let t = 0;
    for (let i = 0; i < 3_000; i += 1) {
      t += Math.floor(random() * 120);
      times.push(t);
    }
    const granted = grantAll(times, limits);
    expect(busiestWindow(granted, 10_000)).toBe(50);
    expect(busiestWindow(granted, 60_000)).toBeLessThanOrEqual(350);
  });

  it('uses every request the rolling limits allow when callers are always waiting', () => {
    const limits = [BURST, { limit: 350, windowMs: 60_000 }];
    // An always-busy caller: tries, and when denied, tries again exactly when told to.
    let log: number[] = [];
    let now = 0;
    const granted: number[] = [];
    while (granted.length < 300) {
      const d = decideRolling(log, limits, now);
      if (d.granted) {
        log = d.grants;
        granted.push(now);
      } else now += d.retryAfterMs;
    }
    const last = granted[granted.length - 1] as number;
    expect(granted.length / maxRequestsAllowed(limits, 0, last)).toBe(1);
  });
});

describe('maxRequestsAllowed', () => {
  it('is the count of the greedy schedule inside the span', () => {
    expect(maxRequestsAllowed([BURST], 0, 9_999)).toBe(50);
    expect(maxRequestsAllowed([BURST], 0, 10_000)).toBe(100);
    // 350 per minute only binds once seven bursts fall into one minute.
    expect(maxRequestsAllowed([BURST, { limit: 350, windowMs: 60_000 }], 0, 59_999)).toBe(300);
    expect(maxRequestsAllowed([BURST, { limit: 100, windowMs: 60_000 }], 0, 59_999)).toBe(100);
  });
});

describe('Trendyol budgets', () => {
  it.each([350, 500, 1000, 2000])(
    'writes at tier %i/min never draw a 429 from Trendyol’s rolling limits despite send delays',
    (tier) => {
      const trendyol = new RollingWindowLimiter();
      const random = mulberry32(tier);
      let log: number[] = [];
      let now = 0;
      let refused = 0;
      let sent = 0;
      while (sent < 400) {
        const d = decideRolling(log, trendyolWriteBudgets(tier), now);
        if (!d.granted) {
          now += d.retryAfterMs;
          continue;
        }
        log = d.grants;
        sent += 1;
        // The request reaches Trendyol up to the margin after the grant, in any order.
        const arrival = now + Math.floor(random() * TRENDYOL_ARRIVAL_MARGIN_MS);
        const verdict = trendyol.take(
          [
            { key: 'burst', limit: 50, windowMs: 10_000 },
            { key: 'group', limit: tier, windowMs: 60_000 },
          ],
          arrival,
        );
        if (!verdict.ok) refused += 1;
      }
      expect(refused).toBe(0);
    },
  );

  it('keeps 97 % of the burst rate as the price of the arrival margin', () => {
    const budgets = trendyolWriteBudgets(350);
    // An hour, so the bursts at either end of the span weigh little against the steady rate.
    const span = 3_600_000;
    const ours = maxRequestsAllowed(budgets, 0, span);
    const trendyols = maxRequestsAllowed([BURST, { limit: 350, windowMs: 60_000 }], 0, span);
    expect(ours / trendyols).toBeGreaterThanOrEqual(0.97);
  });

  it('splits the read group so all read endpoints together stay inside it', () => {
    const [burst, share] = trendyolReadBudgets(1000);
    expect(burst?.limit).toBe(50);
    expect((share?.limit ?? 0) * TRENDYOL_READ_ENDPOINTS.length).toBeLessThanOrEqual(1000);
    // The share never binds before the burst rule does (300 per minute per endpoint).
    expect(share?.limit).toBeGreaterThanOrEqual(300);
  });
});

describe('fastestSpanMs', () => {
  it('is when the n-th request can go out at the earliest', () => {
    expect(fastestSpanMs([BURST], 1)).toBe(0);
    expect(fastestSpanMs([BURST], 50)).toBe(0);
    expect(fastestSpanMs([BURST], 51)).toBe(10_000);
    expect(fastestSpanMs([BURST], 300)).toBe(50_000);
    // With ECI's margin the same 300 take 51.25 s: 97.6 % of Trendyol's rate.
    expect(fastestSpanMs(trendyolWriteBudgets(350), 300)).toBe(51_250);
    expect(() => fastestSpanMs([BURST], 0)).toThrow(RangeError);
  });
});
