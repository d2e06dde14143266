import {
  BeginTransactionCommand,
  CommitTransactionCommand,
  ExecuteStatementCommand,
  type ExecuteStatementCommandInput,
  RollbackTransactionCommand,
} from '@aws-sdk/client-rds-data';
import { eq, sql } from 'drizzle-orm';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { PostgresConnectionRepository } from '../../../lambdas/adapters/postgres/connection-repository';
import { PostgresInventoryRepository } from '../../../lambdas/adapters/postgres/inventory-repository';
import { PostgresJobRepository } from '../../../lambdas/adapters/postgres/job-repository';
import { queryRows } from '../../../lambdas/adapters/postgres/rows';
import { inventoryIntent } from '../../../lambdas/adapters/postgres/schema';
import { createTestDatabase, DATA_API_TEST_TARGET, type TestDatabase } from '../../support/test-database';
import { at, newConnection, pushJob, T0 } from './fixtures';
import { inventoryRepositoryContract } from './inventory-repository-contract';
import { repositoryContract } from './repository-contract';

// The same repository suites as repositories.test.ts and inventory-repository.test.ts, through
// Drizzle's Data API driver answered by the aws-sdk-client-mock stand-in over PGlite
// (test/support/data-api-over-pglite.ts), then checks on what the suites sent.
const opened: TestDatabase[] = [];
const openDataApi = async () => {
  const testDb = await createTestDatabase({ driver: 'data-api' });
  opened.push(testDb);
  return testDb;
};

repositoryContract('the Data API', openDataApi);
inventoryRepositoryContract('the Data API', openDataApi);

function sentStatements(): ExecuteStatementCommandInput[] {
  return opened.flatMap((testDb) => testDb.dataApi?.executeInputs() ?? []);
}

/** Statements writing `table`, with the type hints of their parameters by position. */
function hintsOf(statements: ExecuteStatementCommandInput[], pattern: RegExp) {
  return statements
    .filter((input) => pattern.test(input.sql ?? ''))
    .map((input) => (input.parameters ?? []).map((p) => p.typeHint ?? null));
}

describe('what the repository suites sent over the Data API', () => {
  it('ran both suites through the stand-in, migrations included', () => {
    expect(opened).toHaveLength(2);
    const statements = sentStatements();
    expect(statements.length).toBeGreaterThan(300);
    expect(statements.some((input) => /CREATE TABLE "jobs"/.test(input.sql ?? ''))).toBe(true);
    for (const testDb of opened) {
      const mock = testDb.dataApi?.mock;
      expect(mock?.commandCalls(BeginTransactionCommand).length).toBeGreaterThan(5);
      expect(mock?.commandCalls(CommitTransactionCommand).length).toBeGreaterThan(5);
    }
    // The push that fails on a duplicate job id is rolled back through the Data API.
    expect(
      opened.some((t) => (t.dataApi?.mock.commandCalls(RollbackTransactionCommand).length ?? 0) > 0),
    ).toBe(true);
  });

  it('never sent an array parameter', () => {
    const parameters = sentStatements().flatMap((input) => input.parameters ?? []);
    expect(parameters.length).toBeGreaterThan(1000);
    expect(parameters.filter((p) => p.value?.arrayValue !== undefined)).toEqual([]);
  });

  it('sent TIMESTAMP, JSON and DECIMAL type hints where the schema needs them', () => {
    const statements = sentStatements();
    const inserts = hintsOf(statements, /^insert into "jobs"/);
    expect(inserts.length).toBeGreaterThan(0);
    for (const hints of inserts) {
      expect(hints).toContain('JSON');
      expect(hints).toContain('TIMESTAMP');
    }
    const connectionInserts = hintsOf(statements, /^insert into "connections"/);
    expect(connectionInserts.length).toBeGreaterThan(0);
    for (const hints of connectionInserts) expect(hints.filter((h) => h === 'TIMESTAMP')).toHaveLength(2);

    const all = statements.flatMap((input) => input.parameters ?? []);
    const hinted = (hint: string) => all.filter((p) => p.typeHint === hint);
    expect(hinted('TIMESTAMP').length).toBeGreaterThan(0);
    for (const p of hinted('TIMESTAMP')) {
      expect(p.value?.stringValue ?? 'null').toMatch(/^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}|null)$/);
    }
    for (const p of hinted('JSON')) {
      const text = p.value?.stringValue;
      if (text !== undefined) expect(() => JSON.parse(text)).not.toThrow();
    }
    // Money never travels as a number: the repositories bind numeric(12,2) values only inside JSON text
    // (jsonb_to_recordset), so they need no DECIMAL parameter; any that appears is a decimal string.
    expect(all.filter((p) => p.value?.doubleValue !== undefined)).toEqual([]);
    for (const p of hinted('DECIMAL')) expect(p.value?.stringValue ?? '0').toMatch(/^-?\d+(\.\d+)?$/);
  });
});

