import { DynamoDbDedupStore } from '../adapters/dynamodb/dynamodb-dedup-store';
import type { DatabaseHandle } from '../adapters/postgres/database';
import { createRepositories, type PostgresRepositories } from '../adapters/postgres/index';
import { DynamoDbRateLimiter } from '../adapters/rate-limit/dynamodb-rate-limiter';
import { SqsChunkQueue } from '../adapters/sqs/sqs-chunk-queue';
import { TrendyolHttpClient } from '../adapters/trendyol/trendyol-http-client';
import { type ConfigOf, type FunctionName, readConfig } from '../config/contracts';
import { MAX_RECEIVE_COUNT } from '../config/shared';
import type { ApiDeps } from '../handlers/api-app';
import type { PollHandlerDeps } from '../handlers/poll-batch-app';
import type { ConsumerOptions } from '../handlers/push-consumer-app';
import type { Clock } from '../ports/clock';
import type { MarketplaceClient } from '../ports/marketplace';
import type { ConsumeDeps } from '../use-cases/consume-chunk';
import type { ReconcileDeps } from '../use-cases/reconcile-drift';
import type { ReleaseDeps } from '../use-cases/release-scheduled';
import type { AppLogger } from './logger';
import type { MetricsSink } from './observability';
import type { Platform } from './platform';

type Env = Readonly<Record<string, string | undefined>>;

/** What every database-backed function gets: the handle (to close), its repositories, logs, metrics, time. */
export type BaseDeps = PostgresRepositories & {
  database: DatabaseHandle;
  logger: AppLogger;
  metrics: MetricsSink;
  clock: Clock;
};

export type ApiFunctionDeps = ApiDeps & BaseDeps;
export type PushConsumerFunctionDeps = ConsumeDeps &
  BaseDeps &
  Required<Pick<ConsumerOptions, 'maxReceiveCount' | 'idempotency'>>;
export type PollBatchFunctionDeps = PollHandlerDeps & BaseDeps;
export type CatalogSyncFunctionDeps = ReconcileDeps & BaseDeps;
export type ReleaseScheduledFunctionDeps = ReleaseDeps & BaseDeps;
export interface MigrateFunctionDeps {
  database: DatabaseHandle;
}

/** Per function, what its composition builds: only what that function's code uses. */
export interface FunctionDeps {
  Api: ApiFunctionDeps;
  PushConsumer: PushConsumerFunctionDeps;
  PollBatch: PollBatchFunctionDeps;
  CatalogSync: CatalogSyncFunctionDeps;
  ReleaseScheduled: ReleaseScheduledFunctionDeps;
  Migrate: MigrateFunctionDeps;
}

type DatabaseConfig = Pick<ConfigOf<'Migrate'>, 'DB_CLUSTER_ARN' | 'DB_SECRET_ARN' | 'DB_NAME'>;

function base(name: FunctionName, config: DatabaseConfig, platform: Platform): BaseDeps {
  const database = platform.database({
    resourceArn: config.DB_CLUSTER_ARN,
    secretArn: config.DB_SECRET_ARN,
    database: config.DB_NAME,
  });
  return {
    database,
    ...createRepositories(database.db),
    logger: platform.logger(name),
    metrics: platform.metrics(name),
    clock: platform.clock,
  };
}

/** The Trendyol client, reporting each call's latency and outcome as metrics. */
function marketplace(metrics: MetricsSink): MarketplaceClient {
  return new TrendyolHttpClient({
    onCall: ({ endpoint, kind, latencyMs }) => {
      metrics.milliseconds('TrendyolLatency', latencyMs, { endpoint });
      metrics.count('TrendyolCalls', 1, { endpoint, outcome: kind });
    },
  });
}

function dedupStore(platform: Platform, tableName: string) {
  return new DynamoDbDedupStore({ client: platform.clients.dynamodb(), tableName });
}

function chunkQueue(platform: Platform, queueUrl: string) {
  return new SqsChunkQueue({ client: platform.clients.sqs(), queueUrl });
}

/** API: connections (secrets managed), pushes (dedup + enqueue), job/state/batch reads. */
export function composeApi(env: Env, platform: Platform): ApiFunctionDeps {
  const config = readConfig('Api', env);
  const deps = base('Api', config, platform);
  return {
    ...deps,
    secrets: platform.secretStore(config.CONNECTION_SECRET_PREFIX),
    dedup: dedupStore(platform, config.DEDUP_TABLE_NAME),
    queue: chunkQueue(platform, config.PUSH_QUEUE_URL),
    marketplace: marketplace(deps.metrics),
    // GET /v1/inventory/batch/:id reads Trendyol within the seller's read budget, as the poller does.
    rateLimiter: new DynamoDbRateLimiter({
      client: platform.clients.dynamodb(),
      tableName: config.DEDUP_TABLE_NAME,
    }),
    ids: platform.ids,
    sleep: platform.sleep,
    writeEnabledEnv: config.TRENDYOL_WRITE_ENABLED,
    forceWriteAllowed: config.TRENDYOL_FORCE_WRITE_ALLOWED,
    allowCustomBaseUrl: config.ALLOW_CUSTOM_BASE_URL,
    ...(config.ECI_LOCAL_BASE_URLS && { localBaseUrls: config.ECI_LOCAL_BASE_URLS }),
  };
}

