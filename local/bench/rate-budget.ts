import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDbRateLimiter } from '../../lambdas/adapters/rate-limit/dynamodb-rate-limiter';
import {
  fastestSpanMs,
  maxRequestsAllowed,
  type RollingLimit,
  TRENDYOL_BURST,
  trendyolWriteBudgets,
} from '../../lambdas/domain/rate-budget';
import type { RateLimiter } from '../../lambdas/ports/rate-limiter';
import { ensureShortLivedTable, localAwsClientConfig, startDynalite } from '../engines';

export interface SimulatedRunOptions {
  /** One limiter per acquirer (e.g. separate DynamoDB clients, like separate Lambda invocations). */
  limiters: RateLimiter[];
  key: string;
  limits: RollingLimit[];
  /** Grants to collect before stopping. */
  grants: number;
  /** Simulated start, epoch ms. */
  startMs: number;
  /**
   * Picks grants (by their order, 0-based) that come back stale: not sent, handed back with
   * `release` during the next round, concurrently with the other acquirers' acquires. @default none
   */
  handBack?: (grantIndex: number) => boolean;
}

export interface SimulatedRun {
  /** Simulated time of every grant, ascending, epoch ms. */
  grantedAt: number[];
  /** acquire() calls made (grants + denials). */
  attempts: number;
  /** Grants handed back (see `handBack`); not in `grantedAt`. */
  handedBack: number;
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
  let grantIndex = 0;
  let handedBack = 0;
  let toRelease: number[] = [];
  let now = options.startMs;
  while (grantedAt.length < options.grants) {
    let wait = Number.POSITIVE_INFINITY;
    for (;;) {
      const releasing = toRelease.map((t) => options.limiters[0]?.release?.(options.key, t));
      toRelease = [];
      const [decisions] = await Promise.all([
        Promise.all(options.limiters.map((l) => l.acquire(options.key, options.limits, new Date(now)))),
        ...releasing,
      ]);
      attempts += decisions.length;
      // A round that handed grants back is followed by another: their slots are free again.
      let any = releasing.length > 0;
      for (const d of decisions) {
        if (d.granted) {
          any = true;
          if (options.handBack?.(grantIndex)) {
            toRelease.push(d.grantedAtMs ?? now);
            handedBack += 1;
          } else grantedAt.push(now);
          grantIndex += 1;
        } else wait = Math.min(wait, d.retryAfterMs);
      }
      if (!any || grantedAt.length >= options.grants) break;
    }
    if (grantedAt.length < options.grants) now += Number.isFinite(wait) ? wait : 1;
  }
  return { grantedAt: grantedAt.slice(0, options.grants), attempts, handedBack };
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
 * How much of Trendyol's rate a run used: the time Trendyol's rolling limits need at least for the
 * same number of requests (greedy schedule from the same start) ÷ the time the run took, i.e. the
 * run's requests per second ÷ the most requests per second Trendyol allows for that many. 1.0 means
 * not one request Trendyol would have accepted was left unused; ECI's 250 ms arrival margin costs
 * 2.4 % (50 per 10.25 s instead of 50 per 10 s).
 */
export function utilisation(grantedAt: readonly number[], trendyolLimits: readonly RollingLimit[]): number {
  if (grantedAt.length < 2) return grantedAt.length;
  const first = grantedAt[0] as number;
  const last = grantedAt[grantedAt.length - 1] as number;
  if (last === first) return 1;
  return fastestSpanMs(trendyolLimits, grantedAt.length, first) / (last - first);
}

/**
 * `rateBudget.utilisation`: `grants` sends by 8 always-busy consumers (separate DynamoDB clients, as
 * separate Lambda invocations) through the real DynamoDB limiter on dynalite, on a simulated clock,
 * at the lowest write tier (350/min). Reports the utilisation against Trendyol's own rolling limits
 * (without ECI's arrival margin) and the busiest windows seen.
 */
export async function rateBudgetBench(grants: number) {
  const engine = await startDynalite();
  const clients = Array.from({ length: 8 }, () => new DynamoDBClient(localAwsClientConfig(engine.endpoint)));
  try {
    await ensureShortLivedTable(clients[0] as DynamoDBClient, 'eci-bench-rate');
    const tier = 350;
    const run = await runSimulatedAcquisitions({
      limiters: clients.map((client) => new DynamoDbRateLimiter({ client, tableName: 'eci-bench-rate' })),
      key: 'trendyol#bench#price-and-inventory',
      limits: trendyolWriteBudgets(tier),
      grants,
      startMs: Date.parse('2026-01-01T00:00:00Z'),
    });
    const trendyolLimits = [TRENDYOL_BURST, { limit: tier, windowMs: 60_000 }];
    const first = run.grantedAt[0] ?? 0;
    const last = run.grantedAt[run.grantedAt.length - 1] ?? 0;
    return {
      sent: run.grantedAt.length,
      /** The most Trendyol allows between the first and the last send (a partial last burst shows here). */
      allowedInSpan: maxRequestsAllowed(trendyolLimits, first, last),
      fastestSeconds: fastestSpanMs(trendyolLimits, run.grantedAt.length) / 1000,
      utilisation: utilisation(run.grantedAt, trendyolLimits),
      simulatedSeconds: (last - first) / 1000,
      busiest10s: busiestWindow(run.grantedAt, 10_000),
      busiest60s: busiestWindow(run.grantedAt, 60_000),
      acquireCalls: run.attempts,
      consumers: clients.length,
      tierPerMinute: tier,
    };
  } finally {
    for (const c of clients) c.destroy();
    await engine.close();
  }
}
