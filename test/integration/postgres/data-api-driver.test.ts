import {
  BeginTransactionCommand,
  CommitTransactionCommand,
  DatabaseResumingException,
  ExecuteStatementCommand,
  type ExecuteStatementCommandInput,
  RDSDataClient,
  type SqlParameter,
} from '@aws-sdk/client-rds-data';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PostgresConnectionRepository } from '../../../lambdas/adapters/postgres/connection-repository';
import { PostgresInventoryRepository } from '../../../lambdas/adapters/postgres/inventory-repository';
import { PostgresJobRepository } from '../../../lambdas/adapters/postgres/job-repository';
import { createDatabase, databaseConfigFromEnv } from '../../../local/engines/database';
import { newConnection, pushJob, T0 } from './fixtures';

const ARNS = {
  resourceArn: 'arn:aws:rds:eu-central-1:123456789012:cluster:eci',
  secretArn: 'arn:aws:secretsmanager:eu-central-1:123456789012:secret:eci-db',
  database: 'eci',
};

const rds = mockClient(RDSDataClient);
let sleep: ReturnType<typeof vi.fn<(ms: number) => Promise<void>>>;

function open() {
  const client = new RDSDataClient({
    region: 'eu-central-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  return createDatabase({ kind: 'data-api', ...ARNS, client, retry: { sleep, random: () => 0.5 } });
}

function executeInputs(): ExecuteStatementCommandInput[] {
  return rds.commandCalls(ExecuteStatementCommand).map((call) => call.args[0].input);
}

function allParameters(): SqlParameter[] {
  return executeInputs().flatMap((input) => input.parameters ?? []);
}

beforeEach(() => {
  rds.reset();
  sleep = vi.fn(async (_ms: number) => {});
});
afterEach(() => {
  rds.reset();
});

describe('Data API driver', () => {
  it('inserts a connection with TIMESTAMP type hints and named scalar parameters', async () => {
    const { db } = open();
    const iso = T0.toISOString();
    const c = newConnection();
    rds.on(ExecuteStatementCommand).resolves({
      records: [
        [
          { stringValue: c.id },
          { stringValue: c.type },
          { stringValue: c.name },
          { longValue: c.sellerId },
          { stringValue: c.baseUrl },
          { isNull: true },
          { stringValue: c.secretRef },
          { stringValue: c.status },
          { longValue: c.writeRateLimitPerMinute },
          // The Data API answers timestamptz in UTC without an offset.
          { stringValue: '2026-01-13 16:54:56.747' },
          { stringValue: '2026-01-13 16:54:56.747' },
        ],
      ],
    });
    const created = await new PostgresConnectionRepository(db).create(c, T0);
    expect(created).toEqual({ ...c, createdAt: iso, updatedAt: iso });

    const [insert] = executeInputs();
    expect(insert).toMatchObject(ARNS);
    expect(insert?.sql).toMatch(
      /^insert into "connections" .* values \(:1, :2, :3, :4, :5, :6, :7, :8, :9, :10, :11\)/,
    );
    expect(insert?.parameters).toContainEqual({
      name: '10',
      value: { stringValue: '2026-01-13 16:54:56.747' },
      typeHint: 'TIMESTAMP',
    });
    expect(insert?.parameters).toContainEqual({
      name: '4',
      value: { longValue: 123456 },
      typeHint: undefined,
    });
    expect(insert?.parameters).toContainEqual({ name: '6', value: { isNull: true }, typeHint: undefined });
    expect(allParameters().some((p) => p.value?.arrayValue !== undefined)).toBe(false);
  });

  it('creates push jobs in a Data API transaction with JSON hints, nextval and one JSON list parameter', async () => {
    const { db } = open();
    rds.on(BeginTransactionCommand).resolves({ transactionId: 'tx-1' });
    rds.on(CommitTransactionCommand).resolves({ transactionStatus: 'Transaction Committed' });
    rds
      .on(ExecuteStatementCommand)
      .callsFake((input: ExecuteStatementCommandInput) =>
        input.sql?.startsWith('insert into "jobs"')
          ? { records: [[{ stringValue: 'job-1' }, { longValue: 42 }]] }
          : { records: [] },
      );

    const items = [{ barcode: 'A', quantity: 3, salePrice: 11285, listPrice: 999_999_999_999 }];
    const [job] = await new PostgresJobRepository(db).createPushJobs([pushJob('job-1', items)], T0);
    expect(job?.seq).toBe(42);

    expect(rds.commandCalls(BeginTransactionCommand)).toHaveLength(1);
    expect(rds.commandCalls(CommitTransactionCommand)[0]?.args[0].input.transactionId).toBe('tx-1');
    const [insertJobs, workMem, intents] = executeInputs();
    expect(insertJobs?.transactionId).toBe('tx-1');
    // The intents' sorts stay in memory for this transaction only (SET LOCAL ends with it).
    expect(workMem?.sql).toBe("SET LOCAL work_mem = '32MB'");
    expect(workMem?.transactionId).toBe('tx-1');
    expect(insertJobs?.sql).toContain("nextval('job_seq')");
    expect(insertJobs?.parameters).toContainEqual(
      expect.objectContaining({ value: { stringValue: JSON.stringify(items) }, typeHint: 'JSON' }),
    );
    expect(insertJobs?.parameters).toContainEqual(
      expect.objectContaining({ value: { stringValue: '2026-01-13 16:54:56.747' }, typeHint: 'TIMESTAMP' }),
    );

    expect(intents?.transactionId).toBe('tx-1');
    // The intents and history read the items from the job rows just inserted: only the ids travel.
    expect(intents?.sql).toContain('jsonb_array_elements_text(:1::jsonb)');
    expect(intents?.parameters?.[0]).toEqual({
      name: '1',
      value: { stringValue: JSON.stringify(['job-1']) },
      typeHint: undefined,
    });
    expect(allParameters().some((p) => p.value?.arrayValue !== undefined)).toBe(false);
  });

  it('creates the 50 jobs of a 50,000-item push in few statements, each request under 4 MiB', async () => {
    const { db } = open();
    rds.on(BeginTransactionCommand).resolves({ transactionId: 'tx-1' });
    rds.on(CommitTransactionCommand).resolves({ transactionStatus: 'Transaction Committed' });
    let seq = 0;
    rds.on(ExecuteStatementCommand).callsFake((input: ExecuteStatementCommandInput) => {
      if (!input.sql?.startsWith('insert into "jobs"')) return { records: [] };
      // The ids are the JSON parameters' order; answer one row per job in the statement.
      const ids = (input.parameters ?? [])
        .map((p) => p.value?.stringValue)
        .filter((v): v is string => v?.startsWith('job-') === true);
      return { records: ids.map((id) => [{ stringValue: id }, { longValue: ++seq }]) };
    });
    const jobs = Array.from({ length: 50 }, (_, chunk) =>
      pushJob(
        `job-${String(chunk).padStart(2, '0')}`,
        Array.from({ length: 1000 }, (_, i) => ({
          barcode: `BARCODE-${String(chunk * 1000 + i).padStart(8, '0')}`,
          quantity: i,
          salePrice: 123_456,
          listPrice: 234_567,
        })),
        { chunkIndex: chunk },
      ),
    );

    const created = await new PostgresJobRepository(db).createPushJobs(jobs, T0);

    expect(created.map((j) => j.seq)).toEqual(jobs.map((_, i) => i + 1));
    const requests = executeInputs();
    // A few job inserts (each under the Data API's 4 MiB request limit) and one intents statement.
    expect(requests.length).toBeLessThanOrEqual(6);
    expect(requests.filter((r) => r.sql?.includes('inventory_intent'))).toHaveLength(1);
    for (const request of requests) expect(JSON.stringify(request).length).toBeLessThan(4 * 1024 * 1024);
  });

  it('looks barcodes up through one JSON text parameter and reads DECIMAL strings as cents', async () => {
    const { db } = open();
    rds.on(ExecuteStatementCommand).resolves({
      records: [
        [
          { stringValue: 'A' },
          { longValue: 5 },
          { stringValue: '112.85' },
          { isNull: true },
          { stringValue: 'sent' },
          { stringValue: 'job-1' },
          { stringValue: '2026-01-13 16:54:56.747' },
        ],
      ],
    });
    const known = await new PostgresInventoryRepository(db).findKnownValues('conn-1', ['A', 'B']);
    expect(known.get('A')).toEqual({
      barcode: 'A',
      quantity: 5,
      salePrice: 11285,
      listPrice: null,
      status: 'sent',
      jobId: 'job-1',
      acceptedAt: '2026-01-13T16:54:56.747Z',
    });
    const [select] = executeInputs();
    expect(select?.sql).toContain('IN (SELECT jsonb_array_elements_text(:2::jsonb))');
    expect(select?.parameters).toEqual([
      { name: '1', value: { stringValue: 'conn-1' }, typeHint: undefined },
      { name: '2', value: { stringValue: '["A","B"]' }, typeHint: undefined },
    ]);
  });

  it('retries while the cluster resumes from zero capacity', async () => {
    const { db } = open();
    rds
      .on(ExecuteStatementCommand)
      .rejectsOnce(new DatabaseResumingException({ message: 'The database is resuming', $metadata: {} }))
      .rejectsOnce(new DatabaseResumingException({ message: 'The database is resuming', $metadata: {} }))
      .resolves({ records: [] });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(await new PostgresConnectionRepository(db).get('conn-1')).toBeUndefined();
    expect(rds.commandCalls(ExecuteStatementCommand)).toHaveLength(3);
    // Full jitter: half of each exponential ceiling (500, 1000) with the injected random source.
    expect(sleep.mock.calls.map(([ms]) => ms)).toEqual([250, 500]);
    // The "database resuming" alarm counts these lines through a metric filter.
    expect(warn.mock.calls.map(([line]) => String(line))).toEqual([
      expect.stringContaining('DatabaseResumingException'),
      expect.stringContaining('DatabaseResumingException'),
    ]);
    warn.mockRestore();
  });

  it('gives up once the resume budget is spent', async () => {
    const client = new RDSDataClient({
      region: 'eu-central-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    });
    const { db } = createDatabase({
      kind: 'data-api',
      ...ARNS,
      client,
      retry: { sleep, maxWaitMs: 1_200, random: () => 0.5 },
    });
    rds
      .on(ExecuteStatementCommand)
      .rejects(new DatabaseResumingException({ message: 'resuming', $metadata: {} }));
    // Drizzle wraps driver errors; the cause is the SDK's exception once the budget is spent.
    await expect(new PostgresConnectionRepository(db).get('x')).rejects.toMatchObject({
      cause: { name: 'DatabaseResumingException' },
    });
    expect(sleep.mock.calls.map(([ms]) => ms)).toEqual([250, 500, 450]);
  });

  it('rethrows other errors without waiting', async () => {
    const { db } = open();
    rds.on(ExecuteStatementCommand).rejects(new Error('syntax error'));
    await expect(new PostgresConnectionRepository(db).get('x')).rejects.toMatchObject({
      cause: { message: 'syntax error' },
    });
    expect(sleep).not.toHaveBeenCalled();
  });
});

describe('databaseConfigFromEnv (local runtime)', () => {
  it('uses DATABASE_URL, else PGlite under the data dir; the Data API is only ever built from a contract', () => {
    expect(databaseConfigFromEnv({ DB_CLUSTER_ARN: 'c', DATABASE_URL: 'postgres://x' })).toEqual({
      kind: 'node-postgres',
      connectionString: 'postgres://x',
    });
    expect(databaseConfigFromEnv({ DB_CLUSTER_ARN: 'c', DB_SECRET_ARN: 's', DB_NAME: 'eci' })).toEqual({
      kind: 'pglite',
      dataDir: '.eci/pgdata',
    });
    expect(databaseConfigFromEnv({ ECI_DATA_DIR: '/tmp/eci' })).toEqual({
      kind: 'pglite',
      dataDir: '/tmp/eci/pgdata',
    });
  });
});
