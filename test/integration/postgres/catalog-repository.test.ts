import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PostgresCatalogRepository } from '../../../lambdas/adapters/postgres/catalog-repository';
import { PostgresConnectionRepository } from '../../../lambdas/adapters/postgres/connection-repository';
import { PostgresInventoryRepository } from '../../../lambdas/adapters/postgres/inventory-repository';
import { PostgresJobRepository } from '../../../lambdas/adapters/postgres/job-repository';
import { queryRows } from '../../../lambdas/adapters/postgres/rows';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import { at, newConnection, pushJob, T0 } from './fixtures';

/** The catalog repository on the default driver and on Drizzle's Data API driver (no array parameters). */
function catalogContract(label: string, open: () => Promise<TestDatabase>) {
  describe(`catalog repository on ${label}`, () => {
    let testDb: TestDatabase;
    let catalog: PostgresCatalogRepository;

    beforeAll(async () => {
      testDb = await open();
      catalog = new PostgresCatalogRepository(testDb.db);
    });
    afterAll(async () => {
      await testDb?.close();
    });
    beforeEach(async () => {
      await testDb.reset();
      await new PostgresConnectionRepository(testDb.db).create(newConnection('conn-1'), T0);
    });

    it('upserts variants in bulk, merges partial rows, and moves updatedAt only on real changes', async () => {
      const variants = Array.from({ length: 2500 }, (_, i) => ({
        barcode: `B${String(i).padStart(5, '0')}`,
        quantity: i,
        salePrice: 1000 + i,
        listPrice: 2000 + i,
      }));
      expect(await catalog.upsertVariants('conn-1', variants, T0)).toBe(2500);
      expect(await catalog.upsertVariants('conn-1', variants.slice(0, 10), at(1000))).toBe(0);
      expect(await catalog.upsertVariants('conn-1', [{ barcode: 'B00001', salePrice: 1050 }], at(2000))).toBe(
        1,
      );
      const [row] = await catalog.listVariants('conn-1', { after: null, barcode: 'B00001', limit: 10 });
      expect(row).toEqual({
        barcode: 'B00001',
        quantity: 1,
        salePrice: 1050,
        listPrice: 2001,
        updatedAt: at(2000).toISOString(),
      });
      const [untouched] = await catalog.listVariants('conn-1', { after: null, barcode: 'B00002', limit: 1 });
      expect(untouched?.updatedAt).toBe(T0.toISOString());

      const page = await catalog.listVariants('conn-1', { after: 'B00998', limit: 3 });
      expect(page.map((v) => v.barcode)).toEqual(['B00999', 'B01000', 'B01001']);
      const some = await catalog.getVariants('conn-1', ['B00005', 'NOPE', 'B02499']);
      expect([...some.keys()].sort()).toEqual(['B00005', 'B02499']);
    });

    it('merges settings over the defaults', async () => {
      expect(await catalog.getSettings('conn-1')).toEqual({
        autoSync: true,
        priceGuardPercent: 50,
        stockBuffer: 0,
        driftPolicy: 'report',
      });
      await catalog.saveSettings('conn-1', { stockBuffer: 4 }, T0);
      expect(await catalog.saveSettings('conn-1', { driftPolicy: 'correct' }, at(1))).toMatchObject({
        stockBuffer: 4,
        driftPolicy: 'correct',
      });
      await catalog.setReconcileCursor('conn-1', 'B9', at(2));
      expect(await catalog.getReconcileCursor('conn-1')).toBe('B9');
      expect(await catalog.getSettings('conn-1')).toMatchObject({ stockBuffer: 4, driftPolicy: 'correct' });
    });

    it('counts the price sends the pushes recorded, the newest 30 per barcode', async () => {
      const jobs = new PostgresJobRepository(testDb.db);
      for (let i = 0; i < 35; i += 1) {
        await jobs.createPushJobs(
          [
            pushJob(`job-${i}`, [
              { barcode: 'A', salePrice: 1000 + i },
              { barcode: 'B', listPrice: 2000 + i },
              { barcode: 'S', quantity: i },
            ]),
          ],
          at(i),
        );
      }
      await jobs.createPushJobs([pushJob('job-c', [{ barcode: 'C', quantity: 1, salePrice: 5 }])], at(5));
      // A dry run (no intents) sends nothing to Trendyol, so it uses no budget.
      await jobs.createPushJobs(
        [pushJob('job-dry', [{ barcode: 'D', salePrice: 7 }], { recordsIntent: false })],
        at(6),
      );
      const { priceSends: sends } = await new PostgresInventoryRepository(testDb.db).findPushState('conn-1', [
        'A',
        'B',
        'C',
        'D',
        'S',
      ]);
      expect(sends.get('A')).toEqual(Array.from({ length: 30 }, (_, i) => at(5 + i).getTime()));
      expect(sends.get('B')).toEqual(sends.get('A'));
      expect(sends.get('C')).toEqual([at(5).getTime()]);
      expect(sends.has('D')).toBe(false);
      // stock only: no price update
      expect(sends.has('S')).toBe(false);
    });

    it('counts the price send of an older job that a newer one already replaced', async () => {
      const jobs = new PostgresJobRepository(testDb.db);
      await jobs.createPushJobs([pushJob('job-new', [{ barcode: 'A', salePrice: 1100 }])], at(2));
      // seq is drawn at insert, so the older value arrives second; the statement keeps the newer value
      // but the older push still sent a price.
      await testDb.db.execute(sql`UPDATE inventory_intent SET seq = seq + 1000`);
      await jobs.createPushJobs([pushJob('job-old', [{ barcode: 'A', salePrice: 1000 }])], at(1));
      const { priceSends, known } = await new PostgresInventoryRepository(testDb.db).findPushState('conn-1', [
        'A',
      ]);
      expect(priceSends.get('A')).toEqual([at(1).getTime(), at(2).getTime()]);
      expect(known.get('A')).toMatchObject({ salePrice: 1100 });
    });

    it('stores holds with a history entry, lists them by kind and clears them', async () => {
      await catalog.saveHolds(
        'conn-1',
        [
          {
            barcode: 'H1',
            salePrice: 10,
            reason: 'PRICE_JUMP',
            message: 'm',
            referenceSalePrice: 1000,
            retryAtMs: null,
          },
          {
            barcode: 'H2',
            salePrice: 20,
            reason: 'PRICE_BUDGET',
            message: 'b',
            referenceSalePrice: null,
            retryAtMs: at(60_000).getTime(),
          },
        ],
        'push-1',
        T0,
      );
      expect(await catalog.countHolds('conn-1')).toBe(2);
      expect(await catalog.listHolds('conn-1', { kind: 'guard', after: null, limit: 10 })).toEqual([
        {
          barcode: 'H1',
          salePrice: 10,
          listPrice: null,
          reason: 'PRICE_JUMP',
          message: 'm',
          referenceSalePrice: 1000,
          retryAt: null,
          heldAt: T0.toISOString(),
        },
      ]);
      const [budget] = await catalog.listHolds('conn-1', {
        kind: 'budget',
        barcodes: ['H2'],
        after: null,
        limit: 10,
      });
      expect(budget?.retryAt).toBe(at(60_000).toISOString());
      const history = await new PostgresInventoryRepository(testDb.db).getBarcodeStates(
        'conn-1',
        ['H1', 'H2'],
        5,
      );
      expect(history.flatMap((s) => s.history.map((h) => h.event)).sort()).toEqual(['deferred', 'held']);
      expect(await catalog.clearHolds('conn-1', ['H1', 'H3'])).toBe(1);
      expect(await catalog.countHolds('conn-1')).toBe(1);
    });

    it('reads confirmed values in rotation order and keeps drift until it is gone', async () => {
      await queryRows(
        testDb.db,
        sql`INSERT INTO inventory_confirmed_state
          (connection_id, barcode, quantity, sale_price, list_price, batch_request_id, confirmed_at)
          VALUES ('conn-1', 'D1', 5, 10.00, 12.00, 'b', now()), ('conn-1', 'D2', 5, 20.50, NULL, 'b', now())
          RETURNING 1`,
      );
      expect(await catalog.listConfirmed('conn-1', 'D1', 10)).toEqual([
        { barcode: 'D2', quantity: 5, salePrice: 2050, listPrice: null },
      ]);
      const drift = {
        barcode: 'D1',
        kind: 'price' as const,
        confirmed: { quantity: 5, salePrice: 1000, listPrice: 1200 },
        live: { quantity: 5, salePrice: 800, listPrice: 1200 },
        action: 'reported' as const,
        detectedAt: T0.toISOString(),
      };
      await catalog.saveDrift('conn-1', ['D1', 'D2'], [drift]);
      await catalog.saveDrift('conn-1', ['D1'], [{ ...drift, detectedAt: at(5000).toISOString() }]);
      expect(await catalog.listDrift('conn-1', null, 10)).toEqual([drift]);
      expect(await catalog.driftSummary('conn-1')).toEqual({
        count: 1,
        price: 1,
        stock: 0,
        lastDetectedAt: T0.toISOString(),
      });
      await catalog.saveDrift('conn-1', ['D1'], []);
      expect(await catalog.listDrift('conn-1', null, 10)).toEqual([]);
    });
  });
}

catalogContract('the default driver', () => createTestDatabase());
catalogContract('the Data API', () => createTestDatabase({ driver: 'data-api' }));
