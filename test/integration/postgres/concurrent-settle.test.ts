import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresConnectionRepository } from '../../../lambdas/adapters/postgres/connection-repository';
import { PostgresInventoryRepository } from '../../../lambdas/adapters/postgres/inventory-repository';
import { PostgresJobRepository } from '../../../lambdas/adapters/postgres/job-repository';
import type { InventoryItem } from '../../../lambdas/domain/inventory-item';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import { twoConnectionsAvailable, untilAWriterWaitsForALock } from '../../support/two-connections';
import { at, newConnection, pushJob, T0 } from './fixtures';

// Two batches applying at the same moment need two server connections; PGlite has one, so this runs
// on PostgreSQL (DATABASE_URL) only.
const onServer = twoConnectionsAvailable('concurrent-settle');

describe.runIf(onServer)('two batches of one barcode applying at the same moment (PostgreSQL)', () => {
  let testDb: TestDatabase;
  beforeAll(async () => {
    testDb = await createTestDatabase({ driver: 'node-postgres' });
    await new PostgresConnectionRepository(testDb.db).create(newConnection(), T0);
  });
  afterAll(async () => {
    await testDb?.close();
  });

  async function acceptedJob(id: string, items: InventoryItem[], batchRequestId: string, when: Date) {
    const jobs = new PostgresJobRepository(testDb.db);
    await jobs.createPushJobs([pushJob(id, items)], when);
    await jobs.startAttempt(id, when);
    await jobs.recordAccepted(id, batchRequestId, { batchRequestId }, when);
  }

  it('the older batch reports the barcode overtaken although the newer one committed during its apply', async () => {
    await acceptedJob('job-old', [{ barcode: 'A', quantity: 1 }], 'b-old', T0);
    await acceptedJob('job-new', [{ barcode: 'A', quantity: 2 }], 'b-new', at(1));
    const success = [{ barcode: 'A', status: 'SUCCESS' as const, failureReasons: [] }];
    const inventory = new PostgresInventoryRepository(testDb.db);

    let older: ReturnType<PostgresInventoryRepository['applyBatchResult']> | undefined;
    await testDb.db.transaction(async (tx) => {
      await new PostgresInventoryRepository(tx as never).applyBatchResult(
        { connectionId: 'conn-1', jobId: 'job-new', batchRequestId: 'b-new', results: success },
        at(2),
      );
      // The older batch's apply starts (its snapshot sees no confirmed row) and waits for the row lock.
      older = inventory.applyBatchResult(
        {
          connectionId: 'conn-1',
          jobId: 'job-old',
          batchRequestId: 'b-old',
          results: success,
          submittedAt: T0,
        },
        at(3),
      );
      await untilAWriterWaitsForALock(testDb.db);
    });
    const result = await older;
    expect(result).toMatchObject({ confirmedUpserted: 0, overtaken: ['A'] });
    const [state] = await inventory.getBarcodeStates('conn-1', ['A'], 0);
    expect(state?.confirmed).toMatchObject({ quantity: 2, batchRequestId: 'b-new' });
  });
});
