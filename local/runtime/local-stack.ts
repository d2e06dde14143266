import '../polyfills';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { DatabaseHandle } from '../../lambdas/adapters/postgres/database';
import {
  type ApiFunctionDeps,
  type CatalogSyncFunctionDeps,
  COMPOSERS,
  type FunctionDeps,
  type PollBatchFunctionDeps,
  type PushConsumerFunctionDeps,
  type ReleaseScheduledFunctionDeps,
} from '../../lambdas/composition/functions';
import type { AppLogger } from '../../lambdas/composition/logger';
import { connectionSecretPrefix, MAX_RECEIVE_COUNT, TABLE_ROLES } from '../../lambdas/config';
import { createApiHandler } from '../../lambdas/handlers/api-app';
import { createPollBatchHandler } from '../../lambdas/handlers/poll-batch-app';
import { createPushConsumer } from '../../lambdas/handlers/push-consumer-app';
import type { Clock } from '../../lambdas/ports/clock';
import type { SecretStore } from '../../lambdas/ports/secret-store';
import { runScheduledSync } from '../../lambdas/use-cases/catalog-sync';
import { createConnection } from '../../lambdas/use-cases/connections';
import type { PollInput } from '../../lambdas/use-cases/poll-batch';
import { releaseScheduledJobs } from '../../lambdas/use-cases/release-scheduled';
import { catalogSyncIntervalMs } from '../../lib/config/stage-config';
import { ensureShortLivedTable, localAwsClientConfig, startDynalite, startLocalSqs } from '../engines';
import { createDatabase, databaseConfigFromEnv } from '../engines/database';
import { LocalSecretStore } from '../engines/local-secret-store';
import { createTrendyolSimulator } from '../simulator/simulator';
import { createFileLogger } from './file-logger';
import { startHttpGateway } from './http-gateway';
import { LocalConfirmationWorkflow, type LocalExecution } from './local-confirmation-workflow';
import { localEnvironment, localPlatform } from './local-platform';
import { type ResumeReport, resumeUnfinishedWork } from './resume-unfinished-work';
import { SqsEventSource } from './sqs-event-source';

export const DEMO_CONNECTION_NAME = 'Demo (Trendyol simulator)';
export const DEMO_SELLER = { sellerId: 100001, apiKey: 'demo-key', apiSecret: 'demo-secret' };

/** The demo connection both local runtimes (`npm start`, `npm run twin`) create, bound to their simulator. */
export function demoConnectionInput(simulatorUrl: string) {
  return {
    type: 'trendyol' as const,
    name: DEMO_CONNECTION_NAME,
    sellerId: DEMO_SELLER.sellerId,
    apiKey: DEMO_SELLER.apiKey,
    apiSecret: DEMO_SELLER.apiSecret,
    baseUrl: simulatorUrl,
    integratorName: 'ECI',
  };
}
export const DEFAULT_API_KEY = 'eci-local-dev-key';
const SHORT_LIVED_TABLE = 'eci-local-short-lived';
const IDEMPOTENCY_TABLE = 'eci-local-idempotency';

/** What tests may swap in under every function's composition. */
export interface LocalOverrides {
  clock?: Clock;
  sleep?: (ms: number) => Promise<void>;
  database?: DatabaseHandle;
  /** The secret store standing in for Secrets Manager (tests record its writes). @default file or memory */
  secrets?: SecretStore;
}

/** Each running function's dependencies, built by its own composition (Migrate runs once at start). */
export type LocalFunctions = { [F in Exclude<keyof FunctionDeps, 'Migrate'>]: FunctionDeps[F] };

/** Every function's dependencies in one object, for tests and tools that reach into the stack. */
export type LocalContainer = ApiFunctionDeps &
  PushConsumerFunctionDeps &
  PollBatchFunctionDeps &
  CatalogSyncFunctionDeps &
  ReleaseScheduledFunctionDeps;

