import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CONTENDED_RETRY_AFTER_MS,
  DynamoDbRateLimiter,
  rateLogKey,
} from '../../../lambdas/adapters/rate-limit/dynamodb-rate-limiter';
import { TRENDYOL_BURST, trendyolWriteBudgets } from '../../../lambdas/domain/rate-budget';
import type { RateLimitDecision } from '../../../lambdas/ports/rate-limiter';
import { busiestWindow, runSimulatedAcquisitions, utilisation } from '../../../local/bench/rate-budget';
import {
  ensureShortLivedTable,
  type LocalDynamo,
  localAwsClientConfig,
  startDynalite,
} from '../../../local/engines';

const TABLE = 'eci-short-lived-rate';
const T0_MS = Date.parse('2025-03-01T10:00:00.000Z');
const at = (ms: number): Date => new Date(T0_MS + ms);
const BURST = { limit: 50, windowMs: 10_000 };

async function acquireMany(
  limiter: DynamoDbRateLimiter,
  key: string,
  count: number,
  now: Date,
  limits = [BURST],
): Promise<RateLimitDecision[]> {
  const out: RateLimitDecision[] = [];
  for (let i = 0; i < count; i += 1) out.push(await limiter.acquire(key, limits, now));
  return out;
}

describe('DynamoDbRateLimiter on dynalite', () => {
  let engine: LocalDynamo;
  let client: DynamoDBClient;
  let limiter: DynamoDbRateLimiter;
  const extraClients: DynamoDBClient[] = [];
  const separateLimiters = (n: number): DynamoDbRateLimiter[] =>
    Array.from({ length: n }, () => {
      const c = new DynamoDBClient(localAwsClientConfig(engine.endpoint));
      extraClients.push(c);
      return new DynamoDbRateLimiter({ client: c, tableName: TABLE });
    });

  beforeAll(async () => {
    engine = await startDynalite();
    client = new DynamoDBClient(localAwsClientConfig(engine.endpoint));
    await ensureShortLivedTable(client, TABLE);
    limiter = new DynamoDbRateLimiter({ client, tableName: TABLE });
  });

  afterAll(async () => {
    for (const c of extraClients) c.destroy();
    client.destroy();
    await engine.close();
  });

  it('grants 50 in any rolling 10 s and denies until the oldest grant leaves the window', async () => {
    const key = 'trendyol#seller-1#update';
    expect((await acquireMany(limiter, key, 50, at(9_500))).every((d) => d.granted)).toBe(true);
    // A fixed 10 s window would start afresh at 10 000; the rolling one still holds all 50.
    expect(await limiter.acquire(key, [BURST], at(10_000))).toEqual({ granted: false, retryAfterMs: 9_500 });
    expect(await limiter.acquire(key, [BURST], at(19_499))).toEqual({ granted: false, retryAfterMs: 1 });
    expect(await limiter.acquire(key, [BURST], at(19_500))).toEqual({
      granted: true,
      grantedAtMs: at(19_500).getTime(),
    });

    const item = await client.send(
      new GetItemCommand({ TableName: TABLE, Key: { pk: { S: rateLogKey(key) } }, ConsistentRead: true }),
    );
    // The log keeps only grants that can still count: the 50 from 9 500 have left the window.
    expect(item.Item?.grants?.L).toEqual([{ N: String(T0_MS + 19_500) }]);
    expect(Number(item.Item?.expiresAt?.N)).toBeGreaterThanOrEqual((T0_MS + 19_500 + 10_000) / 1000);
  });

  it('a grant handed back frees its slot at once; one not in the log changes nothing', async () => {
    const key = 'trendyol#seller-r#update';
    const grants = await acquireMany(limiter, key, 50, at(1_000));
    expect((await limiter.acquire(key, [BURST], at(2_000))).granted).toBe(false);
    const unused = grants[49];
    if (!unused?.granted) throw new Error('the 50th acquire was not granted');
    await limiter.release(key, unused.grantedAtMs ?? Number.NaN);
    // A moment the log never held changes nothing.
    await limiter.release(key, at(1_500).getTime());
    expect(await limiter.acquire(key, [BURST], at(2_000))).toEqual({
      granted: true,
      grantedAtMs: at(2_000).getTime(),
    });
    expect(await limiter.acquire(key, [BURST], at(2_001))).toEqual({ granted: false, retryAfterMs: 8_999 });
  });

  it('keys are independent', async () => {
    await acquireMany(limiter, 'trendyol#seller-a#update', 50, at(0));
    expect((await limiter.acquire('trendyol#seller-a#update', [BURST], at(0))).granted).toBe(false);
    expect((await limiter.acquire('trendyol#seller-b#update', [BURST], at(0))).granted).toBe(true);
  });

  it('30 concurrent acquires (separate clients, like separate Lambdas) on 20 slots grant exactly 20', async () => {
    const limiters = separateLimiters(6);
    const twenty = [{ limit: 20, windowMs: 10_000 }];
    const decisions = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        (limiters[i % limiters.length] as DynamoDbRateLimiter).acquire(
          'trendyol#seller-3#update',
          twenty,
          at(4_000),
        ),
      ),
    );
    expect(decisions.filter((d) => d.granted)).toHaveLength(20);
    // Each of the other 10 is told to wait for the window (full) or, having lost its few backed-off
    // races to the 20, to try again shortly (contended); none is granted over the limit.
    for (const denial of decisions.filter((d) => !d.granted)) {
      expect([10_000, CONTENDED_RETRY_AFTER_MS]).toContain(denial.retryAfterMs);
    }
  });

  it('8 always-busy consumers over 300 sends: never over Trendyol’s rolling limits, ≥ 95 % of what they allow', async () => {
    const tier = 350;
    const run = await runSimulatedAcquisitions({
      limiters: separateLimiters(8),
      key: 'trendyol#seller-4#price-and-inventory',
      limits: trendyolWriteBudgets(tier),
      grants: 300,
      startMs: T0_MS,
    });
    expect(run.grantedAt).toHaveLength(300);
    expect(busiestWindow(run.grantedAt, TRENDYOL_BURST.windowMs)).toBeLessThanOrEqual(50);
    expect(busiestWindow(run.grantedAt, 60_000)).toBeLessThanOrEqual(tier);
    expect(
      utilisation(run.grantedAt, [TRENDYOL_BURST, { limit: tier, windowMs: 60_000 }]),
    ).toBeGreaterThanOrEqual(0.95);
  });

  it('a third of the grants handed back while 8 consumers acquire: still never over the rolling limits', async () => {
    const tier = 350;
    const run = await runSimulatedAcquisitions({
      limiters: separateLimiters(8),
      key: 'trendyol#seller-5#price-and-inventory',
      limits: trendyolWriteBudgets(tier),
      grants: 300,
      startMs: T0_MS,
      handBack: (i) => i % 3 === 1,
    });
    expect(run.grantedAt).toHaveLength(300);
    expect(run.handedBack).toBeGreaterThanOrEqual(100);
    expect(busiestWindow(run.grantedAt, TRENDYOL_BURST.windowMs)).toBeLessThanOrEqual(50);
    expect(busiestWindow(run.grantedAt, 60_000)).toBeLessThanOrEqual(tier);
    // The handed-back grants freed their slots: the sends still use ≥ 95 % of what Trendyol allows.
    expect(
      utilisation(run.grantedAt, [TRENDYOL_BURST, { limit: tier, windowMs: 60_000 }]),
    ).toBeGreaterThanOrEqual(0.95);
  });
});
