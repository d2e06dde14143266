import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { createDatabase, type Database } from '../../lambdas/adapters/postgres/database';

export interface TestDatabase {
  kind: 'pglite' | 'node-postgres';
  db: Database;
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
 * otherwise an in-memory PGlite.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const url = process.env.DATABASE_URL;
  if (!url) {
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
    await adminQuery(url, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    throw error;
  }
  return {
    kind: 'node-postgres',
    db: handle.db,
    reset: () => truncateAll(handle.db),
    close: async () => {
      await handle.close();
      await adminQuery(url, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

async function truncateAll(db: Database): Promise<void> {
  await db.execute(sql.raw(`TRUNCATE ${TABLES.join(', ')} RESTART IDENTITY CASCADE`));
  // job_seq is not owned by a column, so RESTART IDENTITY leaves it alone.
  await db.execute(sql.raw('ALTER SEQUENCE job_seq RESTART WITH 1'));
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
