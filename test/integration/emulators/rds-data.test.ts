import { randomBytes } from 'node:crypto';
import {
  BadRequestException,
  BatchExecuteStatementCommand,
  BeginTransactionCommand,
  CommitTransactionCommand,
  DatabaseErrorException,
  DatabaseResumingException,
  ExecuteStatementCommand,
  RDSDataClient,
  RollbackTransactionCommand,
} from '@aws-sdk/client-rds-data';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { PostgresConnectionRepository } from '../../../lambdas/adapters/postgres/connection-repository';
import { createDataApiDatabase } from '../../../lambdas/adapters/postgres/database';
import {
  nodePostgresSession,
  pgliteSession,
  type SqlSession,
  startRdsDataEmulator,
} from '../../../local/emulators';
import { localAwsClientConfig } from '../../../local/engines';
import { newConnection } from '../postgres/fixtures';

// The RDS Data API emulator of `npm run twin` over HTTP, driven by the real RDSDataClient: raw
// commands for the wire details, then ECI's own Drizzle Data API driver for migrations and a repository.
// Behind it: PGlite, or with DATABASE_URL a fresh database on that server (as `npm run twin` with
// DATABASE_URL), so both sessions are held to the same Data API behaviour.
const serverUrl = process.env.DATABASE_URL;
const databaseName = `eci_emulator_${randomBytes(6).toString('hex')}`;
async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
let session: SqlSession & { close(): Promise<void> };
if (serverUrl) {
  await admin(`CREATE DATABASE ${databaseName}`);
  const url = new URL(serverUrl);
  url.pathname = `/${databaseName}`;
  session = await nodePostgresSession(url.toString());
} else {
  const engine = new PGlite();
  session = { ...pgliteSession(engine), close: () => engine.close() };
}
const emulator = await startRdsDataEmulator(session);
const client = new RDSDataClient(localAwsClientConfig(emulator.endpoint));
const target = {
  resourceArn: 'arn:aws:rds:us-east-1:123456789012:cluster:eci-dev',
  secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:eci/dev/database-AbCdEf',
  database: 'eci',
};
afterAll(async () => {
  client.destroy();
  await emulator.close();
  await session.close();
  if (serverUrl) await admin(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
});

describe('RDS Data API emulator, through the real SDK client', () => {
  it('executes statements with Data API parameters and answers typed fields', async () => {
    await client.send(
      new ExecuteStatementCommand({
        ...target,
        sql: 'CREATE TABLE t (id int8, price numeric, data bytea, at timestamptz)',
      }),
    );
    const inserted = await client.send(
      new ExecuteStatementCommand({
        ...target,
        sql: 'INSERT INTO t VALUES (:id, :price, :data, :at)',
        parameters: [
          { name: 'id', value: { longValue: 7 } },
          { name: 'price', value: { stringValue: '12.50' }, typeHint: 'DECIMAL' },
          { name: 'data', value: { blobValue: Uint8Array.from([1, 2, 255]) } },
          { name: 'at', value: { stringValue: '2026-01-02 03:04:05' }, typeHint: 'TIMESTAMP' },
        ],
      }),
    );
    expect(inserted.numberOfRecordsUpdated).toBe(1);
    const selected = await client.send(
      new ExecuteStatementCommand({
        ...target,
        sql: 'SELECT id, price, data, at FROM t',
        includeResultMetadata: true,
      }),
    );
    expect(selected.records).toEqual([
      [
        { longValue: 7 },
        { stringValue: '12.50' },
        { blobValue: Uint8Array.from([1, 2, 255]) },
        { stringValue: '2026-01-02 03:04:05' },
      ],
    ]);
    expect(selected.columnMetadata?.map((c) => c.name)).toEqual(['id', 'price', 'data', 'at']);
  });

  it('answers the service’s exceptions: bad request, database error, resuming cluster', async () => {
    await expect(
      client.send(new ExecuteStatementCommand({ ...target, sql: 'SELECT :missing' })),
    ).rejects.toBeInstanceOf(BadRequestException);
    await expect(
      client.send(new ExecuteStatementCommand({ ...target, sql: 'SELECT * FROM no_such_table' })),
    ).rejects.toBeInstanceOf(DatabaseErrorException);
    emulator.api.pauseFor(1);
    await expect(
      client.send(new ExecuteStatementCommand({ ...target, sql: 'SELECT 1' })),
    ).rejects.toBeInstanceOf(DatabaseResumingException);
    const after = await client.send(new ExecuteStatementCommand({ ...target, sql: 'SELECT 1 AS one' }));
    expect(after.records).toEqual([[{ longValue: 1 }]]);
  });

  it('keeps a rolled-back transaction’s writes out and a committed one’s in', async () => {
    await client.send(new ExecuteStatementCommand({ ...target, sql: 'CREATE TABLE tx (v text)' }));
    const rolled = await client.send(new BeginTransactionCommand(target));
    await client.send(
      new BatchExecuteStatementCommand({
        ...target,
        transactionId: rolled.transactionId,
        sql: 'INSERT INTO tx VALUES (:v)',
        parameterSets: [[{ name: 'v', value: { stringValue: 'lost' } }]],
      }),
    );
    await client.send(new RollbackTransactionCommand({ ...target, transactionId: rolled.transactionId }));
    const kept = await client.send(new BeginTransactionCommand(target));
    await client.send(
      new BatchExecuteStatementCommand({
        ...target,
        transactionId: kept.transactionId,
        sql: 'INSERT INTO tx VALUES (:v)',
        parameterSets: [
          [{ name: 'v', value: { stringValue: 'a' } }],
          [{ name: 'v', value: { stringValue: 'b' } }],
        ],
      }),
    );
    const committed = await client.send(
      new CommitTransactionCommand({ ...target, transactionId: kept.transactionId }),
    );
    expect(committed.transactionStatus).toBe('Transaction Committed');
    const rows = await client.send(
      new ExecuteStatementCommand({ ...target, sql: 'SELECT v FROM tx ORDER BY v' }),
    );
    expect(rows.records).toEqual([[{ stringValue: 'a' }], [{ stringValue: 'b' }]]);
    await expect(
      client.send(new CommitTransactionCommand({ ...target, transactionId: kept.transactionId })),
    ).rejects.toBeInstanceOf(BadRequestException);
  });

  it('carries ECI’s Drizzle Data API driver: migrations and a repository round trip', async () => {
    const database = createDataApiDatabase({ ...target, client });
    await database.migrate();
    const connections = new PostgresConnectionRepository(database.db);
    const now = new Date('2026-01-01T00:00:00Z');
    await connections.create({ ...newConnection('conn-http'), name: 'Over HTTP' }, now);
    expect((await connections.get('conn-http'))?.name).toBe('Over HTTP');
    expect((await connections.list()).map((c) => c.id)).toEqual(['conn-http']);
  });
});