export interface LocalStackOptions {
  /** API port; 0 picks a free one. @default 3000 */
  port?: number;
  /** Simulator port; 0 picks a free one. @default 4010 */
  simulatorPort?: number;
  /** Data directory (PGlite, secrets, logs). undefined + inMemory → nothing on disk. @default .eci */
  dataDir?: string;
  /** Keep everything in memory (tests). @default false */
  inMemory?: boolean;
  apiKey?: string;
  writeEnabled?: boolean;
  forceWriteAllowed?: boolean;
  /** Wait state name → ms, to shorten the state machine's waits (tests); the definition stays the stack's. */
  waitOverridesMs?: Record<string, number>;
  /** Seconds a received chunk stays invisible before a retry. @default 30 */
  visibilityTimeoutSeconds?: number;
  /** How often scheduled (revert / unknown-outcome) jobs are checked. @default 15000 */
  releaseIntervalMs?: number;
  /** Scheduled catalog sync period; the dev stage's EventBridge rate (CATALOG_SYNC_RATE_MINUTES). */
  catalogSyncIntervalMs?: number;
  /** Simulator processing delay for new batches. @default 1500 */
  simulatorProcessingDelayMs?: number;
  /** Run the SQS event-source poller in the background; tests that inspect the queue turn it off. @default true */
  autoConsume?: boolean;
  /** Engines swapped under every function (tests inject a clock or a sleep, for instance). */
  overrides?: LocalOverrides;
  /**
   * Wraps each Lambda handler the stack wires (the bench counts invocations and their durations
   * here, as Lambda would bill them). @default identity
   */
  wrapHandler?: HandlerWrapper;
  /** More origins connections may use besides the simulator's (tests with a second fake Trendyol). */
  extraLocalBaseUrls?: string[];
}

/** See {@link LocalStackOptions.wrapHandler}; `name` is the Lambda function the handler stands for. */
export type HandlerWrapper = <A extends unknown[], R>(
  name: 'api' | 'push-consumer' | 'poll-batch',
  handler: (...args: A) => Promise<R>,
) => (...args: A) => Promise<R>;

export interface LocalStack {
  apiUrl: string;
  apiKey: string;
  demoConnectionId: string;
  simulator: Awaited<ReturnType<typeof createTrendyolSimulator>>;
  /** Each function's dependencies, as its own composition built them. */
  functions: LocalFunctions;
  /** All functions' dependencies merged (they share the same engines). */
  container: LocalContainer;
  workflow: LocalConfirmationWorkflow;
  eventSource: SqsEventSource;
  queueUrl: string;
  dlqUrl: string;
  sqsClient: SQSClient;
  dataDir: string | undefined;
  logFile: string | undefined;
  /** Work picked up again from the previous run (queued chunks, batches still to confirm). */
  resumed: ResumeReport;
  /** Handles queued chunks and scheduled jobs until the queue is empty and no execution runs. */
  settle(timeoutMs?: number): Promise<void>;
  releaseScheduledNow(): Promise<void>;
  stop(): Promise<void>;
}

async function loadConfirmationDefinition(): Promise<object> {
  // The definition comes from the CDK stack itself, so local runs exercise what AWS will run.
  const module = await import('../../lib/confirmation-definition');
  return module.synthesizeConfirmationDefinition('dev');
}

