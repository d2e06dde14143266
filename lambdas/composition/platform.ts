import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createIdGenerator } from '../adapters/ids/id-generator';
import {
  createDataApiDatabase,
  type DataApiTarget,
  type DatabaseHandle,
} from '../adapters/postgres/database';
import { SecretsManagerSecretStore } from '../adapters/secrets/secrets-manager-secret-store';
import { StepFunctionsConfirmationWorkflow } from '../adapters/stepfunctions/step-functions-workflow';
import type { FunctionName } from '../config/contracts';
import { type Clock, systemClock } from '../ports/clock';
import type { ConfirmationWorkflow } from '../ports/confirmation-workflow';
import type { IdGenerator } from '../ports/id-generator';
import type { SecretStore } from '../ports/secret-store';
import { type AppLogger, createLogger } from './logger';
import { createMetricsSink, type MetricsSink } from './observability';

/** AWS SDK clients, each created on first use: a composition that never asks for SQS builds no SQS client. */
export interface SdkClients {
  dynamodb(): DynamoDBClient;
  sqs(): SQSClient;
}

/**
 * The engines a function's composition is built on, for what a configuration value names. On Lambda
 * (and in the twin) these are the AWS services the environment names; `npm start` supplies in-process
 * engines instead (`local/runtime/local-platform.ts`), so both run the same per-function composition.
 */
export interface Platform {
  /** The database behind a Data API target (DB_CLUSTER_ARN, DB_SECRET_ARN, DB_NAME). */
  database(target: DataApiTarget): DatabaseHandle;
  /** The connection credential store under CONNECTION_SECRET_PREFIX. */
  secretStore(prefix: string): SecretStore;
  /** The confirmation workflow CONFIRMATION_STATE_MACHINE_ARN names. */
  workflow(stateMachineArn: string): ConfirmationWorkflow;
  logger(functionName: FunctionName): AppLogger;
  metrics(functionName: FunctionName): MetricsSink;
  clients: SdkClients;
  clock: Clock;
  sleep(ms: number): Promise<void>;
  ids: IdGenerator;
}

function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= make();
    return value;
  };
}

/**
 * AWS: the Data API, Secrets Manager, Step Functions, Powertools logger and EMF metrics. SDK clients
 * take region, credentials and any `AWS_ENDPOINT_URL_*` override from the process environment, which
 * is what lets the twin point the same bundle at local endpoints.
 */
export function awsPlatform(env: Readonly<Record<string, string | undefined>>): Platform {
  const dynamodb = once(() => new DynamoDBClient({}));
  const sqs = once(() => new SQSClient({}));
  const sfn = once(() => new SFNClient({}));
  const secretsManager = once(() => new SecretsManagerClient({}));
  return {
    database: (target) => createDataApiDatabase(target),
    secretStore: (prefix) => new SecretsManagerSecretStore({ client: secretsManager(), prefix }),
    workflow: (stateMachineArn) => new StepFunctionsConfirmationWorkflow({ client: sfn(), stateMachineArn }),
    logger: () => createLogger(env.POWERTOOLS_SERVICE_NAME ?? 'eci'),
    metrics: () => createMetricsSink(env),
    clients: { dynamodb, sqs },
    clock: systemClock,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    ids: createIdGenerator(),
  };
}