describe('the Data API stand-in', () => {
  let testDb: TestDatabase | undefined;
  const sleep = vi.fn(async (_ms: number) => {});
  const onResuming = vi.fn();
  const open = async () => {
    testDb ??= await createTestDatabase({
      driver: 'data-api',
      retry: { sleep, onResuming, random: () => 0.5 },
    });
    await testDb.reset();
    sleep.mockClear();
    onResuming.mockClear();
    return testDb;
  };
  afterAll(async () => {
    await testDb?.close();
  });

  it('retries repository writes and transactions while the cluster resumes', async () => {
    const { db, dataApi } = await open();
    const connections = new PostgresConnectionRepository(db);
    dataApi?.pauseFor(3);
    const created = await connections.create(newConnection(), T0);
    expect(created.createdAt).toBe(T0.toISOString());
    // Full jitter: half of each exponential ceiling with the injected random source.
    expect(sleep.mock.calls.map(([ms]) => ms)).toEqual([250, 500, 1000]);
    expect(onResuming).toHaveBeenCalledTimes(3);
    expect((await connections.get('conn-1'))?.name).toBe('Trendyol conn-1');

    // A paused cluster refuses BeginTransaction too: the whole push still lands exactly once.
    dataApi?.pauseFor(2);
    const jobs = new PostgresJobRepository(db);
    const [job] = await jobs.createPushJobs([pushJob('job-a', [{ barcode: 'A', quantity: 1 }])], at(1));
    expect(job?.seq).toBe(1);
    expect(sleep).toHaveBeenCalledTimes(5);
    expect((await jobs.get('job-a'))?.items).toEqual([{ barcode: 'A', quantity: 1 }]);
    const rows = await queryRows(db, sql`SELECT count(*)::int AS n FROM jobs`);
    expect(rows[0]?.n).toBe(1);
  });

  it('rejects array parameters as the Data API does', async () => {
    const { db, dataApi } = await open();
    // Drizzle's driver already refuses to encode an array as a scalar parameter...
    await expect(db.execute(sql`SELECT 1 WHERE 'A' = ANY(${sql.param(['A', 'B'])})`)).rejects.toThrow();
    // ...and an arrayValue that reaches the Data API is a BadRequestException there.
    await expect(
      dataApi?.client.send(
        new ExecuteStatementCommand({
          ...DATA_API_TEST_TARGET,
          sql: 'SELECT 1 WHERE :v = ANY(:list)',
          parameters: [
            { name: 'v', value: { stringValue: 'A' } },
            { name: 'list', value: { arrayValue: { stringValues: ['A', 'B'] } } },
          ],
        }),
      ),
    ).rejects.toMatchObject({ name: 'BadRequestException', message: 'Array parameters are not supported.' });
    // The same statement with the list as one JSON text parameter is what the repositories send.
    const answer = await dataApi?.client.send(
      new ExecuteStatementCommand({
        ...DATA_API_TEST_TARGET,
        sql: 'SELECT 1 AS hit WHERE :v IN (SELECT jsonb_array_elements_text(:list::jsonb))',
        parameters: [
          { name: 'v', value: { stringValue: 'A' } },
          { name: 'list', value: { stringValue: '["A","B"]' } },
        ],
      }),
    );
    expect(answer?.records).toEqual([[{ longValue: 1 }]]);
  });

  it('refuses a response above 1 MiB and a row above 64 KB', async () => {
    const { db } = await open();
    await expect(
      db.execute(sql`SELECT repeat('x', 60000) AS big FROM generate_series(1, 20)`),
    ).rejects.toMatchObject({
      cause: { name: 'BadRequestException', message: expect.stringContaining('response size limit') },
    });
    await expect(db.execute(sql`SELECT repeat('x', 70000) AS big`)).rejects.toMatchObject({
      cause: { name: 'BadRequestException', message: expect.stringContaining('64 KB') },
    });
    const fine = await queryRows(db, sql`SELECT repeat('x', 60000) AS big FROM generate_series(1, 10)`);
    expect(fine).toHaveLength(10);
  });

  it('binds a money column through the schema with a DECIMAL hint and keeps it exact', async () => {
    const { db, dataApi } = await open();
    await new PostgresConnectionRepository(db).create(newConnection(), T0);
    await new PostgresJobRepository(db).createPushJobs(
      [pushJob('job-a', [{ barcode: 'A', quantity: 1 }])],
      T0,
    );
    const before = dataApi?.executeInputs().length ?? 0;
    await db
      .update(inventoryIntent)
      .set({ salePrice: '9999999999.99' })
      .where(eq(inventoryIntent.barcode, 'A'));
    const [update] = dataApi?.executeInputs().slice(before) ?? [];
    expect(update?.parameters).toContainEqual({
      name: '1',
      value: { stringValue: '9999999999.99' },
      typeHint: 'DECIMAL',
    });
    const known = await new PostgresInventoryRepository(db).findKnownValues('conn-1', ['A']);
    expect(known.get('A')?.salePrice).toBe(999_999_999_999);
  });

  it('types parameters like the Data API: an uncast string is not a timestamp or jsonb', async () => {
    const { db } = await open();
    // stringValue without a type hint reaches PostgreSQL as varchar: comparisons need a cast.
    await expect(db.execute(sql`SELECT 1 WHERE now() > ${'2026-01-13 16:54:56.747'}`)).rejects.toMatchObject({
      cause: { name: 'DatabaseErrorException' },
    });
    const rows = await queryRows(
      db,
      sql`SELECT ${'2026-01-13T16:54:56.747Z'}::timestamptz AS t, ${'{"a":1}'}::jsonb AS j, ${'12.30'}::numeric AS m,
                 ${5}::int + 1 AS i, true AS b`,
    );
    // timestamptz in UTC without offset, jsonb and numeric as text, int as a number, bool as a boolean.
    expect(rows).toEqual([{ t: '2026-01-13 16:54:56.747', j: '{"a": 1}', m: '12.30', i: 6, b: true }]);
  });
});
