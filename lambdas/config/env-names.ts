/**
 * Every environment variable an ECI function may read, named once. The CDK side (`lib/`) sets them
 * through the house construct's `bind*` calls and the functions (`lambdas/`) read them through their
 * configuration contract (`contracts.ts`), so a name cannot drift between the two.
 */
export const ENV = {
  /** The contract's function name (`PollBatch`…); set by the construct so a process knows what it is. */
  ECI_FUNCTION: 'ECI_FUNCTION',
  /** Stage name (`dev`, `prod`); informational (logs, dashboards). */
  ECI_STAGE: 'ECI_STAGE',
  /** Read by Powertools (logger, metrics, tracer) itself. */
  POWERTOOLS_SERVICE_NAME: 'POWERTOOLS_SERVICE_NAME',
  POWERTOOLS_METRICS_NAMESPACE: 'POWERTOOLS_METRICS_NAMESPACE',
  POWERTOOLS_LOG_LEVEL: 'POWERTOOLS_LOG_LEVEL',
  /** Read by Node itself (`--enable-source-maps`). */
  NODE_OPTIONS: 'NODE_OPTIONS',
  /** Aurora through the Data API: cluster ARN, credentials secret ARN, database name. */
  DB_CLUSTER_ARN: 'DB_CLUSTER_ARN',
  DB_SECRET_ARN: 'DB_SECRET_ARN',
  DB_NAME: 'DB_NAME',
  /** Secrets Manager name prefix of connection credentials (`eci/<stage>/connections/`). */
  CONNECTION_SECRET_PREFIX: 'CONNECTION_SECRET_PREFIX',
  /** The short-lived table: 15-minute push dedup records and rate-limiter windows. */
  DEDUP_TABLE_NAME: 'DEDUP_TABLE_NAME',
  /** Powertools idempotency records of the push consumer. */
  IDEMPOTENCY_TABLE_NAME: 'IDEMPOTENCY_TABLE_NAME',
  /** The SQS FIFO push queue a producer sends chunks to. */
  PUSH_QUEUE_URL: 'PUSH_QUEUE_URL',
  /** The confirmation state machine a consumer starts one execution per accepted batch of. */
  CONFIRMATION_STATE_MACHINE_ARN: 'CONFIRMATION_STATE_MACHINE_ARN',
  /** Write gating (the seed's): send to Trendyol without `forceWrite=1`. */
  TRENDYOL_WRITE_ENABLED: 'TRENDYOL_WRITE_ENABLED',
  /** Write gating: honour `forceWrite=1` on a push. */
  TRENDYOL_FORCE_WRITE_ALLOWED: 'TRENDYOL_FORCE_WRITE_ALLOWED',
  /** Whether a connection may point at a host other than Trendyol's (simulators, dev). */
  ALLOW_CUSTOM_BASE_URL: 'ALLOW_CUSTOM_BASE_URL',
} as const;

export type EnvName = (typeof ENV)[keyof typeof ENV];
