import { randomBytes } from 'node:crypto';
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import type { ResumeRetryOptions } from '../../lambdas/adapters/postgres/data-api-retry';
import type { Database } from '../../lambdas/adapters/postgres/database';
import { createDatabase } from '../../local/engines/database';
import { type DataApiOnPglite, mockDataApiOnPglite } from './data-api-over-pglite';

export type TestDriver = 'pglite' | 'node-postgres' | 'data-api';

export interface TestDatabaseOptions {
  /**
   * Defaults to ECI_TEST_DB_DRIVER, else node-postgres when DATABASE_URL is set, else PGlite.
   * `data-api` is Drizzle's Data API driver answered by the stand-in over an in-memory PGlite.
   */
  driver?: TestDriver;
  /** Data API only: the resume retry's options (tests pass a fake sleep). */
  retry?: ResumeRetryOptions;
}

export const DATA_API_TEST_TARGET = {
  resourceArn: 'arn:aws:rds:eu-central-1:123456789012:cluster:eci-test',
  secretArn: 'arn:aws:secretsmanager:eu-central-1:123456789012:secret:eci-test-db',
  database: 'eci',
};

export interface TestDatabase {
  kind: TestDriver;
  db: Database;
  /** Set for the `data-api` driver: the mocked client's calls, and a way to pause the cluster. */
  dataApi?: DataApiOnPglite;
  /** Empties every table and restarts the sequences (cheaper than a fresh engine per test). */
  reset(): Promise<void>;
  close(): Promise<void>;
}

const TABLES = [
  'inventory_item_history',
  'inventory_intent',
  'inventory_confirmed_state',
  'jobs',
  'connection_state',
  'connections',
];

/**
 * A migrated database for one test file. With DATABASE_URL set it is a fresh database on that server
 * (created here and dropped on close, so test files running in parallel never share tables);
 * otherwise an in-memory PGlite. The `data-api` driver (option or ECI_TEST_DB_DRIVER=data-api) is
 * Drizzle's Data API driver over the aws-sdk-client-mock stand-in backed by an in-memory PGlite.
 */
export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const url = process.env.DATABASE_URL;
  const driver = options.driver ?? testDriverFromEnv(process.env.ECI_TEST_DB_DRIVER);
  if (driver === 'data-api') return createDataApiTestDatabase(options.retry);
  if (driver === 'node-postgres' && !url) throw new Error('the node-postgres test driver needs DATABASE_URL');
  if (driver === 'pglite' || !url) {
    const handle = createDatabase({ kind: 'pglite' });
    await handle.migrate();
    return { kind: 'pglite', db: handle.db, reset: () => truncateAll(handle.db), close: handle.close };
  }

  const name = `eci_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(url, `CREATE DATABASE ${name}`);
  const testUrl = new URL(url);
  testUrl.pathname = `/${name}`;
  const handle = createDatabase({ kind: 'node-postgres', connectionString: testUrl.toString() });
  try {
    await handle.migrate();
  } catch (error) {
    await handle.close();
    await dropTestDatabase(url, name);
    throw error;
  }
  return {
    kind: 'node-postgres',
    db: handle.db,
    reset: () => truncateAll(handle.db),
    close: async () => {
      await handle.close();
      await dropTestDatabase(url, name);
    },
  };
}

function testDriverFromEnv(value: string | undefined): TestDriver | undefined {
  if (value === undefined || value === '') return undefined;
  if (value === 'pglite' || value === 'node-postgres' || value === 'data-api') return value;
  throw new Error(`ECI_TEST_DB_DRIVER must be pglite, node-postgres or data-api, not ${value}`);
}

/** Migrated through the Data API path itself: Drizzle's Data API migrator over the stand-in. */
async function createDataApiTestDatabase(retry: ResumeRetryOptions | undefined): Promise<TestDatabase> {
  const engine = new PGlite();
  const client = new RDSDataClient({
    region: 'eu-central-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  // Mocked before createDatabase wraps `send` with the resume retry, so the retry runs over the mock.
  const dataApi = await mockDataApiOnPglite(client, engine);
  const handle = createDatabase({ kind: 'data-api', ...DATA_API_TEST_TARGET, client, retry });
  try {
    await handle.migrate();
  } catch (error) {
    await engine.close();
    throw error;
  }
  return {
    kind: 'data-api',
    db: handle.db,
    dataApi,
    reset: () => truncateAll(handle.db),
    close: async () => {
      await handle.close();
      client.destroy();
      await engine.close();
    },
  };
}

async function truncateAll(db: Database): Promise<void> {
  await db.execute(sql.raw(`TRUNCATE ${TABLES.join(', ')} RESTART IDENTITY CASCADE`));
  // job_seq is not owned by a column, so RESTART IDENTITY leaves it alone.
  await db.execute(sql.raw('ALTER SEQUENCE job_seq RESTART WITH 1'));
}

/**
 * Drops a test database once its pool's connections have gone. `pool.end()` resolves before every
 * backend has closed; dropping WITH (FORCE) then terminates a closing connection, whose client raises
 * the server's 57P01 as an uncaught error in the test run. So the plain drop is retried while the
 * database is still in use (55006, up to 5 s), and FORCE is only the last resort.
 */
async function dropTestDatabase(url: string, name: string): Promise<void> {
  for (let tries = 0; tries < 50; tries += 1) {
    try {
      await adminQuery(url, `DROP DATABASE IF EXISTS ${name}`);
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== '55006') throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  await adminQuery(url, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

async function adminQuery(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
