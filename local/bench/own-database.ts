import pg from 'pg';

/**
 * A database of the bench's own next to DATABASE_URL's (same server, name + `_eci_bench`), created
 * empty, so the bench never touches the tables tests use. Returns its URL and a drop function.
 * @param suffix appended to the name, so two benches in one run never share a database.
 */
export async function ownDatabase(
  url: string,
  suffix = '_eci_bench',
): Promise<{ url: string; drop(): Promise<void> }> {
  const parsed = new URL(url);
  const name = `${parsed.pathname.replace(/^\//, '') || 'postgres'}${suffix}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}"`);
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  parsed.pathname = `/${name}`;
  return {
    url: parsed.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS "${name}"`);
      } finally {
        await c.end();
      }
    },
  };
}
