import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DynamoDbRateLimiter,
  rateCounterKey,
} from '../../../lambdas/adapters/rate-limit/dynamodb-rate-limiter';
import type { RateLimitDecision } from '../../../lambdas/ports/rate-limiter';
import {
  ensureShortLivedTable,
  type LocalDynamo,
  localAwsClientConfig,
  startDynalite,
} from '../../../local/engines';

const TABLE = 'eci-short-lived-rate';
// Aligned to both a 10 s and a 60 s window, so offsets below read as "seconds into the minute".
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

  beforeAll(async () => {
    engine = await startDynalite();
    client = new DynamoDBClient(localAwsClientConfig(engine.endpoint));
    await ensureShortLivedTable(client, TABLE);
    limiter = new DynamoDbRateLimiter({ client, tableName: TABLE });
  });

  afterAll(async () => {
    client.destroy();
    await engine.close();
  });

  it('grants 50 in a 10 s window, then denies until the window ends', async () => {
    const key = 'trendyol#seller-1#update';
    const granted = await acquireMany(limiter, key, 50, at(2_500));
    expect(granted.every((d) => d.granted)).toBe(true);
    expect(await limiter.acquire(key, [BURST], at(2_500))).toEqual({ granted: false, retryAfterMs: 7_500 });
    expect(await limiter.acquire(key, [BURST], at(9_999))).toEqual({ granted: false, retryAfterMs: 1 });
    // The next window starts with a fresh budget.
    expect(await limiter.acquire(key, [BURST], at(10_000))).toEqual({ granted: true });

    const counter = await client.send(
      new GetItemCommand({ TableName: TABLE, Key: { pk: { S: rateCounterKey(key, 10_000, T0_MS) } } }),
    );
    expect(counter.Item?.n?.N).toBe('50');
    // TTL in epoch seconds, after the window's end.
    expect(Number(counter.Item?.expiresAt?.N)).toBeGreaterThanOrEqual((T0_MS + 10_000) / 1000);
  });

  it('keys are independent', async () => {
    await acquireMany(limiter, 'trendyol#seller-a#update', 50, at(0));
    expect((await limiter.acquire('trendyol#seller-a#update', [BURST], at(0))).granted).toBe(false);
    expect((await limiter.acquire('trendyol#seller-b#update', [BURST], at(0))).granted).toBe(true);
  });

  it('enforces the per-minute limit across 10 s windows', async () => {
    const key = 'trendyol#seller-2#update';
    const limits = [BURST, { limit: 70, windowMs: 60_000 }];
    const first = await acquireMany(limiter, key, 50, at(1_000), limits);
    expect(first.every((d) => d.granted)).toBe(true);
    const second = await acquireMany(limiter, key, 21, at(11_000), limits);
    expect(second.slice(0, 20).every((d) => d.granted)).toBe(true);
    // The minute is used up: retry when the minute ends, not when the 10 s window does.
    expect(second[20]).toEqual({ granted: false, retryAfterMs: 49_000 });
    expect(await limiter.acquire(key, limits, at(35_000))).toEqual({ granted: false, retryAfterMs: 25_000 });
    expect(await limiter.acquire(key, limits, at(60_000))).toEqual({ granted: true });
  });

  it('treats a non-finite limit as unlimited and a zero limit as closed', async () => {
    const open = await acquireMany(limiter, 'k-open', 60, at(0), [
      { limit: Number.POSITIVE_INFINITY, windowMs: 60_000 },
    ]);
    expect(open.every((d) => d.granted)).toBe(true);
    expect(await limiter.acquire('k-closed', [{ limit: 0, windowMs: 60_000 }], at(0))).toEqual({
      granted: false,
      retryAfterMs: 60_000,
    });
  });

  it('60 concurrent acquires (separate clients, like separate Lambdas) grant exactly 50', async () => {
    const clients = Array.from(
      { length: 6 },
      () => new DynamoDBClient(localAwsClientConfig(engine.endpoint)),
    );
    try {
      const limiters = clients.map((c) => new DynamoDbRateLimiter({ client: c, tableName: TABLE }));
      const decisions = await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          (limiters[i % limiters.length] as DynamoDbRateLimiter).acquire(
            'trendyol#seller-3#update',
            [BURST],
            at(4_000),
          ),
        ),
      );
      expect(decisions.filter((d) => d.granted)).toHaveLength(50);
      expect(decisions.filter((d) => !d.granted)).toEqual(
        Array.from({ length: 10 }, () => ({ granted: false, retryAfterMs: 6_000 })),
      );
    } finally {
      for (const c of clients) c.destroy();
    }
  });
});
