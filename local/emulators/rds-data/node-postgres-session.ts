import pg from 'pg';
import type { PgResult, SqlSession } from './engine';

/** Commands whose row count the Data API reports as `numberOfRecordsUpdated` (a SELECT's is 0). */
const WRITES = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE']);

/**
 * A PostgreSQL server (DATABASE_URL) as the Data API engine's session: one node-postgres client, one
 * connection, as the engine expects (transactions hold it; other work waits).
 */
export async function nodePostgresSession(
  connectionString: string,
): Promise<SqlSession & { close(): Promise<void> }> {
  const client = new pg.Client({ connectionString });
  // A connection the server ends (restart, DROP DATABASE … FORCE) must not crash the emulator's
  // process: the next statement fails instead, and the caller sees a DatabaseErrorException.
  client.on('error', () => undefined);
  await client.connect();
  const keepText = (value: string) => value;
  return {
    exec: async (sql) => {
      await client.query(sql);
    },
    typeCatalog: async () =>
      (await client.query('SELECT oid::int AS oid, typname, typcategory FROM pg_type')).rows,
    queryArrays: async (sql, values, paramTypes): Promise<PgResult> => {
      // node-postgres sends a query's `types` in the Parse message as the parameter type OIDs and asks
      // the same object for result parsers: an OID array that also answers getTypeParser does both,
      // so parameters are typed as the Data API types them and every result stays text.
      const types = Object.assign([...paramTypes], { getTypeParser: () => keepText });
      const result = await client.query<unknown[]>({
        text: sql,
        values,
        rowMode: 'array',
        types: types as unknown as pg.CustomTypesConfig,
      });
      return {
        rows: result.rows,
        fields: result.fields.map((f) => ({ name: f.name, dataTypeID: f.dataTypeID })),
        affectedRows: WRITES.has(result.command) ? (result.rowCount ?? 0) : 0,
      };
    },
    close: () => client.end(),
  };
}
