import { RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';

/** Log levels understood by Powertools (`POWERTOOLS_LOG_LEVEL`). */
export type PowertoolsLogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/**
 * Everything that differs between deployments of ECI. The app reads `-c stage=<name>` once and hands
 * the resulting object to every stack; nothing below the app entry reads context or environment.
 */
export interface StageConfig {
  /** Stage name, used in resource names, secret prefixes and `ECI_STAGE`. */
  readonly name: string;
  /**
   * Target account; leave unset to deploy to whatever the CLI credentials point at.
   * @default - environment-agnostic stack
   */
  readonly account?: string;
  /**
   * Target region.
   * @default - environment-agnostic stack
   */
  readonly region?: string;
  /** Aurora Serverless v2 minimum ACUs; 0 lets the cluster pause when idle. */
  readonly dbMinCapacity: number;
  /** Aurora Serverless v2 maximum ACUs. */
  readonly dbMaxCapacity: number;
  /** Seconds of inactivity before a cluster with min capacity 0 pauses (300–86,400). */
  readonly dbSecondsUntilAutoPause: number;
  /** Days of automated Aurora backups (1–35). */
  readonly dbBackupRetentionDays: number;
  /** Protects the database cluster against deletion (CloudFormation and console). */
  readonly deletionProtection: boolean;
  /** What happens to stateful resources (database, tables, queues, logs) when the stack goes away. */
  readonly removalPolicy: RemovalPolicy;
  /** Point-in-time recovery on DynamoDB tables. */
  readonly pitr: boolean;
  /** Retention of every log group (Lambda, API access logs, state machine, VPC flow logs). */
  readonly logRetention: RetentionDays;
  /** Powertools log level for every function. */
  readonly logLevel: PowertoolsLogLevel;
  /** Minutes between scheduled catalog syncs (`CATALOG_SYNC_RATE_MINUTES`). */
  readonly catalogSyncRateMinutes: number;
  /** `TRENDYOL_WRITE_ENABLED`: whether pushes really write to Trendyol. */
  readonly writeEnabled: boolean;
  /** `TRENDYOL_FORCE_WRITE_ALLOWED`: whether `forceWrite=1` may override a disabled write. */
  readonly forceWriteAllowed: boolean;
  /** `ALLOW_CUSTOM_BASE_URL`: whether a connection may point at a non-Trendyol host (simulators). */
  readonly allowCustomBaseUrl: boolean;
  /** Steady-state requests per second allowed by the API usage plan. */
  readonly apiThrottleRateLimit: number;
  /** Burst allowed by the API usage plan. */
  readonly apiThrottleBurstLimit: number;
  /** Upper bound on concurrent push-consumer invocations (event source mapping, 2–1000). */
  readonly consumerMaxConcurrency: number;
  /**
   * E-mail address subscribed to the alarm topic.
   * @default - no subscription; subscribe out of band
   */
  readonly alarmEmail?: string;
}

const STAGES: Readonly<Record<string, StageConfig>> = {
  dev: {
    name: 'dev',
    dbMinCapacity: 0,
    dbMaxCapacity: 2,
    dbSecondsUntilAutoPause: 300,
    dbBackupRetentionDays: 1,
    deletionProtection: false,
    removalPolicy: RemovalPolicy.DESTROY,
    pitr: false,
    logRetention: RetentionDays.ONE_WEEK,
    logLevel: 'DEBUG',
    catalogSyncRateMinutes: 60,
    writeEnabled: false,
    forceWriteAllowed: true,
    allowCustomBaseUrl: true,
    apiThrottleRateLimit: 10,
    apiThrottleBurstLimit: 20,
    consumerMaxConcurrency: 2,
  },
  prod: {
    name: 'prod',
    dbMinCapacity: 0.5,
    dbMaxCapacity: 8,
    dbSecondsUntilAutoPause: 3600,
    dbBackupRetentionDays: 14,
    deletionProtection: true,
    removalPolicy: RemovalPolicy.RETAIN,
    pitr: true,
    logRetention: RetentionDays.THREE_MONTHS,
    logLevel: 'INFO',
    catalogSyncRateMinutes: 15,
    writeEnabled: true,
    forceWriteAllowed: false,
    allowCustomBaseUrl: false,
    apiThrottleRateLimit: 50,
    apiThrottleBurstLimit: 100,
    consumerMaxConcurrency: 10,
  },
};

/** Names accepted by `-c stage=…`. */
export const STAGE_NAMES: readonly string[] = Object.keys(STAGES);

function check(condition: boolean, stage: string, message: string): void {
  if (!condition) throw new Error(`Invalid stage config "${stage}": ${message}`);
}

/** Throws on values AWS would reject at deploy time, so a bad config fails at synth instead. */
export function validateStageConfig(config: StageConfig): StageConfig {
  const n = config.name;
  check(/^[a-z][a-z0-9-]{1,15}$/.test(n), n, 'name must be 2–16 lowercase letters, digits or dashes');
  check(config.dbMinCapacity >= 0 && config.dbMinCapacity <= 256, n, 'dbMinCapacity must be 0–256');
  check(config.dbMaxCapacity >= 1 && config.dbMaxCapacity <= 256, n, 'dbMaxCapacity must be 1–256');
  check(config.dbMaxCapacity >= config.dbMinCapacity, n, 'dbMaxCapacity must be ≥ dbMinCapacity');
  check((config.dbMinCapacity * 2) % 1 === 0, n, 'dbMinCapacity must be a multiple of 0.5');
  check(
    config.dbSecondsUntilAutoPause >= 300 && config.dbSecondsUntilAutoPause <= 86_400,
    n,
    'dbSecondsUntilAutoPause must be 300–86400',
  );
  check(config.dbBackupRetentionDays >= 1 && config.dbBackupRetentionDays <= 35, n, 'backups 1–35 days');
  check(
    Number.isInteger(config.catalogSyncRateMinutes) && config.catalogSyncRateMinutes >= 1,
    n,
    'catalogSyncRateMinutes must be a positive integer',
  );
  check(config.apiThrottleRateLimit > 0 && config.apiThrottleBurstLimit > 0, n, 'API throttles must be > 0');
  check(
    Number.isInteger(config.consumerMaxConcurrency) &&
      config.consumerMaxConcurrency >= 2 &&
      config.consumerMaxConcurrency <= 1000,
    n,
    'consumerMaxConcurrency must be an integer 2–1000 (event source mapping limit)',
  );
  if (config.alarmEmail !== undefined)
    check(/^[^@\s]+@[^@\s]+$/.test(config.alarmEmail), n, 'bad alarmEmail');
  if (config.account !== undefined) check(/^\d{12}$/.test(config.account), n, 'account must be 12 digits');
  return config;
}

/**
 * Resolves a stage name to its validated config.
 * @throws when the name is missing or unknown, listing the known stages.
 */
export function getStageConfig(stage: unknown): StageConfig {
  if (typeof stage !== 'string' || stage.length === 0) {
    throw new Error(`Missing stage: pass -c stage=<${STAGE_NAMES.join('|')}>`);
  }
  const config = Object.hasOwn(STAGES, stage) ? STAGES[stage] : undefined;
  if (config === undefined) {
    throw new Error(`Unknown stage "${stage}": expected one of ${STAGE_NAMES.join(', ')}`);
  }
  return validateStageConfig(config);
}

/**
 * Milliseconds between scheduled catalog syncs of a stage: the EventBridge rule's rate and the timer
 * `npm start` runs read this one value. @throws like getStageConfig for an unknown stage.
 */
export function catalogSyncIntervalMs(stage: string): number {
  return getStageConfig(stage).catalogSyncRateMinutes * 60_000;
}
