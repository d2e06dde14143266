import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PostgresConnectionRepository } from '../../../lambdas/adapters/postgres/connection-repository';
import { PostgresInventoryRepository } from '../../../lambdas/adapters/postgres/inventory-repository';
import { PostgresJobRepository } from '../../../lambdas/adapters/postgres/job-repository';
import { queryRows } from '../../../lambdas/adapters/postgres/rows';
import type { InventoryItem } from '../../../lambdas/domain/inventory-item';
import type { TestDatabase } from '../../support/test-database';
import { at, newConnection, pushJob, T0 } from './fixtures';

/**
 * The inventory repository against a migrated database.
 * Run once per driver from thin test files, so every driver answers the same assertions.
 */
export function inventoryRepositoryContract(label: string, open: () => Promise<TestDatabase>): void {
  describe(`on ${label}`, () => {
    let testDb: TestDatabase;
    let jobs: PostgresJobRepository;
    let inventory: PostgresInventoryRepository;

    beforeAll(async () => {
      testDb = await open();
      jobs = new PostgresJobRepository(testDb.db);
      inventory = new PostgresInventoryRepository(testDb.db);
    });
    afterAll(async () => {
      await testDb?.close();
    });
    beforeEach(async () => {
      await testDb.reset();
      await new PostgresConnectionRepository(testDb.db).create(newConnection(), T0);
    });

    async function acceptedJob(id: string, items: InventoryItem[], batchRequestId: string, when: Date) {
      await jobs.createPushJobs([pushJob(id, items)], when);
      await jobs.startAttempt(id, when);
      await jobs.recordAccepted(id, batchRequestId, { batchRequestId }, when);
    }

    async function stateOf(barcode: string) {
      const [state] = await inventory.getBarcodeStates('conn-1', [barcode], 20);
      if (!state) throw new Error('no state');
      return state;
    }

    describe('InventoryRepository.applyBatchResult', () => {
      it('confirms SUCCESS items with their values, batch id and time', async () => {
        await acceptedJob(
          'job-1',
          [{ barcode: 'A', quantity: 7, salePrice: 11285, listPrice: 12000 }],
          'batch-1',
          T0,
        );
        const result = await inventory.applyBatchResult(
          {
            connectionId: 'conn-1',
            jobId: 'job-1',
            batchRequestId: 'batch-1',
            results: [{ barcode: 'A', status: 'SUCCESS', failureReasons: [] }],
          },
          at(5000),
        );
        expect(result).toEqual({ confirmedUpserted: 1, failed: 0, raced: [], overtaken: [] });
        const state = await stateOf('A');
        expect(state.confirmed).toEqual({
          barcode: 'A',
          quantity: 7,
          salePrice: 11285,
          listPrice: 12000,
          batchRequestId: 'batch-1',
          confirmedAt: at(5000).toISOString(),
        });
        expect(state.inFlight).toMatchObject({ status: 'confirmed', jobId: 'job-1' });
        expect(state.history.map((h) => h.event)).toEqual(['confirmed', 'sent', 'pushed']);
        expect(state.history[0]).toMatchObject({
          batchRequestId: 'batch-1',
          failureReasons: null,
          salePrice: 11285,
        });
      });

      it('keeps failureReasons verbatim and marks the intent failed', async () => {
        const reasons = ['Ürün bulunamadı: "A"', 'listPrice < salePrice', '{"code":42}'];
        await acceptedJob(
          'job-1',
          [
            { barcode: 'A', quantity: 1 },
            { barcode: 'B', quantity: 2 },
          ],
          'batch-1',
          T0,
        );
        const result = await inventory.applyBatchResult(
          {
            connectionId: 'conn-1',
            jobId: 'job-1',
            batchRequestId: 'batch-1',
            results: [
              { barcode: 'A', status: 'FAILED', failureReasons: reasons },
              { barcode: 'B', status: 'SUCCESS', failureReasons: [] },
            ],
          },
          at(1),
        );
        expect(result).toEqual({ confirmedUpserted: 1, failed: 1, raced: [], overtaken: [] });
        const a = await stateOf('A');
        expect(a.confirmed).toBeNull();
        expect(a.inFlight?.status).toBe('failed');
        expect(a.history[0]).toMatchObject({
          event: 'failed',
          failureReasons: reasons,
          batchRequestId: 'batch-1',
        });
        expect((await inventory.findKnownValues('conn-1', ['A'])).get('A')?.status).toBe('failed');
      });

      it('is idempotent: re-applying writes no history and no confirmed rows', async () => {
        await acceptedJob(
          'job-1',
          [{ barcode: 'A', quantity: 1, salePrice: 500, listPrice: 600 }],
          'batch-1',
          T0,
        );
        const input = {
          connectionId: 'conn-1',
          jobId: 'job-1',
          batchRequestId: 'batch-1',
          results: [{ barcode: 'A', status: 'SUCCESS' as const, failureReasons: [] }],
        };
        expect(await inventory.applyBatchResult(input, at(1))).toEqual({
          confirmedUpserted: 1,
          failed: 0,
          raced: [],
          overtaken: [],
        });
        const before = await stateOf('A');
        expect(await inventory.applyBatchResult(input, at(2))).toEqual({
          confirmedUpserted: 0,
          failed: 0,
          raced: [],
          overtaken: [],
        });
        expect(await stateOf('A')).toEqual(before);
        expect(before.confirmed?.confirmedAt).toBe(at(1).toISOString());
      });

      it('never lets an older batch settling late overwrite a newer confirmed value', async () => {
        await acceptedJob(
          'job-old',
          [{ barcode: 'A', quantity: 1, salePrice: 1000, listPrice: 1000 }],
          'b-old',
          T0,
        );
        await acceptedJob(
          'job-new',
          [{ barcode: 'A', quantity: 2, salePrice: 2000, listPrice: 2000 }],
          'b-new',
          at(1),
        );
        const success = [{ barcode: 'A', status: 'SUCCESS' as const, failureReasons: [] }];
        await inventory.applyBatchResult(
          { connectionId: 'conn-1', jobId: 'job-new', batchRequestId: 'b-new', results: success },
          at(2),
        );
        const late = await inventory.applyBatchResult(
          { connectionId: 'conn-1', jobId: 'job-old', batchRequestId: 'b-old', results: success },
          at(3),
        );
        expect(late.confirmedUpserted).toBe(0);
        const state = await stateOf('A');
        expect(state.confirmed).toMatchObject({
          quantity: 2,
          salePrice: 2000,
          listPrice: 2000,
          batchRequestId: 'b-new',
        });
        expect(state.inFlight).toMatchObject({ jobId: 'job-new', status: 'confirmed' });
        // The old job's confirmation is still part of the barcode's story.
        expect(state.history.filter((h) => h.event === 'confirmed').map((h) => h.jobId)).toEqual([
          'job-old',
          'job-new',
        ]);
      });

      it('reports, in the same write, the barcodes another batch raced or overtook', async () => {
        const items = (q: number) => ['A', 'B', 'C'].map((barcode) => ({ barcode, quantity: q }));
        await acceptedJob('job-old', items(1), 'b-old', T0);
        await acceptedJob(
          'job-new',
          [
            { barcode: 'A', quantity: 2 },
            { barcode: 'B', quantity: 2 },
          ],
          'b-new',
          at(1),
        );
        // B was confirmed by the newer batch before the old one was even submitted: overtaken, not raced.
        await inventory.applyBatchResult(
          {
            connectionId: 'conn-1',
            jobId: 'job-new',
            batchRequestId: 'b-new',
            results: [{ barcode: 'B', status: 'SUCCESS', failureReasons: [] }],
          },
          at(1),
        );
        // A is confirmed by the newer batch after the old one was submitted (at 2 s): raced and overtaken.
        await inventory.applyBatchResult(
          {
            connectionId: 'conn-1',
            jobId: 'job-new',
            batchRequestId: 'b-new',
            results: [{ barcode: 'A', status: 'SUCCESS', failureReasons: [] }],
          },
          at(3),
        );
        const success = ['A', 'B', 'C'].map((barcode) => ({
          barcode,
          status: 'SUCCESS' as const,
          failureReasons: [],
        }));
        const old = { connectionId: 'conn-1', jobId: 'job-old', batchRequestId: 'b-old', results: success };
        expect(await inventory.applyBatchResult({ ...old, submittedAt: at(2) }, at(4))).toEqual({
          confirmedUpserted: 1,
          failed: 0,
          raced: ['A'],
          overtaken: ['A', 'B'],
        });
        // Applied again on a later poll: C is the old batch's own now, A and B still another's.
        expect(await inventory.applyBatchResult({ ...old, submittedAt: at(2) }, at(5))).toEqual({
          confirmedUpserted: 0,
          failed: 0,
          raced: ['A'],
          overtaken: ['A', 'B'],
        });
      });

      it('writes nothing for a job of another connection', async () => {
        await acceptedJob('job-1', [{ barcode: 'A', quantity: 1 }], 'b-1', T0);
        const input = {
          connectionId: 'conn-other',
          jobId: 'job-1',
          batchRequestId: 'b-1',
          results: [{ barcode: 'A', status: 'SUCCESS' as const, failureReasons: [] }],
        };
        await expect(inventory.applyBatchResult(input, at(1))).rejects.toThrow(/not found/);
        expect((await stateOf('A')).confirmed).toBeNull();
      });

      it('guards quantity and prices separately (partial field updates)', async () => {
        await acceptedJob(
          'job-1',
          [{ barcode: 'A', quantity: 1, salePrice: 1000, listPrice: 1500 }],
          'b-1',
          T0,
        );
        await acceptedJob('job-2', [{ barcode: 'A', salePrice: 900 }], 'b-2', at(1));
        await acceptedJob('job-3', [{ barcode: 'A', quantity: 3 }], 'b-3', at(2));
        const success = [{ barcode: 'A', status: 'SUCCESS' as const, failureReasons: [] }];
        const apply = (jobId: string, batchRequestId: string, when: Date) =>
          inventory.applyBatchResult(
            { connectionId: 'conn-1', jobId, batchRequestId, results: success },
            when,
          );

        // Newest (quantity only) first, then the price-only one, then the oldest full one.
        expect((await apply('job-3', 'b-3', at(10))).confirmedUpserted).toBe(1);
        expect((await stateOf('A')).confirmed).toMatchObject({
          quantity: 3,
          salePrice: null,
          listPrice: null,
        });
        expect((await apply('job-2', 'b-2', at(11))).confirmedUpserted).toBe(1);
        expect((await stateOf('A')).confirmed).toMatchObject({
          quantity: 3,
          salePrice: 900,
          listPrice: null,
        });
        // job-1's quantity is older than job-3's and its prices older than job-2's: nothing changes.
        expect((await apply('job-1', 'b-1', at(12))).confirmedUpserted).toBe(0);
        expect((await stateOf('A')).confirmed).toEqual({
          barcode: 'A',
          quantity: 3,
          salePrice: 900,
          listPrice: null,
          batchRequestId: 'b-2',
          confirmedAt: at(11).toISOString(),
        });
      });

      it('applies an older batch to the fields a newer confirmed push did not carry', async () => {
        await acceptedJob(
          'job-1',
          [{ barcode: 'A', quantity: 1, salePrice: 1000, listPrice: 1500 }],
          'b-1',
          T0,
        );
        await acceptedJob('job-2', [{ barcode: 'A', quantity: 5 }], 'b-2', at(1));
        const success = [{ barcode: 'A', status: 'SUCCESS' as const, failureReasons: [] }];
        await inventory.applyBatchResult(
          { connectionId: 'conn-1', jobId: 'job-2', batchRequestId: 'b-2', results: success },
          at(2),
        );
        await inventory.applyBatchResult(
          { connectionId: 'conn-1', jobId: 'job-1', batchRequestId: 'b-1', results: success },
          at(3),
        );
        expect((await stateOf('A')).confirmed).toMatchObject({
          quantity: 5,
          salePrice: 1000,
          listPrice: 1500,
          batchRequestId: 'b-1',
        });
      });

      it('round-trips money exactly through numeric(12,2)', async () => {
        const items = [
          { barcode: 'P1', salePrice: 11285, listPrice: 11285 },
          { barcode: 'P2', quantity: 0, salePrice: 0, listPrice: 0 },
          { barcode: 'P3', salePrice: 999_999_999_999, listPrice: 999_999_999_999 },
          { barcode: 'P4', salePrice: 30, listPrice: 10 },
        ];
        await acceptedJob('job-1', items, 'b-1', T0);
        await inventory.applyBatchResult(
          {
            connectionId: 'conn-1',
            jobId: 'job-1',
            batchRequestId: 'b-1',
            results: items.map((i) => ({
              barcode: i.barcode,
              status: 'SUCCESS' as const,
              failureReasons: [],
            })),
          },
          at(1),
        );
        const states = await inventory.getBarcodeStates('conn-1', ['P1', 'P2', 'P3', 'P4'], 1);
        expect(
          states.map((s) => [s.confirmed?.salePrice, s.confirmed?.listPrice, s.confirmed?.quantity]),
        ).toEqual([
          [11285, 11285, null],
          [0, 0, 0],
          [999_999_999_999, 999_999_999_999, null],
          [30, 10, null],
        ]);
        const known = await inventory.findKnownValues('conn-1', ['P3']);
        expect(known.get('P3')?.salePrice).toBe(999_999_999_999);
        // The stored text, not a float: what a psql user sees.
        const rows = await queryRows(
          testDb.db,
          sql`SELECT sale_price::text AS s FROM inventory_confirmed_state ORDER BY barcode`,
        );
        expect(rows.map((row) => row.s)).toEqual(['112.85', '0.00', '9999999999.99', '0.30']);
      });
    });

    describe('InventoryRepository reads', () => {
      it('finds known values for more than 5,000 barcodes (batched JSON parameters)', async () => {
        const barcodes = Array.from({ length: 6_500 }, (_, i) => `B${String(i).padStart(5, '0')}`);
        const chunks: InventoryItem[][] = [];
        for (let i = 0; i < barcodes.length; i += 1000) {
          chunks.push(
            barcodes.slice(i, i + 1000).map((barcode, j) => ({ barcode, quantity: j, salePrice: 100 + j })),
          );
        }
        await jobs.createPushJobs(
          chunks.map((items, chunkIndex) => pushJob(`job-${chunkIndex}`, items, { chunkIndex })),
          T0,
        );
        const known = await inventory.findKnownValues('conn-1', [...barcodes, 'UNKNOWN', 'B00001']);
        expect(known.size).toBe(6_500);
        expect(known.get('B06499')).toEqual({
          barcode: 'B06499',
          quantity: 499,
          salePrice: 599,
          listPrice: null,
          status: 'pending',
          jobId: 'job-6',
          acceptedAt: T0.toISOString(),
        });
        expect(known.has('UNKNOWN')).toBe(false);
        expect(await inventory.findKnownValues('conn-1', [])).toEqual(new Map());

        const page1 = await inventory.listBarcodes('conn-1', null, 3);
        expect(page1).toEqual(['B00000', 'B00001', 'B00002']);
        expect(await inventory.listBarcodes('conn-1', 'B06497', 10)).toEqual(['B06498', 'B06499']);
      });

      it('returns empty states for unknown barcodes and limits history newest first', async () => {
        await acceptedJob('job-1', [{ barcode: 'A', quantity: 1 }], 'b-1', T0);
        const [a, x] = await inventory.getBarcodeStates('conn-1', ['A', 'X'], 1);
        expect(a?.history.map((h) => h.event)).toEqual(['sent']);
        expect(x).toEqual({ barcode: 'X', confirmed: null, inFlight: null, history: [] });
        const [noHistory] = await inventory.getBarcodeStates('conn-1', ['A'], 0);
        expect(noHistory?.history).toEqual([]);
      });
    });
  });
}
