import {
  type AttributeValue,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { SHORT_LIVED_KEY_PREFIXES } from '../../config/shared';
import type { DedupClaim, DedupRecord, DedupStore } from '../../ports/dedup-store';

export interface DynamoDbDedupStoreOptions {
  client: DynamoDBClient;
  tableName: string;
}

type Item = Record<string, AttributeValue>;

// A claim that loses the race to a record which then disappears (released, or replaced because it had
// expired) is retried; more than a few rounds means something is wrong, not busy.
const MAX_CLAIM_ATTEMPTS = 3;

export function dedupKey(connectionId: string, bodyHash: string): string {
  return `${SHORT_LIVED_KEY_PREFIXES.dedup}${connectionId}#${bodyHash}`;
}

/** Epoch seconds, the unit DynamoDB TTL reads. */
function toEpochSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

/**
 * The push dedup on the short-lived DynamoDB table. `expiresAt` (epoch seconds) is the table's TTL
 * attribute, but TTL deletion runs up to days late (and never on dynalite), so every read and
 * every conditional write compares it with `now` itself: a record is live while
 * `expiresAt > floor(now / 1000)`.
 */
export class DynamoDbDedupStore implements DedupStore {
  private readonly client: DynamoDBClient;
  private readonly tableName: string;

  constructor(options: DynamoDbDedupStoreOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
  }

  async claim(input: {
    connectionId: string;
    bodyHash: string;
    jobId: string;
    now: Date;
    windowMs: number;
  }): Promise<DedupClaim> {
    const { connectionId, bodyHash, jobId, now, windowMs } = input;
    // Rounded up so the record never expires before the full window has passed.
    const expiresAtSeconds = Math.ceil((now.getTime() + windowMs) / 1000);
    const record: DedupRecord = {
      connectionId,
      bodyHash,
      jobId,
      createdAt: now,
      expiresAt: new Date(expiresAtSeconds * 1000),
    };
    for (let attempt = 1; attempt <= MAX_CLAIM_ATTEMPTS; attempt += 1) {
      try {
        await this.client.send(
          new PutItemCommand({
            TableName: this.tableName,
            Item: {
              pk: { S: dedupKey(connectionId, bodyHash) },
              connectionId: { S: connectionId },
              bodyHash: { S: bodyHash },
              jobId: { S: jobId },
              createdAt: { S: now.toISOString() },
              expiresAt: { N: String(expiresAtSeconds) },
            },
            // `<=` matches the liveness rule in `find`: at second `expiresAt` the record is over.
            ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :nowSeconds',
            ExpressionAttributeValues: { ':nowSeconds': { N: String(toEpochSeconds(now)) } },
          }),
        );
        return { claimed: true, record };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
      // dynalite ignores ReturnValuesOnConditionCheckFailure, so the winner is read back instead.
      const existing = await this.find(connectionId, bodyHash, now);
      if (existing) return { claimed: false, existing };
    }
    throw new Error(
      `dedup claim for connection ${connectionId} body ${bodyHash} kept conflicting with a record that vanished`,
    );
  }

  async find(connectionId: string, bodyHash: string, now: Date): Promise<DedupRecord | undefined> {
    const out = await this.client.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: { pk: { S: dedupKey(connectionId, bodyHash) } },
        ConsistentRead: true,
      }),
    );
    if (!out.Item) return undefined;
    const record = parseRecord(out.Item, connectionId, bodyHash);
    return toEpochSeconds(now) < record.expiresAt.getTime() / 1000 ? record : undefined;
  }

  async release(connectionId: string, bodyHash: string, jobId: string): Promise<void> {
    try {
      await this.client.send(
        new DeleteItemCommand({
          TableName: this.tableName,
          Key: { pk: { S: dedupKey(connectionId, bodyHash) } },
          ConditionExpression: 'jobId = :jobId',
          ExpressionAttributeValues: { ':jobId': { S: jobId } },
        }),
      );
    } catch (error) {
      // Someone else's record (or none at all): nothing of ours to remove.
      if (error instanceof ConditionalCheckFailedException) return;
      throw error;
    }
  }
}

function parseRecord(item: Item, connectionId: string, bodyHash: string): DedupRecord {
  const jobId = item.jobId?.S;
  const createdAt = item.createdAt?.S;
  const expiresAt = Number(item.expiresAt?.N);
  if (!jobId || !createdAt || !Number.isFinite(expiresAt)) {
    throw new Error(`malformed dedup record ${dedupKey(connectionId, bodyHash)}`);
  }
  return {
    connectionId,
    bodyHash,
    jobId,
    createdAt: new Date(createdAt),
    expiresAt: new Date(expiresAt * 1000),
  };
}
