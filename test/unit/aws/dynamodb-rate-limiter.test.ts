import { ConditionalCheckFailedException, DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbRateLimiter } from '../../../lambdas/adapters/rate-limit/dynamodb-rate-limiter';

const conditionFailed = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

describe('DynamoDbRateLimiter command inputs', () => {
  const ddb = mockClient(DynamoDBClient);
  const limiter = new DynamoDbRateLimiter({ client: new DynamoDBClient({}), tableName: 'eci-dev-dedup' });

  beforeEach(() => ddb.reset());

  it('adds one to a fixed-window counter under a limit condition, with a TTL after the window', async () => {
    ddb.on(UpdateItemCommand).resolves({});
    const now = new Date('2025-03-01T10:00:07.500Z');
    expect(await limiter.acquire('trendyol#42#update', [{ limit: 50, windowMs: 10_000 }], now)).toEqual({
      granted: true,
    });
    const windowStart = Date.parse('2025-03-01T10:00:00Z');
    expect(ddb.commandCalls(UpdateItemCommand)[0]?.args[0].input).toEqual({
      TableName: 'eci-dev-dedup',
      Key: { pk: { S: `rate#trendyol#42#update#10000#${windowStart}` } },
      UpdateExpression: 'ADD n :one SET expiresAt = :expiresAt',
      ConditionExpression: 'attribute_not_exists(n) OR n < :limit',
      ExpressionAttributeValues: {
        ':one': { N: '1' },
        ':limit': { N: '50' },
        ':expiresAt': { N: String((windowStart + 10_000) / 1000 + 300) },
      },
    });
  });

  it('stops at the first denying limit and reports when its window ends', async () => {
    ddb.on(UpdateItemCommand).rejects(conditionFailed());
    const now = new Date('2025-03-01T10:00:07.500Z');
    const decision = await limiter.acquire(
      'k',
      [
        { limit: 50, windowMs: 10_000 },
        { limit: 600, windowMs: 60_000 },
      ],
      now,
    );
    expect(decision).toEqual({ granted: false, retryAfterMs: 2_500 });
    expect(ddb.commandCalls(UpdateItemCommand)).toHaveLength(1);
  });
});
