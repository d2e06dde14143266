import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import { migrate as migrateNodePg } from 'drizzle-orm/node-postgres/migrator';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import {
  createDataApiDatabase,
  type DataApiDatabaseOptions,
  type DatabaseHandle,
  defaultMigrationsFolder,
} from '../../lambdas/adapters/postgres/database';
import { schema } from '../../lambdas/adapters/postgres/schema';

/** Every engine ECI's repositories run on; only `data-api` exists in a Lambda bundle. */
export type DatabaseConfig = (
  | { kind: 'pglite' /** undefined = in-memory */; dataDir?: string }
  | { kind: 'node-postgres'; connectionString: string }
  | ({ kind: 'data-api' } & DataApiDatabaseOptions)
) & {
  /** Where the generated SQL lives. @default lambdas/adapters/postgres/migrations */
  migrationsFolder?: string;
};

/** Opens the engine a config names (local runtime, tests, bench). */
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
    case 'data-api':
      return createDataApiDatabase({ ...config, migrationsFolder });
  }
}

/**
 * The local runtime's engine: a PostgreSQL server from DATABASE_URL, else the embedded PGlite under
 * the local data dir (`ECI_DATA_DIR`, default `.eci`).
 */
export function databaseConfigFromEnv(env: Readonly<Record<string, string | undefined>>): DatabaseConfig {
  const { DATABASE_URL, ECI_DATA_DIR } = env;
  if (DATABASE_URL) return { kind: 'node-postgres', connectionString: DATABASE_URL };
  return { kind: 'pglite', dataDir: path.join(ECI_DATA_DIR || '.eci', 'pgdata') };
}
