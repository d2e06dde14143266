import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresConnectionRepository } from '../../../lambdas/adapters/postgres/connection-repository';
import { PostgresJobRepository } from '../../../lambdas/adapters/postgres/job-repository';
import { PostgresPushReadRepository } from '../../../lambdas/adapters/postgres/push-read-repository';
import type { Job } from '../../../lambdas/ports/repositories';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import { twoConnectionsAvailable, untilAWriterWaitsForALock } from '../../support/two-connections';
import { at, newConnection, pushJob, T0 } from './fixtures';

// Two pushes of one barcode at the same moment need two server connections; PGlite has one, so this
// runs on PostgreSQL (DATABASE_URL) only.
const onServer = twoConnectionsAvailable('concurrent-intents');

describe.runIf(onServer)('two pushes of one barcode at the same moment (PostgreSQL)', () => {
  let testDb: TestDatabase;
  beforeAll(async () => {
    testDb = await createTestDatabase({ driver: 'node-postgres' });
    await new PostgresConnectionRepository(testDb.db).create(newConnection(), T0);
  });
  afterAll(async () => {
    await testDb?.close();
  });

  it('the push that waited records the value it replaced as superseded, so that push stays in the timeline', async () => {
    const jobs = new PostgresJobRepository(testDb.db);
    await jobs.createPushJobs([pushJob('job-a', [{ barcode: 'A', quantity: 1 }])], T0);

    let later: Promise<Job[]> | undefined;
    await testDb.db.transaction(async (tx) => {
      // A scheduled revert holds A's intent, uncommitted ...
      await new PostgresJobRepository(tx as never).createPushJobs(
        [pushJob('job-s', [{ barcode: 'A', quantity: 2 }], { status: 'scheduled', notBefore: at(900_000) })],
        at(1),
      );
      // ... while a newer push starts (its snapshot predates job-s) and waits for the row lock.
      later = jobs.createPushJobs([pushJob('job-t', [{ barcode: 'A', quantity: 3 }])], at(2));
      await untilAWriterWaitsForALock(testDb.db);
    });
    await later;

    const story = await new PostgresPushReadRepository(testDb.db).timeline('conn-1', 'A', null, 50);
    expect(story.map((e) => [e.event, e.jobId, e.quantity])).toEqual([
      ['pushed', 'job-a', 1],
      ['pushed', 'job-s', 2],
      ['superseded', 'job-a', 1],
      ['pushed', 'job-t', 3],
      // job-s is scheduled and will never be sent: this row is all that names it for A.
      ['superseded', 'job-s', 2],
    ]);
  });
});
