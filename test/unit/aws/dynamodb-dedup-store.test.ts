import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbDedupStore } from '../../../lambdas/adapters/dynamodb/dynamodb-dedup-store';

const NOW = new Date('2025-03-01T10:00:00.250Z');
const conditionFailed = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

describe('DynamoDbDedupStore command inputs', () => {
  const ddb = mockClient(DynamoDBClient);
  const store = new DynamoDbDedupStore({ client: new DynamoDBClient({}), tableName: 'eci-dev-dedup' });

  beforeEach(() => ddb.reset());

  it('claims with a conditional put that also takes over an expired record; TTL in epoch seconds', async () => {
    ddb.on(PutItemCommand).resolves({});
    const result = await store.claim({
      connectionId: 'c1',
      bodyHash: 'abc',
      jobId: 'job-1',
      now: NOW,
      windowMs: 900_000,
    });
    expect(result.claimed).toBe(true);
    expect(ddb.commandCalls(PutItemCommand)[0]?.args[0].input).toEqual({
      TableName: 'eci-dev-dedup',
      Item: {
        pk: { S: 'dedup#c1#abc' },
        connectionId: { S: 'c1' },
        bodyHash: { S: 'abc' },
        jobId: { S: 'job-1' },
        createdAt: { S: '2025-03-01T10:00:00.250Z' },
        // 10:15:00.250 rounded up to whole seconds: the record never ends before the window does.
        expiresAt: { N: String(Date.parse('2025-03-01T10:15:01Z') / 1000) },
      },
      ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :nowSeconds',
      ExpressionAttributeValues: { ':nowSeconds': { N: String(Date.parse('2025-03-01T10:00:00Z') / 1000) } },
    });
  });

  it('on a lost condition reads the existing record back with a consistent read', async () => {
    ddb.on(PutItemCommand).rejects(conditionFailed());
    ddb.on(GetItemCommand).resolves({
      Item: {
        pk: { S: 'dedup#c1#abc' },
        jobId: { S: 'job-0' },
        createdAt: { S: '2025-03-01T09:59:00.000Z' },
        expiresAt: { N: String(Date.parse('2025-03-01T10:14:00Z') / 1000) },
      },
    });
    const result = await store.claim({
      connectionId: 'c1',
      bodyHash: 'abc',
      jobId: 'job-1',
      now: NOW,
      windowMs: 900_000,
    });
    expect(result).toEqual({
      claimed: false,
      existing: {
        connectionId: 'c1',
        bodyHash: 'abc',
        jobId: 'job-0',
        createdAt: new Date('2025-03-01T09:59:00.000Z'),
        expiresAt: new Date('2025-03-01T10:14:00Z'),
      },
    });
    expect(ddb.commandCalls(GetItemCommand)[0]?.args[0].input).toEqual({
      TableName: 'eci-dev-dedup',
      Key: { pk: { S: 'dedup#c1#abc' } },
      ConsistentRead: true,
    });
  });

  it('retries the claim when the conflicting record vanished before it could be read', async () => {
    ddb.on(PutItemCommand).rejectsOnce(conditionFailed()).resolves({});
    ddb.on(GetItemCommand).resolves({});
    const result = await store.claim({
      connectionId: 'c1',
      bodyHash: 'abc',
      jobId: 'job-1',
      now: NOW,
      windowMs: 900_000,
    });
    expect(result.claimed).toBe(true);
    expect(ddb.commandCalls(PutItemCommand)).toHaveLength(2);
  });

  it('passes other errors through', async () => {
    ddb.on(PutItemCommand).rejects(new Error('throttled'));
    await expect(
      store.claim({ connectionId: 'c1', bodyHash: 'abc', jobId: 'job-1', now: NOW, windowMs: 900_000 }),
    ).rejects.toThrow('throttled');
  });

  it('releases with a jobId condition and ignores a failed condition', async () => {
    ddb.on(DeleteItemCommand).rejects(conditionFailed());
    await store.release('c1', 'abc', 'job-1');
    expect(ddb.commandCalls(DeleteItemCommand)[0]?.args[0].input).toEqual({
      TableName: 'eci-dev-dedup',
      Key: { pk: { S: 'dedup#c1#abc' } },
      ConditionExpression: 'jobId = :jobId',
      ExpressionAttributeValues: { ':jobId': { S: 'job-1' } },
    });
  });
});
