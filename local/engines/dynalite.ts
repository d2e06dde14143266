import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { TABLE_ROLES } from '../../lambdas/config/shared';
import { closeServer, serverEndpoint } from './close-server';

/** The TTL attribute of the short-lived table (epoch seconds), shared by dedup and rate-limit records. */
export const SHORT_LIVED_TTL_ATTRIBUTE = TABLE_ROLES.shortLived.ttlAttribute;

export interface LocalDynamo {
  endpoint: string;
  close(): Promise<void>;
}

/**
 * Starts an in-memory dynalite on a free port. Table state changes are immediate (real DynamoDB
 * takes seconds), so tests and `npm start` never wait on CREATING.
 */
export async function startDynalite(options: { port?: number; path?: string } = {}): Promise<LocalDynamo> {
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.path ? { path: options.path } : {}),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return { endpoint: serverEndpoint(server), close: () => closeServer(server) };
}

/**
 * Creates the short-lived-records table (partition key `pk`, on-demand) unless it exists, waits until
 * it is ACTIVE, then turns on TTL. dynalite has no UpdateTimeToLive: its items simply never expire by
 * themselves, which the adapters tolerate because they compare `expiresAt` on every read and write.
 */
export async function ensureShortLivedTable(
  client: DynamoDBClient,
  tableName: string,
  options: { timeoutMs?: number; partitionKey?: string; ttlAttribute?: string } = {},
): Promise<void> {
  const key = options.partitionKey ?? TABLE_ROLES.shortLived.partitionKey;
  let status = await tableStatus(client, tableName);
  if (status === undefined) {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [{ AttributeName: key, AttributeType: 'S' }],
        KeySchema: [{ AttributeName: key, KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    status = await tableStatus(client, tableName);
  }
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let delayMs = 20;
  while (status !== 'ACTIVE') {
    if (Date.now() > deadline) {
      throw new Error(`table ${tableName} is not ACTIVE (status ${status ?? 'missing'})`);
    }
    await sleep(delayMs);
    delayMs = Math.min(delayMs * 2, 1000);
    status = await tableStatus(client, tableName);
  }
  await enableTtl(client, tableName, options.ttlAttribute ?? SHORT_LIVED_TTL_ATTRIBUTE);
}

async function tableStatus(client: DynamoDBClient, tableName: string): Promise<string | undefined> {
  try {
    const out = await client.send(new DescribeTableCommand({ TableName: tableName }));
    return out.Table?.TableStatus ?? 'UNKNOWN';
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}

async function enableTtl(client: DynamoDBClient, tableName: string, attribute: string): Promise<void> {
  try {
    const current = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
    const ttlStatus = current.TimeToLiveDescription?.TimeToLiveStatus;
    if (ttlStatus === 'ENABLED' || ttlStatus === 'ENABLING') return;
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: attribute, Enabled: true },
      }),
    );
  } catch {
    // TTL is an optimisation (storage only): correctness never depends on items actually vanishing,
    // and emulators without UpdateTimeToLive must still get a usable table.
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