/**
 * Starts the whole topology in this process on local engines, wiring the same handlers Lambda runs:
 * PGlite (or DATABASE_URL), dynalite, local-aws-sqs with its DLQ, the synthesized state machine, the
 * Trendyol simulator and an API Gateway stand-in.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const dataDir = options.inMemory ? undefined : path.resolve(options.dataDir ?? '.eci');
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const apiKey = options.apiKey ?? DEFAULT_API_KEY;
  const logFile = dataDir ? path.join(dataDir, 'eci.log') : undefined;

  // File-backed under the data dir, so the 15-minute dedup records survive a restart.
  const dynamo = await startDynalite(dataDir ? { path: path.join(dataDir, 'dynamodb') } : {});
  const sqs = await startLocalSqs({
    visibilityTimeoutSeconds: options.visibilityTimeoutSeconds ?? 30,
    maxReceiveCount: MAX_RECEIVE_COUNT,
  });
  const simulator = await createTrendyolSimulator({
    port: options.simulatorPort ?? 4010,
    sellers: [{ ...DEMO_SELLER, approvedBarcodes: 'any' }],
    processingDelayMs: options.simulatorProcessingDelayMs ?? 1500,
    // A test that injects a clock moves ECI and "Trendyol" together (per-minute rules, windows).
    ...(options.overrides?.clock && { clock: options.overrides.clock }),
  });

  // The SDK clients of this process (the event-source poller, tools) reach the emulators through these.
  for (const [key, value] of Object.entries({
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_SQS: sqs.endpoint,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
  })) {
    process.env[key] = value;
  }
  const dynamoClient = new DynamoDBClient(localAwsClientConfig(dynamo.endpoint));
  await ensureShortLivedTable(dynamoClient, SHORT_LIVED_TABLE, TABLE_ROLES.shortLived);
  await ensureShortLivedTable(dynamoClient, IDEMPOTENCY_TABLE, TABLE_ROLES.idempotency);
  const sqsClient = new SQSClient(localAwsClientConfig(sqs.endpoint));

  // Every function reads its configuration from its own environment, built from its contract as on
  // Lambda; the local platform maps what those values name to the in-process engines.
  const values: Record<string, string> = {
    ECI_STAGE: 'local',
    POWERTOOLS_SERVICE_NAME: 'eci',
    POWERTOOLS_METRICS_NAMESPACE: 'ECI',
    POWERTOOLS_LOG_LEVEL: 'INFO',
    NODE_OPTIONS: '',
    DB_CLUSTER_ARN: 'arn:aws:rds:us-east-1:000000000000:cluster:eci-local',
    DB_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:eci/local/database',
    DB_NAME: 'eci',
    CONNECTION_SECRET_PREFIX: connectionSecretPrefix('local'),
    DEDUP_TABLE_NAME: SHORT_LIVED_TABLE,
    IDEMPOTENCY_TABLE_NAME: IDEMPOTENCY_TABLE,
    PUSH_QUEUE_URL: sqs.queueUrl,
    CONFIRMATION_STATE_MACHINE_ARN:
      'arn:aws:states:us-east-1:000000000000:stateMachine:eci-local-confirmation',
    ALLOW_CUSTOM_BASE_URL: 'true',
    // The local stage's base-URL rule: http and loopback only towards the simulator (see base-url.ts).
    ECI_LOCAL_BASE_URLS: [new URL(simulator.url).origin, ...(options.extraLocalBaseUrls ?? [])].join(','),
    TRENDYOL_WRITE_ENABLED: String(options.writeEnabled ?? process.env.TRENDYOL_WRITE_ENABLED ?? 'false'),
    TRENDYOL_FORCE_WRITE_ALLOWED: String(
      options.forceWriteAllowed ?? process.env.TRENDYOL_FORCE_WRITE_ALLOWED ?? 'true',
    ),
  };

  // In-memory stacks (tests, bench) have no log file; keep their output to errors only.
  const logger: AppLogger = logFile
    ? createFileLogger(logFile)
    : {
        info: () => undefined,
        warn: () => undefined,
        error: (message: string, extra?: Record<string, unknown>) => console.error(message, extra ?? ''),
      };
  const database =
    options.overrides?.database ??
    (options.inMemory
      ? createDatabase({ kind: 'pglite' })
      : createDatabase(databaseConfigFromEnv({ ...process.env, ECI_DATA_DIR: dataDir })));

  const definition = await loadConfirmationDefinition();
  let functions!: LocalFunctions;
  const wrap: HandlerWrapper = options.wrapHandler ?? ((_name, handler) => handler);
  const pollHandler = wrap(
    'poll-batch',
    createPollBatchHandler(async () => functions.PollBatch),
  );
  const pollTask = async (input: unknown) => pollHandler(input as PollInput);
  const workflow = new LocalConfirmationWorkflow({
    definition: definition as ConstructorParameters<typeof LocalConfirmationWorkflow>[0]['definition'],
    taskHandlers: { PollBatch: pollTask as never },
    ...(options.waitOverridesMs && { waitOverridesMs: options.waitOverridesMs }),
    onExecutionEnded: (execution: LocalExecution) =>
      logger.info('confirmation execution ended', {
        jobId: execution.input.jobId,
        batchRequestId: execution.input.batchRequestId,
        status: execution.status,
        transitions: execution.transitions,
        ...(execution.error && { error: execution.error }),
      }),
  });

  const platform = localPlatform({
    database,
    secrets:
      options.overrides?.secrets ??
      new LocalSecretStore(dataDir ? { filePath: path.join(dataDir, 'secrets.json') } : {}),
    workflow,
    logger,
    dynamodb: dynamoClient,
    sqs: sqsClient,
    ...(options.overrides?.clock && { clock: options.overrides.clock }),
    ...(options.overrides?.sleep && { sleep: options.overrides.sleep }),
  });
  const compose = <F extends keyof FunctionDeps>(name: F): FunctionDeps[F] =>
    COMPOSERS[name](localEnvironment(name, values), platform);

  // The deploy's migration trigger, locally: the Migrate function's composition, run before the API opens.
  await compose('Migrate').database.migrate();
  functions = {
    Api: { ...compose('Api'), apiKey },
    PushConsumer: compose('PushConsumer'),
    PollBatch: compose('PollBatch'),
    CatalogSync: compose('CatalogSync'),
    ReleaseScheduled: compose('ReleaseScheduled'),
  };
  const container: LocalContainer = {
    ...functions.CatalogSync,
    ...functions.ReleaseScheduled,
    ...functions.PollBatch,
    ...functions.Api,
    ...functions.PushConsumer,
  };
  const api = functions.Api;

  // First start: a connection bound to the built-in simulator, so the stack is usable at once. Later
  // starts keep it pointed at the simulator even when that one listens on another port now.
  const existing = (await api.connections.list()).find((c) => c.name === DEMO_CONNECTION_NAME);
  if (existing && existing.baseUrl !== simulator.url) {
    await api.connections.update(existing.id, { baseUrl: simulator.url }, api.clock.now());
  }
  const demoConnectionId =
    existing?.id ?? (await createConnection(api, demoConnectionInput(simulator.url))).id;
  const resumed = await resumeUnfinishedWork({ jobs: api.jobs, queue: api.queue, workflow });

  const gateway = await startHttpGateway({
    port: options.port ?? 3000,
    handler: wrap(
      'api',
      createApiHandler(async () => functions.Api, logger),
    ),
  });
  const eventSource = new SqsEventSource({
    client: sqsClient,
    queueUrl: sqs.queueUrl,
    queueArn: 'arn:aws:sqs:us-east-1:123456789012:eci-push.fifo',
    handler: wrap(
      'push-consumer',
      createPushConsumer(async () => functions.PushConsumer, logger, {
        maxReceiveCount: MAX_RECEIVE_COUNT,
        idempotency: functions.PushConsumer.idempotency,
      }),
    ),
    onError: (error) => logger.error('event source error', { error: String(error) }),
  });
  if (options.autoConsume ?? true) eventSource.start();
  const release = async () => {
    await releaseScheduledJobs(functions.ReleaseScheduled).catch((error) =>
      logger.error('release of scheduled jobs failed', { error: String(error) }),
    );
  };
  const releaseTimer = setInterval(release, options.releaseIntervalMs ?? 15_000);
  // The EventBridge schedule's stand-in: same use case, same rate as the dev stage's rule.
  const catalogSync = async () => {
    try {
      const { sync, drift } = await runScheduledSync(functions.CatalogSync);
      for (const report of sync) logger.info('catalog sync', { ...report });
      for (const report of drift)
        if (report.checkedCount > 0) logger.info('drift reconciliation', { ...report });
    } catch (error) {
      logger.error('catalog sync failed', { error: String(error) });
    }
  };
  const catalogSyncTimer = setInterval(
    catalogSync,
    options.catalogSyncIntervalMs ?? catalogSyncIntervalMs('dev'),
  );

  const messagesLeft = async () => {
    const out = await sqsClient.send(
      new GetQueueAttributesCommand({
        QueueUrl: sqs.queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return (
      Number(out.Attributes?.ApproximateNumberOfMessages ?? 0) +
      Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
    );
  };
  // Done when nothing is queued, nothing waits out a visibility timeout, and no execution runs.
  const settle = async (timeoutMs = 60_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const seen = await eventSource.pollOnce();
      await workflow.drain();
      if (seen === 0 && eventSource.idle && (await messagesLeft()) === 0) return;
      if (Date.now() > deadline) throw new Error('local stack did not settle in time');
    }
  };

  let stopped = false;
  return {
    apiUrl: gateway.url,
    apiKey,
    demoConnectionId,
    simulator,
    functions,
    container,
    workflow,
    eventSource,
    queueUrl: sqs.queueUrl,
    dlqUrl: sqs.dlqUrl,
    sqsClient,
    dataDir,
    logFile,
    resumed,
    settle,
    releaseScheduledNow: release,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      clearInterval(releaseTimer);
      clearInterval(catalogSyncTimer);
      await gateway.close();
      await eventSource.stop();
      await workflow.abortAll();
      await database.close();
      await simulator.close();
      await sqs.close();
      await dynamo.close();
      sqsClient.destroy();
      dynamoClient.destroy();
    },
  };
}