/** Push consumer: sends chunks (rate-limited on the short-lived table), starts confirmations. No producer. */
export function composePushConsumer(env: Env, platform: Platform): PushConsumerFunctionDeps {
  const config = readConfig('PushConsumer', env);
  const deps = base('PushConsumer', config, platform);
  return {
    ...deps,
    secrets: platform.secretStore(config.CONNECTION_SECRET_PREFIX),
    dedup: dedupStore(platform, config.DEDUP_TABLE_NAME),
    rateLimiter: new DynamoDbRateLimiter({
      client: platform.clients.dynamodb(),
      tableName: config.DEDUP_TABLE_NAME,
    }),
    marketplace: marketplace(deps.metrics),
    workflow: platform.workflow(config.CONFIRMATION_STATE_MACHINE_ARN),
    sleep: platform.sleep,
    writeEnabledEnv: config.TRENDYOL_WRITE_ENABLED,
    forceWriteAllowed: config.TRENDYOL_FORCE_WRITE_ALLOWED,
    maxReceiveCount: MAX_RECEIVE_COUNT,
    idempotency: { tableName: config.IDEMPOTENCY_TABLE_NAME, client: platform.clients.dynamodb() },
  };
}

/**
 * Batch poller: database, credentials, Trendyol, the read budget. No queue producer; the dedup store
 * only for looking up when a correction's body was last sent (its IAM grant is read-only there).
 */
export function composePollBatch(env: Env, platform: Platform): PollBatchFunctionDeps {
  const config = readConfig('PollBatch', env);
  const deps = base('PollBatch', config, platform);
  return {
    ...deps,
    secrets: platform.secretStore(config.CONNECTION_SECRET_PREFIX),
    marketplace: marketplace(deps.metrics),
    // The seller's read budgets (batch results, read-back), shared with every other poller.
    rateLimiter: new DynamoDbRateLimiter({
      client: platform.clients.dynamodb(),
      tableName: config.DEDUP_TABLE_NAME,
    }),
    // A correction of an overtaken value is released as soon as Trendyol's 15-minute window for its
    // body allows (not a full window later), under ids from the platform's generator.
    dedup: dedupStore(platform, config.DEDUP_TABLE_NAME),
    ids: platform.ids,
    sleep: platform.sleep,
  };
}

/**
 * Catalog sync: the push use case (dedup + enqueue) and drift reconciliation, which reads values back
 * from Trendyol (credentials, the read budget on the short-lived table). It never writes to Trendyol.
 */
export function composeCatalogSync(env: Env, platform: Platform): CatalogSyncFunctionDeps {
  const config = readConfig('CatalogSync', env);
  const deps = base('CatalogSync', config, platform);
  return {
    ...deps,
    secrets: platform.secretStore(config.CONNECTION_SECRET_PREFIX),
    marketplace: marketplace(deps.metrics),
    rateLimiter: new DynamoDbRateLimiter({
      client: platform.clients.dynamodb(),
      tableName: config.DEDUP_TABLE_NAME,
    }),
    dedup: dedupStore(platform, config.DEDUP_TABLE_NAME),
    queue: chunkQueue(platform, config.PUSH_QUEUE_URL),
    ids: platform.ids,
    writeEnabledEnv: config.TRENDYOL_WRITE_ENABLED,
    forceWriteAllowed: config.TRENDYOL_FORCE_WRITE_ALLOWED,
  };
}

/**
 * Release of scheduled jobs: dedup records, the queue, and read-back (credentials, Trendyol, the read
 * budget on the short-lived table) for unknown outcomes.
 */
export function composeReleaseScheduled(env: Env, platform: Platform): ReleaseScheduledFunctionDeps {
  const config = readConfig('ReleaseScheduled', env);
  const deps = base('ReleaseScheduled', config, platform);
  return {
    ...deps,
    secrets: platform.secretStore(config.CONNECTION_SECRET_PREFIX),
    marketplace: marketplace(deps.metrics),
    ids: platform.ids,
    dedup: dedupStore(platform, config.DEDUP_TABLE_NAME),
    queue: chunkQueue(platform, config.PUSH_QUEUE_URL),
    // Read-backs of unknown outcomes take slots of the seller's read-back budget like every other read.
    rateLimiter: new DynamoDbRateLimiter({
      client: platform.clients.dynamodb(),
      tableName: config.DEDUP_TABLE_NAME,
    }),
    sleep: platform.sleep,
  };
}

/** Migrations: the database only. */
export function composeMigrate(env: Env, platform: Platform): MigrateFunctionDeps {
  const config = readConfig('Migrate', env);
  return {
    database: platform.database({
      resourceArn: config.DB_CLUSTER_ARN,
      secretArn: config.DB_SECRET_ARN,
      database: config.DB_NAME,
    }),
  };
}

/** Every function's composition by contract name (the twin and the tests iterate it). */
export const COMPOSERS: { [F in FunctionName]: (env: Env, platform: Platform) => FunctionDeps[F] } = {
  Api: composeApi,
  PushConsumer: composePushConsumer,
  PollBatch: composePollBatch,
  CatalogSync: composeCatalogSync,
  ReleaseScheduled: composeReleaseScheduled,
  Migrate: composeMigrate,
};
