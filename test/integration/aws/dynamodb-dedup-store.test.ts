import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbDedupStore } from '../../../lambdas/adapters/dynamodb/dynamodb-dedup-store';
import {
  ensureShortLivedTable,
  type LocalDynamo,
  localAwsClientConfig,
  startDynalite,
} from '../../../local/engines';

const TABLE = 'eci-short-lived-dedup';
const WINDOW_MS = 900_000;
const T0 = new Date('2025-03-01T10:00:00.000Z');
const at = (ms: number): Date => new Date(T0.getTime() + ms);

describe('DynamoDbDedupStore on dynalite', () => {
  let engine: LocalDynamo;
  let client: DynamoDBClient;
  let store: DynamoDbDedupStore;

  beforeAll(async () => {
    engine = await startDynalite();
    client = new DynamoDBClient(localAwsClientConfig(engine.endpoint));
    await ensureShortLivedTable(client, TABLE);
    // A second call finds the table and changes nothing.
    await ensureShortLivedTable(client, TABLE);
    store = new DynamoDbDedupStore({ client, tableName: TABLE });
  });

  afterAll(async () => {
    client.destroy();
    await engine.close();
  });

  it('claims a new body and returns the record', async () => {
    const result = await store.claim({
      connectionId: 'c1',
      bodyHash: 'h-new',
      jobId: 'job-1',
      now: T0,
      windowMs: WINDOW_MS,
    });
    expect(result).toEqual({
      claimed: true,
      record: {
        connectionId: 'c1',
        bodyHash: 'h-new',
        jobId: 'job-1',
        createdAt: T0,
        expiresAt: at(WINDOW_MS),
      },
    });
    expect(await store.find('c1', 'h-new', at(1000))).toMatchObject({ jobId: 'job-1', createdAt: T0 });
  });

  it('a duplicate inside the window gets the existing record and changes nothing', async () => {
    await store.claim({
      connectionId: 'c1',
      bodyHash: 'h-dup',
      jobId: 'job-1',
      now: T0,
      windowMs: WINDOW_MS,
    });
    const second = await store.claim({
      connectionId: 'c1',
      bodyHash: 'h-dup',
      jobId: 'job-2',
      now: at(60_000),
      windowMs: WINDOW_MS,
    });
    expect(second).toEqual({
      claimed: false,
      existing: {
        connectionId: 'c1',
        bodyHash: 'h-dup',
        jobId: 'job-1',
        createdAt: T0,
        expiresAt: at(WINDOW_MS),
      },
    });
    expect((await store.find('c1', 'h-dup', at(60_000)))?.jobId).toBe('job-1');
  });

  it('the same body on another connection is independent', async () => {
    await store.claim({
      connectionId: 'c1',
      bodyHash: 'h-conn',
      jobId: 'job-1',
      now: T0,
      windowMs: WINDOW_MS,
    });
    const other = await store.claim({
      connectionId: 'c2',
      bodyHash: 'h-conn',
      jobId: 'job-9',
      now: T0,
      windowMs: WINDOW_MS,
    });
    expect(other.claimed).toBe(true);
  });

  it('reclaims a record that expired but was not yet removed by TTL', async () => {
    await store.claim({
      connectionId: 'c1',
      bodyHash: 'h-exp',
      jobId: 'job-old',
      now: T0,
      windowMs: WINDOW_MS,
    });
    // One millisecond before the end the old record still wins.
    const early = await store.claim({
      connectionId: 'c1',
      bodyHash: 'h-exp',
      jobId: 'job-early',
      now: at(WINDOW_MS - 1),
      windowMs: WINDOW_MS,
    });
    expect(early).toMatchObject({ claimed: false, existing: { jobId: 'job-old' } });
    const late = await store.claim({
      connectionId: 'c1',
      bodyHash: 'h-exp',
      jobId: 'job-new',
      now: at(WINDOW_MS),
      windowMs: WINDOW_MS,
    });
    expect(late).toMatchObject({ claimed: true, record: { jobId: 'job-new', createdAt: at(WINDOW_MS) } });
    expect((await store.find('c1', 'h-exp', at(WINDOW_MS + 1000)))?.jobId).toBe('job-new');
  });

  it('find ignores an expired record still present in the table', async () => {
    await client.send(
      new PutItemCommand({
        TableName: TABLE,
        Item: {
          pk: { S: 'dedup#c1#h-stale' },
          connectionId: { S: 'c1' },
          bodyHash: { S: 'h-stale' },
          jobId: { S: 'job-stale' },
          createdAt: { S: T0.toISOString() },
          expiresAt: { N: String(T0.getTime() / 1000 + 900) },
        },
      }),
    );
    expect(await store.find('c1', 'h-stale', at(899_999))).toMatchObject({ jobId: 'job-stale' });
    expect(await store.find('c1', 'h-stale', at(900_000))).toBeUndefined();
    expect(await store.find('c1', 'h-never', T0)).toBeUndefined();
  });

  it('release removes only a record that still belongs to the job', async () => {
    await store.claim({
      connectionId: 'c1',
      bodyHash: 'h-rel',
      jobId: 'job-1',
      now: T0,
      windowMs: WINDOW_MS,
    });
    await store.release('c1', 'h-rel', 'job-other');
    expect((await store.find('c1', 'h-rel', T0))?.jobId).toBe('job-1');
    await store.release('c1', 'h-rel', 'job-1');
    expect(await store.find('c1', 'h-rel', T0)).toBeUndefined();
    // Releasing again (nothing there) is a no-op, not an error.
    await store.release('c1', 'h-rel', 'job-1');
    const again = await store.claim({
      connectionId: 'c1',
      bodyHash: 'h-rel',
      jobId: 'job-2',
      now: T0,
      windowMs: WINDOW_MS,
    });
    expect(again.claimed).toBe(true);
  });

  it('concurrent claims of one body: exactly one wins, the others see the winner', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.claim({
          connectionId: 'c1',
          bodyHash: 'h-race',
          jobId: `job-${i}`,
          now: T0,
          windowMs: WINDOW_MS,
        }),
      ),
    );
    const winners = results.filter((r) => r.claimed);
    expect(winners).toHaveLength(1);
    const winnerJob = winners[0]?.claimed ? winners[0].record.jobId : undefined;
    for (const r of results) {
      if (!r.claimed) expect(r.existing.jobId).toBe(winnerJob);
    }
  });
});
