import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  CONFLICT_BACKOFF_CAP_MS,
  CONTENDED_RETRY_AFTER_MS,
  DynamoDbRateLimiter,
} from '../../../lambdas/adapters/rate-limit/dynamodb-rate-limiter';

const conditionFailed = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
const BURST = [{ limit: 50, windowMs: 10_000 }];
const NOW = new Date('2025-03-01T10:00:07.500Z');

describe('DynamoDbRateLimiter command inputs', () => {
  const ddb = mockClient(DynamoDBClient);
  const limiter = new DynamoDbRateLimiter({
    client: new DynamoDBClient({}),
    tableName: 'eci-dev-dedup',
    maxConflicts: 2,
  });

  beforeEach(() => ddb.reset());

  it('reads the log strongly consistently and creates it only if nobody else did', async () => {
    ddb.on(GetItemCommand).resolves({});
    ddb.on(PutItemCommand).resolves({});
    expect(await limiter.acquire('trendyol#42#update', BURST, NOW)).toEqual({
      granted: true,
      grantedAtMs: NOW.getTime(),
    });
    expect(ddb.commandCalls(GetItemCommand)[0]?.args[0].input).toEqual({
      TableName: 'eci-dev-dedup',
      Key: { pk: { S: 'rate#trendyol#42#update' } },
      ConsistentRead: true,
    });
    expect(ddb.commandCalls(PutItemCommand)[0]?.args[0].input).toEqual({
      TableName: 'eci-dev-dedup',
      Item: {
        pk: { S: 'rate#trendyol#42#update' },
        grants: { L: [{ N: String(NOW.getTime()) }] },
        v: { N: '1' },
        expiresAt: { N: String(Math.ceil((NOW.getTime() + 10_000) / 1000) + 300) },
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
  });

  it('writes the next version on condition that the version read is still current', async () => {
    ddb
      .on(GetItemCommand)
      .resolves({ Item: { grants: { L: [{ N: String(NOW.getTime() - 1) }] }, v: { N: '7' } } });
    ddb.on(PutItemCommand).resolves({});
    await limiter.acquire('k', BURST, NOW);
    const input = ddb.commandCalls(PutItemCommand)[0]?.args[0].input;
    expect(input?.Item?.v).toEqual({ N: '8' });
    expect(input?.Item?.grants).toEqual({
      L: [{ N: String(NOW.getTime() - 1) }, { N: String(NOW.getTime()) }],
    });
    expect(input?.ConditionExpression).toBe('v = :v');
    expect(input?.ExpressionAttributeValues).toEqual({ ':v': { N: '7' } });
  });

  it('hands back one unused grant on condition of the version read, keeping the log’s expiry', async () => {
    const t = NOW.getTime();
    ddb.on(GetItemCommand).resolves({
      Item: {
        grants: { L: [{ N: String(t - 2) }, { N: String(t - 1) }, { N: String(t - 1) }] },
        v: { N: '4' },
        expiresAt: { N: '1740823500' },
      },
    });
    ddb.on(PutItemCommand).resolves({});
    await limiter.release('k', t - 1);
    const input = ddb.commandCalls(PutItemCommand)[0]?.args[0].input;
    expect(input?.Item?.grants).toEqual({ L: [{ N: String(t - 2) }, { N: String(t - 1) }] });
    expect(input?.Item?.v).toEqual({ N: '5' });
    expect(input?.Item?.expiresAt).toEqual({ N: '1740823500' });
    expect(input?.ExpressionAttributeValues).toEqual({ ':v': { N: '4' } });
  });

  it('a hand-back whose write landed but whose answer was lost removes no second grant', async () => {
    const t = NOW.getTime();
    const first = {
      grants: { L: [{ N: String(t - 5) }, { N: String(t) }, { N: String(t) }] },
      v: { N: '4' },
    };
    // The put lands, yet the caller sees a version conflict (the SDK retried it after a lost answer):
    // the next read returns exactly what it wrote.
    ddb.on(GetItemCommand).callsFake(() => {
      const landed = ddb.commandCalls(PutItemCommand)[0]?.args[0].input.Item;
      return { Item: landed ?? first };
    });
    ddb.on(PutItemCommand).rejects(conditionFailed());
    await limiter.release('k', t);
    expect(ddb.commandCalls(PutItemCommand)).toHaveLength(1);
  });

  it('a hand-back that lost a race to another caller’s grant tries again', async () => {
    const t = NOW.getTime();
    ddb
      .on(GetItemCommand)
      .resolvesOnce({ Item: { grants: { L: [{ N: String(t - 5) }, { N: String(t) }] }, v: { N: '4' } } })
      .resolvesOnce({
        Item: {
          grants: { L: [{ N: String(t - 5) }, { N: String(t) }, { N: String(t + 3) }] },
          v: { N: '5' },
        },
      });
    ddb.on(PutItemCommand).rejectsOnce(conditionFailed()).resolves({});
    await limiter.release('k', t);
    const puts = ddb.commandCalls(PutItemCommand);
    expect(puts).toHaveLength(2);
    expect(puts[1]?.args[0].input.Item?.grants).toEqual({ L: [{ N: String(t - 5) }, { N: String(t + 3) }] });
  });

  it('a hand-back of a grant the log no longer holds writes nothing', async () => {
    ddb.on(GetItemCommand).resolves({ Item: { grants: { L: [{ N: '5' }] }, v: { N: '1' } } });
    await limiter.release('k', 6);
    expect(ddb.commandCalls(PutItemCommand)).toHaveLength(0);
  });

  it('writes nothing when the stored log denies', async () => {
    ddb.on(GetItemCommand).resolves({
      Item: {
        grants: { L: Array.from({ length: 50 }, () => ({ N: String(NOW.getTime() - 2_500) })) },
        v: { N: '50' },
      },
    });
    expect(await limiter.acquire('k', BURST, NOW)).toEqual({ granted: false, retryAfterMs: 7_500 });
    expect(ddb.commandCalls(PutItemCommand)).toHaveLength(0);
  });

  it('re-reads after losing a race, and answers "retry soon" after too many lost races', async () => {
    ddb.on(GetItemCommand).resolves({});
    ddb.on(PutItemCommand).rejects(conditionFailed());
    expect(await limiter.acquire('k', BURST, NOW)).toEqual({
      granted: false,
      retryAfterMs: CONTENDED_RETRY_AFTER_MS,
    });
    expect(ddb.commandCalls(GetItemCommand)).toHaveLength(3);
  });

  it('backs off with growing jitter between lost races, then logs the grant at the caller’s moment', async () => {
    const sleeps: number[] = [];
    const patient = new DynamoDbRateLimiter({
      client: new DynamoDBClient({}),
      tableName: 'eci-dev-dedup',
      maxConflicts: 3,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      random: () => 0.5,
    });
    ddb.on(GetItemCommand).resolves({});
    ddb.on(PutItemCommand).rejectsOnce(conditionFailed()).rejectsOnce(conditionFailed()).resolves({});
    expect(await patient.acquire('k', BURST, NOW)).toEqual({ granted: true, grantedAtMs: NOW.getTime() });
    // Half of 5, 10 ms: a pause after each lost race, none before the first attempt.
    expect(sleeps).toEqual([2, 5]);
    expect(ddb.commandCalls(PutItemCommand)[2]?.args[0].input.Item?.grants).toEqual({
      L: [{ N: String(NOW.getTime()) }],
    });
  });

  it('given a clock, logs the grant at the moment of the decision that won, not when the acquire began', async () => {
    let nowMs = NOW.getTime();
    const racing = new DynamoDbRateLimiter({
      client: new DynamoDBClient({}),
      tableName: 'eci-dev-dedup',
      // Each lost race's pause moves the caller's (simulated) clock on by 40 ms.
      sleep: async () => {
        nowMs += 40;
      },
      random: () => 0.5,
    });
    ddb.on(GetItemCommand).resolves({});
    ddb.on(PutItemCommand).rejectsOnce(conditionFailed()).rejectsOnce(conditionFailed()).resolves({});
    const decision = await racing.acquire('k', BURST, () => new Date(nowMs));
    expect(decision).toEqual({ granted: true, grantedAtMs: NOW.getTime() + 80 });
    expect(ddb.commandCalls(PutItemCommand)[2]?.args[0].input.Item?.grants).toEqual({
      L: [{ N: String(NOW.getTime() + 80) }],
    });
  });

  it('gives up after a bounded number of lost races by default, pausing between them', async () => {
    const sleeps: number[] = [];
    const bounded = new DynamoDbRateLimiter({
      client: new DynamoDBClient({}),
      tableName: 'eci-dev-dedup',
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      random: () => 0.999,
    });
    ddb.on(GetItemCommand).resolves({});
    ddb.on(PutItemCommand).rejects(conditionFailed());
    expect(await bounded.acquire('k', BURST, NOW)).toEqual({
      granted: false,
      retryAfterMs: CONTENDED_RETRY_AFTER_MS,
    });
    expect(ddb.commandCalls(GetItemCommand).length).toBeLessThanOrEqual(32);
    expect(sleeps).toHaveLength(ddb.commandCalls(GetItemCommand).length - 1);
    expect(sleeps.every((ms) => ms <= CONFLICT_BACKOFF_CAP_MS)).toBe(true);
  });

  it('lets other DynamoDB errors through', async () => {
    ddb.on(GetItemCommand).rejects(new Error('throttled'));
    await expect(limiter.acquire('k', BURST, NOW)).rejects.toThrow('throttled');
  });
});
