/**
 * Constants both the CDK stacks (`lib/`) and the functions (`lambdas/`) depend on, in one home.
 * Plain values only (no CDK, no SDK), so a Lambda bundle can import them for free.
 */

/**
 * Deliveries of a chunk message before SQS moves it to the DLQ (the queue's redrive
 * `maxReceiveCount`); the consumer marks the job `failed` on the last one.
 */
export const MAX_RECEIVE_COUNT = 5;

/** Push consumer timeout in seconds; the queue's visibility timeout is derived from it. */
export const CONSUMER_TIMEOUT_SECONDS = 60;

/**
 * Visibility timeout of the push queue = this × the consumer timeout. AWS recommends at least 6× the
 * function timeout for an SQS event source (Lambda developer guide, "Using Lambda with Amazon SQS").
 */
export const VISIBILITY_TIMEOUT_FACTOR = 6;

/** Messages per consumer invocation (a FIFO event source mapping allows at most 10). */
export const CONSUMER_BATCH_SIZE = 10;

/** The API's timeout in seconds: API Gateway's integration limit is 29 s. */
export const API_TIMEOUT_SECONDS = 29;

/** DynamoDB tables by role: key and TTL attribute, and the variable a function finds the name in. */
export const TABLE_ROLES = {
  /** 15-minute push dedup records and per-seller rate-limiter windows. */
  shortLived: { envName: 'DEDUP_TABLE_NAME', partitionKey: 'pk', ttlAttribute: 'expiresAt' },
  /** Powertools idempotency records (its default `id` key and `expiration` TTL). */
  idempotency: { envName: 'IDEMPOTENCY_TABLE_NAME', partitionKey: 'id', ttlAttribute: 'expiration' },
} as const;

export type TableRole = keyof typeof TABLE_ROLES;

/**
 * How the short-lived table's partition keys begin, per kind of item: the adapters build keys with
 * them and the stack scopes narrow grants to them (IAM condition `dynamodb:LeadingKeys`).
 */
export const SHORT_LIVED_KEY_PREFIXES = {
  /** A seller's sliding rate log (`rate#<budget key>`). */
  rateLog: 'rate#',
  /** A push dedup record (`dedup#<connectionId>#<bodyHash>`). */
  dedup: 'dedup#',
} as const;

/** Secrets Manager name prefix of a stage's connection credentials. */
export function connectionSecretPrefix(stage: string): string {
  return `eci/${stage}/connections/`;
}
