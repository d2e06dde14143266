import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzleDataApi } from 'drizzle-orm/aws-data-api/pg';
import { migrate as migrateDataApi } from 'drizzle-orm/aws-data-api/pg/migrator';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import { migrate as migrateNodePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import { type ResumeRetryOptions, withResumeRetry } from './data-api-retry';
import { schema } from './schema';

/** The Drizzle database every driver satisfies; repositories only ever see this. */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

export type DatabaseConfig = (
  | { kind: 'pglite' /** undefined = in-memory */; dataDir?: string }
  | { kind: 'node-postgres'; connectionString: string }
  | {
      kind: 'data-api';
      resourceArn: string;
      secretArn: string;
      database: string;
      client?: RDSDataClient;
      retry?: ResumeRetryOptions;
    }
) & {
  /** Where the generated SQL lives; the Lambda bundle ships it as ./migrations next to the handler. */
  migrationsFolder?: string;
};

export interface DatabaseHandle {
  kind: DatabaseConfig['kind'];
  db: Database;
  migrate(): Promise<void>;
  close(): Promise<void>;
}

/** Above the Data API's 45 s statement timeout, so the SDK never retries a write still running. */
export const DATA_API_REQUEST_TIMEOUT_MS = 70_000;

export function defaultMigrationsFolder(): string {
  return path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');
}

export function createDatabase(config: DatabaseConfig): DatabaseHandle {
  const migrationsFolder = config.migrationsFolder ?? defaultMigrationsFolder();
  switch (config.kind) {
    case 'pglite': {
      // PGlite creates only the last path segment; `.eci/pgdata` must work on a fresh checkout.
      if (config.dataDir) mkdirSync(path.dirname(config.dataDir), { recursive: true });
      const client = new PGlite(config.dataDir);
      const db = drizzlePglite({ client, schema });
      return {
        kind: config.kind,
        db,
        migrate: () => migratePglite(db, { migrationsFolder }),
        close: () => client.close(),
      };
    }
    case 'node-postgres': {
      const pool = new pg.Pool({ connectionString: config.connectionString });
      const db = drizzleNodePg({ client: pool, schema });
      return {
        kind: config.kind,
        db,
        migrate: () => migrateNodePg(db, { migrationsFolder }),
        close: () => pool.end(),
      };
    }
    case 'data-api': {
      const ownsClient = config.client === undefined;
      const client = withResumeRetry(
        config.client ??
          new RDSDataClient({ requestHandler: { requestTimeout: DATA_API_REQUEST_TIMEOUT_MS } }),
        config.retry,
      );
      const db = drizzleDataApi(client, {
        schema,
        resourceArn: config.resourceArn,
        secretArn: config.secretArn,
        database: config.database,
      });
      return {
        kind: config.kind,
        db,
        migrate: () => migrateDataApi(db, { migrationsFolder }),
        close: async () => {
          if (ownsClient) client.destroy();
        },
      };
    }
  }
}

/**
 * Aurora via the Data API when its three variables are set (Lambda), else a Postgres server from
 * DATABASE_URL, else the embedded PGlite under the local data dir.
 */
export function databaseConfigFromEnv(env: Readonly<Record<string, string | undefined>>): DatabaseConfig {
  const { DB_CLUSTER_ARN, DB_SECRET_ARN, DB_NAME, DATABASE_URL, ECI_DATA_DIR } = env;
  if (DB_CLUSTER_ARN && DB_SECRET_ARN && DB_NAME) {
    return { kind: 'data-api', resourceArn: DB_CLUSTER_ARN, secretArn: DB_SECRET_ARN, database: DB_NAME };
  }
  if (DATABASE_URL) return { kind: 'node-postgres', connectionString: DATABASE_URL };
  return { kind: 'pglite', dataDir: path.join(ECI_DATA_DIR || '.eci', 'pgdata') };
}
