import { sql } from 'drizzle-orm';
import type { Database } from '../../lambdas/adapters/postgres/database';
import { queryRows } from '../../lambdas/adapters/postgres/rows';

/**
 * Whether a test that needs two server connections can run: PostgreSQL (DATABASE_URL) only, as
 * PGlite has one connection. When it cannot, says so on the console under `name`, so the skip is
 * printed with its reason.
 */
export function twoConnectionsAvailable(name: string): boolean {
  const onServer = Boolean(process.env.DATABASE_URL);
  if (!onServer) console.info(`${name}: skipped, it needs two connections (set DATABASE_URL)`);
  return onServer;
}

/** Resolves once some backend of the current database waits for a lock (the second writer has blocked). */
export async function untilAWriterWaitsForALock(db: Database): Promise<void> {
  for (;;) {
    const [row] = await queryRows(
      db,
      sql`SELECT count(*)::int AS waiting FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    );
    if (Number(row?.waiting) > 0) return;
  }
}
