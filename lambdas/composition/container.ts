import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDbDedupStore } from '../adapters/dynamodb/dynamodb-dedup-store';
import { createDatabase, type DatabaseHandle, databaseConfigFromEnv } from '../adapters/postgres/database';
import { createRepositories } from '../adapters/postgres/index';
import { DynamoDbRateLimiter } from '../adapters/rate-limit/dynamodb-rate-limiter';
import { LocalSecretStore } from '../adapters/secrets/local-secret-store';
import { SecretsManagerSecretStore } from '../adapters/secrets/secrets-manager-secret-store';
import { SqsChunkQueue } from '../adapters/sqs/sqs-chunk-queue';
import { StepFunctionsConfirmationWorkflow } from '../adapters/stepfunctions/step-functions-workflow';
import { TrendyolHttpClient } from '../adapters/trendyol/trendyol-http-client';
import { createIdGenerator } from '../domain/ids';
import { envFlag } from '../domain/write-gate';
import type { CatalogRepository } from '../ports/catalog';
import type { ChunkQueue } from '../ports/chunk-queue';
import { type Clock, systemClock } from '../ports/clock';
import type { ConfirmationWorkflow } from '../ports/confirmation-workflow';
import type { DedupStore } from '../ports/dedup-store';
import type { IdGenerator } from '../ports/id-generator';
import type { MarketplaceClient } from '../ports/marketplace';
import type { RateLimiter } from '../ports/rate-limiter';
import type { ConnectionRepository, InventoryRepository, JobRepository } from '../ports/repositories';
import type { SecretStore } from '../ports/secret-store';
import { type AppLogger, createLogger } from './logger';
import { createMetricsSink, type MetricsSink } from './observability';

/** Everything the handlers need, built once per cold start (or once per local process). */
export interface Container {
  database: DatabaseHandle;
  connections: ConnectionRepository;
  jobs: JobRepository;
  inventory: InventoryRepository;
  catalog: CatalogRepository;
  dedup: DedupStore;
  queue: ChunkQueue;
  secrets: SecretStore;
  rateLimiter: RateLimiter;
  marketplace: MarketplaceClient;
  workflow: ConfirmationWorkflow;
  clock: Clock;
  ids: IdGenerator;
  sleep: (ms: number) => Promise<void>;
  logger: AppLogger;
  metrics: MetricsSink;
  writeEnabledEnv: boolean;
  forceWriteAllowed: boolean;
  allowCustomBaseUrl: boolean;
  apiKey?: string;
  maxReceiveCount: number;
  /** Powertools idempotency store for the consumer (IDEMPOTENCY_TABLE_NAME); absent → job state only. */
  idempotency?: { tableName: string; client: DynamoDBClient };
}

type Env = Readonly<Record<string, string | undefined>>;

function required(env: Env, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

const missingWorkflow: ConfirmationWorkflow = {
  start: async () => {
    throw new Error('CONFIRMATION_STATE_MACHINE_ARN is not set: batches cannot be followed');
  },
};

/**
 * Builds the container from the environment the CDK stack (or the local runtime) sets. `overrides`
 * lets the local runtime plug in what has no AWS stand-in (the local state machine runner).
 */
export function createContainer(env: Env, overrides: Partial<Container> = {}): Container {
  const database = overrides.database ?? createDatabase(databaseConfigFromEnv(env));
  const dynamo = new DynamoDBClient({});
  const shortLivedTable = required(env, 'DEDUP_TABLE_NAME');
  const secrets =
    env.CONNECTION_SECRET_PREFIX !== undefined
      ? new SecretsManagerSecretStore({
          client: new SecretsManagerClient({}),
          prefix: env.CONNECTION_SECRET_PREFIX,
        })
      : new LocalSecretStore({ filePath: env.ECI_SECRETS_FILE });
  const stateMachineArn = env.CONFIRMATION_STATE_MACHINE_ARN;
  const logger = overrides.logger ?? createLogger(env);
  const metrics = overrides.metrics ?? createMetricsSink(env);
  return {
    database,
    ...createRepositories(database.db),
    dedup: new DynamoDbDedupStore({ client: dynamo, tableName: shortLivedTable }),
    queue: new SqsChunkQueue({ client: new SQSClient({}), queueUrl: env.PUSH_QUEUE_URL ?? '' }),
    secrets,
    rateLimiter: new DynamoDbRateLimiter({ client: dynamo, tableName: shortLivedTable }),
    marketplace: new TrendyolHttpClient({
      onCall: ({ endpoint, kind, latencyMs }) => {
        metrics.milliseconds('TrendyolLatency', latencyMs, { endpoint });
        metrics.count('TrendyolCalls', 1, { endpoint, outcome: kind });
      },
    }),
    workflow: stateMachineArn
      ? new StepFunctionsConfirmationWorkflow({ client: new SFNClient({}), stateMachineArn })
      : missingWorkflow,
    clock: systemClock,
    ids: createIdGenerator(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    logger,
    metrics,
    writeEnabledEnv: envFlag(env.TRENDYOL_WRITE_ENABLED),
    forceWriteAllowed: envFlag(env.TRENDYOL_FORCE_WRITE_ALLOWED),
    allowCustomBaseUrl: envFlag(env.ALLOW_CUSTOM_BASE_URL),
    ...(env.ECI_API_KEY && { apiKey: env.ECI_API_KEY }),
    maxReceiveCount: Number(env.PUSH_QUEUE_MAX_RECEIVE_COUNT ?? '5'),
    ...(env.IDEMPOTENCY_TABLE_NAME && {
      idempotency: { tableName: env.IDEMPOTENCY_TABLE_NAME, client: dynamo },
    }),
    ...overrides,
  };
}

let current: Promise<Container> | undefined;

/** The process-wide container: Lambda handlers resolve it lazily so cold start pays once. */
export function getContainer(): Promise<Container> {
  current ??= Promise.resolve().then(() => createContainer(process.env));
  return current;
}

/** Used by the local runtime (and e2e tests) to run the same handlers on local engines. */
export function provideContainer(container: Container | Promise<Container>): void {
  current = Promise.resolve(container);
}
