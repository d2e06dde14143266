import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { createIdGenerator } from '../../lambdas/adapters/ids/id-generator';
import type { DatabaseHandle } from '../../lambdas/adapters/postgres/database';
import type { AppLogger } from '../../lambdas/composition/logger';
import { noMetrics } from '../../lambdas/composition/observability';
import type { Platform } from '../../lambdas/composition/platform';
import { CONTRACTS, type FunctionName } from '../../lambdas/config/contracts';
import { type Clock, systemClock } from '../../lambdas/ports/clock';
import type { ConfirmationWorkflow } from '../../lambdas/ports/confirmation-workflow';
import type { SecretStore } from '../../lambdas/ports/secret-store';

export interface LocalPlatformOptions {
  /** The one database every function shares (PGlite can be opened by one process at a time). */
  database: DatabaseHandle;
  /** The file (or in-memory) secret store standing in for Secrets Manager. */
  secrets: SecretStore;
  /** The in-process runner of the synthesized state machine standing in for Step Functions. */
  workflow: ConfirmationWorkflow;
  logger: AppLogger;
  /** SDK clients pointed at dynalite and local-aws-sqs. */
  dynamodb: DynamoDBClient;
  sqs: SQSClient;
  clock?: Clock;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * `npm start`'s engines for what a function's environment names: the Data API target and the secret
 * prefix map to the shared in-process database and secret store, the state machine ARN to the local
 * runner; DynamoDB and SQS are the real SDK on dynalite and local-aws-sqs. Everything else is the same
 * per-function composition Lambda runs (`lambdas/composition/functions.ts`).
 */
export function localPlatform(options: LocalPlatformOptions): Platform {
  return {
    database: () => options.database,
    secretStore: () => options.secrets,
    workflow: () => options.workflow,
    logger: () => options.logger,
    metrics: () => noMetrics,
    clients: { dynamodb: () => options.dynamodb, sqs: () => options.sqs },
    clock: options.clock ?? systemClock,
    sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    ids: createIdGenerator(),
  };
}

/**
 * One function's environment: exactly its contract's variables, taken from `values` (the local
 * stack's value for each variable name), so `npm start` runs each function with the same keys the
 * stack gives it on AWS.
 * @throws Error naming the function and variable when `values` has no value for a declared variable
 */
export function localEnvironment(
  name: FunctionName,
  values: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const variable of CONTRACTS[name].variables) {
    const value = variable === 'ECI_FUNCTION' ? name : values[variable];
    if (value === undefined) throw new Error(`${name}: the local stack has no value for ${variable}`);
    env[variable] = value;
  }
  return env;
}
