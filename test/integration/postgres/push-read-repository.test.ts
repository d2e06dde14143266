import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresCatalogRepository } from '../../../lambdas/adapters/postgres/catalog-repository';
import { PostgresConnectionRepository } from '../../../lambdas/adapters/postgres/connection-repository';
import { PostgresInventoryRepository } from '../../../lambdas/adapters/postgres/inventory-repository';
import { PostgresJobRepository } from '../../../lambdas/adapters/postgres/job-repository';
import { PostgresPushReadRepository } from '../../../lambdas/adapters/postgres/push-read-repository';
import { createTestDatabase, type TestDatabase, type TestDriver } from '../../support/test-database';
import { at, newConnection, pagedTimeline, pushJob, T0 } from './fixtures';

// The operator surfaces' reads on the default driver (PGlite, or PostgreSQL with DATABASE_URL) and on
// Drizzle's Data API driver over the stand-in, which returns numbers and timestamps differently.
for (const driver of [undefined, 'data-api'] as Array<TestDriver | undefined>) {
  describe(`push reads on ${driver ?? 'the default driver'}`, () => {
    let testDb: TestDatabase;
    let reads: PostgresPushReadRepository;

    beforeAll(async () => {
      testDb = await createTestDatabase(driver ? { driver } : {});
      const connections = new PostgresConnectionRepository(testDb.db);
      const jobs = new PostgresJobRepository(testDb.db);
      const inventory = new PostgresInventoryRepository(testDb.db);
      reads = new PostgresPushReadRepository(testDb.db);
      await connections.create(newConnection('conn-1'), T0);
      const item = (barcode: string, quantity: number) => ({ barcode, quantity });
      // Push A: two chunks, the second with a refused item; push B: one scheduled chunk.
      await jobs.createPushJobs(
        [
          pushJob('a0', [item('X1', 1), item('X2', 2)], { pushId: 'push-a', chunkIndex: 0 }),
          pushJob('a1', [item('X3', 3), item('BAD', 4)], { pushId: 'push-a', chunkIndex: 1 }),
        ],
        T0,
      );
      await jobs.createPushJobs(
        [pushJob('b0', [item('X1', 9)], { pushId: 'push-b', status: 'scheduled', notBefore: at(900_000) })],
        at(1_000),
      );
      for (const [id, batch] of [
        ['a0', 'batch-0'],
        ['a1', 'batch-1'],
      ] as const) {
        await jobs.startAttempt(id, at(2_000));
        await jobs.recordAccepted(id, batch, {}, at(3_000));
        await jobs.finish(id, { status: 'success', summary: {}, error: null }, at(3_000));
      }
      await inventory.applyBatchResult(
        {
          connectionId: 'conn-1',
          jobId: 'a1',
          batchRequestId: 'batch-1',
          results: [
            { barcode: 'X3', status: 'SUCCESS', failureReasons: [] },
            { barcode: 'BAD', status: 'FAILED', failureReasons: ['Barkod formatı geçersiz'] },
          ],
        },
        at(7_000),
      );
      await jobs.mergeSummary(
        'a1',
        {
          confirmation: {
            status: 'SETTLED',
            successCount: 1,
            failedCount: 1,
            settledAt: at(7_000).toISOString(),
          },
        },
        at(7_000),
      );
      await jobs.recordSettlement(
        'a1',
        { confirmation: 'partial', counts: { confirmed: 1, failed: 1, unresolved: 0 }, summary: {} },
        at(7_000),
      );
    });
    afterAll(async () => {
      await testDb?.close();
    });

    it('reads a push’s chunks in order, without payloads, and its failed items with reasons', async () => {
      const chunks = await reads.jobsOfPush('push-a');
      expect(chunks.map((c) => [c.id, c.chunkIndex, c.itemCount, c.batchRequestId])).toEqual([
        ['a0', 0, 2, 'batch-0'],
        ['a1', 1, 2, 'batch-1'],
      ]);
      expect(chunks[0]).not.toHaveProperty('body');
      expect(typeof chunks[0]?.seq).toBe('number');
      expect(await reads.jobsOfPush('nope')).toEqual([]);
      expect(await reads.failedItemsOfPush('push-a', 10)).toEqual([
        {
          barcode: 'BAD',
          jobId: 'a1',
          batchRequestId: 'batch-1',
          failureReasons: ['Barkod formatı geçersiz'],
          at: at(7_000).toISOString(),
        },
      ]);
    });

    it('lists pushes newest first and pages by the first chunk’s seq', async () => {
      const all = await reads.listPushes('conn-1', null, 10);
      expect(all.map((p) => [p.pushId, p.chunkCount, p.itemCount, p.createdAt])).toEqual([
        ['push-b', 1, 1, at(1_000).toISOString()],
        ['push-a', 2, 4, T0.toISOString()],
      ]);
      expect((await reads.listPushes('conn-1', all[0]?.firstSeq ?? 0, 10)).map((p) => p.pushId)).toEqual([
        'push-a',
      ]);
    });

    it('lists jobs newest first, by status and confirmation, after a seq', async () => {
      expect((await reads.listJobs({ connectionId: 'conn-1' }, null, 10)).map((j) => j.id)).toEqual([
        'b0',
        'a1',
        'a0',
      ]);
      expect(
        (await reads.listJobs({ connectionId: 'conn-1', status: 'scheduled' }, null, 10)).map((j) => j.id),
      ).toEqual(['b0']);
      // Confirmation: a0 was accepted and not settled (pending), a1 settled partial, b0 never sent (null).
      const byConfirmation = async (confirmation: 'pending' | 'partial' | 'confirmed', status?: 'success') =>
        (await reads.listJobs({ connectionId: 'conn-1', confirmation, status }, null, 10)).map((j) => j.id);
      expect(await byConfirmation('pending')).toEqual(['a0']);
      expect(await byConfirmation('partial')).toEqual(['a1']);
      expect(await byConfirmation('partial', 'success')).toEqual(['a1']);
      expect(await byConfirmation('confirmed')).toEqual([]);
      const [newest] = await reads.listJobs({ connectionId: 'conn-1' }, null, 1);
      expect(
        (await reads.listJobs({ connectionId: 'conn-1' }, newest?.seq ?? 0, 1)).map((j) => j.id),
      ).toEqual(['a1']);
    });

    it('tells a barcode’s history in order and pages after an entry id; finds barcodes by state', async () => {
      const story = await reads.timeline('conn-1', 'X1', null, 50);
      // Push B superseded a0's value before a0 was sent: history keeps the order things happened in
      // (b0's push, then what it superseded; a push's entry is its job's items at the job's seq).
      expect(story.map((e) => [e.event, e.jobId, e.quantity])).toEqual([
        ['pushed', 'a0', 1],
        ['pushed', 'b0', 9],
        ['superseded', 'a0', 1],
        ['sent', 'a0', 1],
      ]);
      const after = await reads.timeline('conn-1', 'X1', story[1]?.id ?? 0, 50);
      expect(after.map((e) => e.event)).toEqual(story.slice(2).map((e) => e.event));
      expect(await reads.listBarcodesInState('conn-1', 'failed', null, 10)).toEqual(['BAD']);
      expect(await reads.listBarcodesInState('conn-1', 'scheduled', null, 10)).toEqual(['X1']);
      expect(await reads.listBarcodesInState('conn-1', 'unconfirmed', null, 10)).toEqual([]);
    });

    it('pages a barcode pushed by many jobs one, two or three entries at a time without a gap or a repeat', async () => {
      // Barcode P: eight pushes, each superseding the one before while pending; every other one sent.
      const jobs = new PostgresJobRepository(testDb.db);
      for (let n = 1; n <= 8; n += 1) {
        await jobs.createPushJobs([pushJob(`p${n}`, [{ barcode: 'P', quantity: n }])], at(10_000 + n));
        if (n % 2 === 0) await jobs.recordAccepted(`p${n}`, `batch-p${n}`, {}, at(10_000 + n));
      }
      const story = (await reads.timeline('conn-1', 'P', null, 100)).map((e) => [e.event, e.jobId, e.id]);
      expect(story.filter(([event]) => event === 'pushed').map(([, jobId]) => jobId)).toEqual(
        Array.from({ length: 8 }, (_, i) => `p${i + 1}`),
      );
      for (const limit of [1, 2, 3]) {
        const paged = await pagedTimeline(reads, 'conn-1', 'P', limit);
        expect(paged.map((e) => [e.event, e.jobId, e.id])).toEqual(story);
      }
    });

    it('finds held and drifted barcodes in the catalog tables and counts a push’s held prices', async () => {
      const catalog = new PostgresCatalogRepository(testDb.db);
      const hold = (barcode: string, reason: 'PRICE_JUMP' | 'PRICE_BUDGET') => ({
        barcode,
        salePrice: 1_000,
        reason,
        message: 'kept back',
        referenceSalePrice: 100_000,
        retryAtMs: reason === 'PRICE_BUDGET' ? at(60_000).getTime() : null,
      });
      await catalog.saveHolds(
        'conn-1',
        [hold('H2', 'PRICE_JUMP'), hold('H1', 'PRICE_BUDGET')],
        'push-h',
        at(8_000),
      );
      const none = { quantity: null, salePrice: null, listPrice: null };
      await catalog.saveDrift(
        'conn-1',
        ['D1'],
        [
          {
            barcode: 'D1',
            kind: 'stock',
            confirmed: none,
            live: none,
            action: 'reported',
            detectedAt: at(9_000).toISOString(),
          },
        ],
      );
      expect(await reads.listBarcodesInState('conn-1', 'held', null, 10)).toEqual(['H1', 'H2']);
      expect(await reads.listBarcodesInState('conn-1', 'held', 'H1', 10)).toEqual(['H2']);
      expect(await reads.listBarcodesInState('conn-1', 'drifted', null, 10)).toEqual(['D1']);
      // The budget-deferred H1 is not a guard hold: the push answer's heldCount is 1, and so is this.
      expect(await reads.heldCountOfPush('push-h')).toBe(1);
      expect(await reads.heldCountOfPush('push-a')).toBe(0);
    });

    it('gives the accept → confirm lag of settled chunks since a time', async () => {
      expect(await reads.confirmationLags('conn-1', T0)).toEqual([
        { lagMs: 7_000, items: 1, settledAt: at(7_000).toISOString() },
      ]);
      expect(await reads.confirmationLags('conn-1', at(8_000))).toEqual([]);
    });
  });
}
