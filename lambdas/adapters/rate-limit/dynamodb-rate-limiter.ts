import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { RateLimit, RateLimitDecision, RateLimiter } from '../../ports/rate-limiter';
import { assertValidLimits, msUntilWindowEnds, windowStart } from './fixed-window';

export interface DynamoDbRateLimiterOptions {
  client: DynamoDBClient;
  tableName: string;
}

// Counters outlive their window a little so a late reader with a skewed clock still finds them;
// TTL then removes them (storage only: a stale counter is never read for a later window).
const COUNTER_GRACE_SECONDS = 300;

export function rateCounterKey(key: string, windowMs: number, start: number): string {
  return `rate#${key}#${windowMs}#${start}`;
}

/**
 * Fixed-window counters in the short-lived DynamoDB table, shared by all concurrent Lambda
 * invocations: one atomic conditional `ADD` per limit, so N racing callers never get more than
 * `limit` grants in a window.
 *
 * Limits are charged one after another in the order given. When a later limit denies, the units
 * already taken from earlier limits stay spent (DynamoDB has no cheap atomic multi-item check here,
 * and dynalite has no transactions). That errs on the safe side: a window may grant slightly fewer
 * calls than its limit, never more. Put the limit most likely to deny first to waste least.
 *
 * Windows are aligned to the epoch, so a burst may straddle two windows (up to 2 × limit within
 * `windowMs`); Trendyol's own limiter counts the same way per window.
 */
export class DynamoDbRateLimiter implements RateLimiter {
  private readonly client: DynamoDBClient;
  private readonly tableName: string;

  constructor(options: DynamoDbRateLimiterOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
  }

  async acquire(key: string, limits: RateLimit[], now: Date): Promise<RateLimitDecision> {
    assertValidLimits(limits);
    const nowMs = now.getTime();
    for (const { limit, windowMs } of limits) {
      if (!Number.isFinite(limit)) continue;
      const start = windowStart(nowMs, windowMs);
      const granted = await this.take(rateCounterKey(key, windowMs, start), limit, start + windowMs);
      if (!granted) return { granted: false, retryAfterMs: msUntilWindowEnds(nowMs, windowMs) };
    }
    return { granted: true };
  }

  private async take(pk: string, limit: number, windowEndMs: number): Promise<boolean> {
    // `attribute_not_exists(n)` would let the first call through a zero budget.
    if (limit <= 0) return false;
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { pk: { S: pk } },
          UpdateExpression: 'ADD n :one SET expiresAt = :expiresAt',
          ConditionExpression: 'attribute_not_exists(n) OR n < :limit',
          ExpressionAttributeValues: {
            ':one': { N: '1' },
            ':limit': { N: String(limit) },
            ':expiresAt': { N: String(Math.ceil(windowEndMs / 1000) + COUNTER_GRACE_SECONDS) },
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
