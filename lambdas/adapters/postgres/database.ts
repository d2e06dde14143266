import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { drizzle as drizzleDataApi } from 'drizzle-orm/aws-data-api/pg';
import { migrate as migrateDataApi } from 'drizzle-orm/aws-data-api/pg/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { type ResumeRetryOptions, withResumeRetry } from './data-api-retry';
import { schema } from './schema';

/** The Drizzle database every driver satisfies; repositories only ever see this. */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

/** Which engine a handle drives: Aurora's Data API on AWS; PGlite / a PostgreSQL server locally. */
export type DatabaseKind = 'data-api' | 'pglite' | 'node-postgres';

export interface DatabaseHandle {
  kind: DatabaseKind;
  db: Database;
  migrate(): Promise<void>;
  close(): Promise<void>;
}

/** Aurora through the Data API: the three values a function receives as DB_CLUSTER_ARN, DB_SECRET_ARN, DB_NAME. */
export interface DataApiTarget {
  resourceArn: string;
  secretArn: string;
  database: string;
}

export interface DataApiDatabaseOptions extends DataApiTarget {
  /** Tests pass a mocked client; by default one with the long request timeout below. */
  client?: RDSDataClient;
  retry?: ResumeRetryOptions;
  /** Where the generated SQL lives; the Lambda bundle ships it as ./migrations next to the handler. */
  migrationsFolder?: string;
}

/** Above the Data API's 45 s statement timeout, so the SDK never retries a write still running. */
export const DATA_API_REQUEST_TIMEOUT_MS = 70_000;

export function defaultMigrationsFolder(): string {
  return path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');
}

/**
 * The only database a Lambda function opens: Drizzle's Data API driver, retrying while a cluster
 * scaled to zero resumes. Local engines (PGlite, node-postgres) live in `local/engines/database.ts`
 * so they never enter a Lambda bundle.
 */
export function createDataApiDatabase(options: DataApiDatabaseOptions): DatabaseHandle {
  const migrationsFolder = options.migrationsFolder ?? defaultMigrationsFolder();
  const ownsClient = options.client === undefined;
  const client = withResumeRetry(
    options.client ?? new RDSDataClient({ requestHandler: { requestTimeout: DATA_API_REQUEST_TIMEOUT_MS } }),
    options.retry,
  );
  const db = drizzleDataApi(client, {
    schema,
    resourceArn: options.resourceArn,
    secretArn: options.secretArn,
    database: options.database,
  });
  return {
    kind: 'data-api',
    db,
    migrate: () => migrateDataApi(db, { migrationsFolder }),
    close: async () => {
      if (ownsClient) client.destroy();
    },
  };
}
