// zod/mini: the same parser with a tree-shakable API, so a function that validates nothing else does
// not carry all of zod (≈450 KB minified) for its configuration alone.
import * as z from 'zod/mini';
import { envFlag } from './env-flag';
import { ENV } from './env-names';

const text = z.string().check(z.trim(), z.minLength(1, 'must not be empty'));
const flag = z.pipe(
  z.string().check(z.trim(), z.regex(/^(true|false|1|0|yes|no|on|off)$/i, 'must be true or false')),
  z.transform((value: string) => envFlag(value)),
);

/** A comma-separated list (possibly empty) of origins; empty → undefined (no local origins at all). */
const localOrigins = z.pipe(
  z.string(),
  z.transform((value: string) => {
    const origins = value
      .split(',')
      .map((origin) => origin.trim())
      .filter((origin) => origin.length > 0);
    return origins.length > 0 ? origins : undefined;
  }),
);

/** The Data API target: every function that touches PostgreSQL gets these three. */
const database = {
  [ENV.DB_CLUSTER_ARN]: text,
  [ENV.DB_SECRET_ARN]: text,
  [ENV.DB_NAME]: text,
};

/** The seed's write gating; only functions that decide whether a chunk is sent need it. */
const writeGate = {
  [ENV.TRENDYOL_WRITE_ENABLED]: flag,
  [ENV.TRENDYOL_FORCE_WRITE_ALLOWED]: flag,
};

/**
 * One function's configuration contract: its name (as in the stack), its entry file under
 * `lambdas/handlers/`, and the zod schema of exactly the environment it runs with. The construct sets
 * these keys (and no others), the composition reads only these keys, and the infra test compares the
 * synthesized `Environment.Variables` against `variables`.
 */
export interface FunctionContract<N extends string = string> {
  readonly name: N;
  readonly entry: string;
  readonly schema: z.ZodMiniType;
  /** Every variable name the function's environment holds, sorted. */
  readonly variables: readonly string[];
}

function defineContract<N extends string, S extends Record<string, z.ZodMiniType>>(
  name: N,
  entry: string,
  own: S,
) {
  const shape = {
    // The construct sets these on every function; Powertools and Node read them themselves.
    [ENV.ECI_FUNCTION]: z.literal(name, { error: `must be ${name}` }),
    [ENV.ECI_STAGE]: z.optional(text),
    [ENV.POWERTOOLS_SERVICE_NAME]: z.optional(text),
    [ENV.POWERTOOLS_METRICS_NAMESPACE]: z.optional(text),
    [ENV.POWERTOOLS_LOG_LEVEL]: z.optional(text),
    [ENV.NODE_OPTIONS]: z.optional(z.string()),
    ...own,
  };
  const schema = z.object(shape);
  const contract = { name, entry, schema, variables: Object.keys(shape).sort() };
  return contract satisfies FunctionContract<N>;
}

/** Per function, exactly the environment it needs (and the stack gives it). */
export const CONTRACTS = {
  /** API Gateway → HTTP API: connections (manages secrets), pushes (dedup, enqueue), reads. */
  Api: defineContract('Api', 'api.ts', {
    ...database,
    ...writeGate,
    [ENV.CONNECTION_SECRET_PREFIX]: text,
    [ENV.DEDUP_TABLE_NAME]: text,
    [ENV.PUSH_QUEUE_URL]: text,
    [ENV.ALLOW_CUSTOM_BASE_URL]: flag,
    [ENV.ECI_LOCAL_BASE_URLS]: localOrigins,
  }),
  /** SQS → sends a chunk to Trendyol, starts the confirmation execution. The queue is its event source. */
  PushConsumer: defineContract('PushConsumer', 'push-consumer.ts', {
    ...database,
    ...writeGate,
    [ENV.CONNECTION_SECRET_PREFIX]: text,
    [ENV.DEDUP_TABLE_NAME]: text,
    [ENV.IDEMPOTENCY_TABLE_NAME]: text,
    [ENV.CONFIRMATION_STATE_MACHINE_ARN]: text,
  }),
  /**
   * Step Functions task → polls one batch and records what Trendyol confirmed. No queue; the
   * short-lived table holds the seller's read budgets (batch results, read-back).
   */
  PollBatch: defineContract('PollBatch', 'poll-batch.ts', {
    ...database,
    [ENV.CONNECTION_SECRET_PREFIX]: text,
    [ENV.DEDUP_TABLE_NAME]: text,
  }),
  /**
   * Schedule → syncs each connection's catalog and re-sends failed values (the push use case: dedup +
   * enqueue), then reads a slice of confirmed values back from Trendyol (drift: credentials, read budget).
   */
  CatalogSync: defineContract('CatalogSync', 'catalog-sync.ts', {
    ...database,
    ...writeGate,
    [ENV.CONNECTION_SECRET_PREFIX]: text,
    [ENV.DEDUP_TABLE_NAME]: text,
    [ENV.PUSH_QUEUE_URL]: text,
  }),
  /** Schedule → enqueues jobs whose 15-minute wait is over. */
  ReleaseScheduled: defineContract('ReleaseScheduled', 'release-scheduled.ts', {
    ...database,
    // Unknown outcomes are resolved by reading the values back from Trendyol first.
    [ENV.CONNECTION_SECRET_PREFIX]: text,
    [ENV.DEDUP_TABLE_NAME]: text,
    [ENV.PUSH_QUEUE_URL]: text,
  }),
  /** Deploy trigger → applies the SQL migrations through the Data API. */
  Migrate: defineContract('Migrate', 'migrate.ts', { ...database }),
} as const;

export type FunctionName = keyof typeof CONTRACTS;
export type ConfigOf<F extends FunctionName> = z.output<(typeof CONTRACTS)[F]['schema']>;

export const FUNCTION_NAMES = Object.keys(CONTRACTS) as FunctionName[];

/** A function's environment does not satisfy its contract; the message names the function and variables. */
export class ConfigurationError extends Error {
  constructor(
    readonly functionName: string,
    readonly problems: readonly { variable: string; problem: string }[],
  ) {
    super(
      `${functionName}: invalid configuration: ${problems.map((p) => `${p.variable} ${p.problem}`).join('; ')}`,
    );
    this.name = 'ConfigurationError';
  }
}

/**
 * Parses a function's environment against its contract (at cold start). Only the contract's keys are
 * read; the result is typed (flags as booleans).
 * @throws ConfigurationError naming the function and each missing or malformed variable.
 */
export function readConfig<F extends FunctionName>(
  name: F,
  env: Readonly<Record<string, string | undefined>>,
): ConfigOf<F> {
  const contract = CONTRACTS[name];
  const picked: Record<string, string | undefined> = {};
  for (const key of contract.variables) picked[key] = env[key];
  const result = z.safeParse(contract.schema as z.ZodMiniType, picked);
  if (result.success) return result.data as ConfigOf<F>;
  const problems = result.error.issues.map((issue) => {
    const variable = String(issue.path[0] ?? '?');
    return { variable, problem: picked[variable] === undefined ? 'is not set' : issue.message };
  });
  throw new ConfigurationError(name, problems);
}
