import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PostgresConnectionRepository } from '../../../lambdas/adapters/postgres/connection-repository';
import { PostgresInventoryRepository } from '../../../lambdas/adapters/postgres/inventory-repository';
import { PostgresJobRepository } from '../../../lambdas/adapters/postgres/job-repository';
import type { TestDatabase } from '../../support/test-database';
import { at, newConnection, pushJob, T0 } from './fixtures';

/**
 * The connection and job repositories against a migrated database.
 * Run once per driver from thin test files, so every driver answers the same assertions.
 */
export function repositoryContract(label: string, open: () => Promise<TestDatabase>): void {
  describe(`on ${label}`, () => {
    let testDb: TestDatabase;
    let connections: PostgresConnectionRepository;
    let jobs: PostgresJobRepository;
    let inventory: PostgresInventoryRepository;

    beforeAll(async () => {
      testDb = await open();
      connections = new PostgresConnectionRepository(testDb.db);
      jobs = new PostgresJobRepository(testDb.db);
      inventory = new PostgresInventoryRepository(testDb.db);
    });
    afterAll(async () => {
      await testDb?.close();
    });
    beforeEach(async () => {
      await testDb.reset();
    });

    describe('ConnectionRepository', () => {
      it('creates, lists, gets and updates connections with ISO timestamps', async () => {
        const created = await connections.create(newConnection('conn-1'), T0);
        expect(created).toEqual({
          ...newConnection('conn-1'),
          createdAt: T0.toISOString(),
          updatedAt: T0.toISOString(),
        });
        await connections.create({ ...newConnection('conn-2'), integratorName: 'SelfIntegration' }, at(1000));

        const all = await connections.list();
        expect(all.map((c) => c.id)).toEqual(['conn-1', 'conn-2']);
        expect(all[1]?.integratorName).toBe('SelfIntegration');
        expect(await connections.get('missing')).toBeUndefined();

        const updated = await connections.update('conn-1', { name: 'Renamed', status: 'paused' }, at(5000));
        expect(updated).toMatchObject({ name: 'Renamed', status: 'paused', secretRef: 'secret/conn-1' });
        expect(updated?.createdAt).toBe(T0.toISOString());
        expect(updated?.updatedAt).toBe(at(5000).toISOString());
        expect(await connections.update('missing', { name: 'x' }, T0)).toBeUndefined();
      });

      it('starts IDLE and merges state patches field by field', async () => {
        await connections.create(newConnection(), T0);
        expect(await connections.getState('conn-1')).toEqual({
          lastAttemptAt: null,
          lastSuccessAt: null,
          lastStatus: 'IDLE',
          lastJobId: null,
          lastError: null,
          updatedAt: T0.toISOString(),
        });
        expect(await connections.getState('missing')).toBeUndefined();

        await connections.updateState(
          'conn-1',
          { lastStatus: 'RUNNING', lastAttemptAt: at(1).toISOString(), lastJobId: 'job-1' },
          at(2),
        );
        await connections.updateState('conn-1', { lastStatus: 'ERROR', lastError: 'HTTP 401' }, at(3));
        expect(await connections.getState('conn-1')).toEqual({
          lastAttemptAt: at(1).toISOString(),
          lastSuccessAt: null,
          lastStatus: 'ERROR',
          lastJobId: 'job-1',
          lastError: 'HTTP 401',
          updatedAt: at(3).toISOString(),
        });
        await connections.updateState('conn-1', { lastError: null, lastStatus: 'SUCCESS' }, at(4));
        expect(await connections.getState('conn-1')).toMatchObject({ lastError: null, lastJobId: 'job-1' });
      });

      it('recreates a missing state row on update', async () => {
        await connections.create(newConnection(), T0);
        await testDb.db.execute(sql`DELETE FROM connection_state`);
        await connections.updateState(
          'conn-1',
          { lastStatus: 'SUCCESS', lastSuccessAt: at(9).toISOString() },
          at(10),
        );
        expect(await connections.getState('conn-1')).toMatchObject({
          lastStatus: 'SUCCESS',
          lastSuccessAt: at(9).toISOString(),
          lastAttemptAt: null,
        });
      });
    });

    describe('JobRepository', () => {
      beforeEach(async () => {
        await connections.create(newConnection(), T0);
      });

      it('creates the jobs of a push with increasing seq, intents and pushed history in one transaction', async () => {
        const created = await jobs.createPushJobs(
          [
            pushJob('job-a', [{ barcode: 'A', quantity: 1, salePrice: 11285, listPrice: 12000 }]),
            pushJob('job-b', [{ barcode: 'B', quantity: 2 }], { chunkIndex: 1 }),
            pushJob('job-dry', [{ barcode: 'C', quantity: 3 }], { chunkIndex: 2, recordsIntent: false }),
          ],
          T0,
        );
        expect(created.map((j) => j.seq)).toEqual([1, 2, 3]);
        const later = await jobs.createPushJobs(
          [pushJob('job-c', [{ barcode: 'A', quantity: 5 }])],
          at(1000),
        );
        expect(later[0]?.seq).toBe(4);

        const stored = await jobs.get('job-a');
        expect(stored).toEqual(created[0]);
        expect(stored).toMatchObject({
          type: 'TRENDYOL_PUSH_PRICE_STOCK',
          status: 'queued',
          attempts: 0,
          itemCount: 1,
          items: [{ barcode: 'A', quantity: 1, salePrice: 11285, listPrice: 12000 }],
          createdAt: T0.toISOString(),
        });

        const known = await inventory.findKnownValues('conn-1', ['A', 'B', 'C']);
        // A: the newer job's quantity, prices kept from the earlier accepted value; C was a dry run.
        expect(known.get('A')).toEqual({
          barcode: 'A',
          quantity: 5,
          salePrice: 11285,
          listPrice: 12000,
          status: 'pending',
          jobId: 'job-c',
          // When job-c's push was accepted: dedup tells a later change from a concurrent twin by it.
          acceptedAt: at(1000).toISOString(),
        });
        expect(known.get('B')).toMatchObject({
          quantity: 2,
          salePrice: null,
          status: 'pending',
          jobId: 'job-b',
        });
        expect(known.has('C')).toBe(false);

        const [state] = await inventory.getBarcodeStates('conn-1', ['A'], 10);
        // Newest first: job-c's push, then the value it superseded (the push's entry is at its job's seq).
        expect(state?.history.map((h) => [h.event, h.jobId, h.quantity])).toEqual([
          ['superseded', 'job-a', 1],
          ['pushed', 'job-c', 5],
          ['pushed', 'job-a', 1],
        ]);
        expect(state?.inFlight).toMatchObject({
          jobId: 'job-c',
          status: 'pending',
          acceptedAt: at(1000).toISOString(),
        });
      });

      it('a push whose intent statement runs twice in its transaction (a retried call) records nothing twice as superseded', async () => {
        await jobs.createPushJobs([pushJob('job-a', [{ barcode: 'A', quantity: 1 }])], T0);
        await retryingIntentStatement(testDb.db).createPushJobs(
          [pushJob('job-b', [{ barcode: 'A', quantity: 2 }])],
          at(1),
        );
        const [state] = await inventory.getBarcodeStates('conn-1', ['A'], 10);
        const superseded = state?.history.filter((h) => h.event === 'superseded') ?? [];
        // job-a's value was superseded once; job-b's own value never.
        expect(superseded.map((h) => h.jobId)).toEqual(['job-a']);
      });

      it('a push that loses its barcode to a newer job (two pushes racing) keeps its pushed entry, once', async () => {
        await jobs.createPushJobs([pushJob('job-a', [{ barcode: 'A', quantity: 1 }])], T0);
        await jobs.createPushJobs([pushJob('job-newer', [{ barcode: 'A', quantity: 7 }])], at(1));
        // As if job-newer had taken its seq after job-b but committed first: its intent outranks job-b.
        await testDb.db.execute(sql`UPDATE inventory_intent SET seq = seq + 1000000 WHERE barcode = 'A'`);
        await retryingIntentStatement(testDb.db).createPushJobs(
          [pushJob('job-b', [{ barcode: 'A', quantity: 2 }])],
          at(2),
        );
        expect((await inventory.findKnownValues('conn-1', ['A'])).get('A')).toMatchObject({
          quantity: 7,
          jobId: 'job-newer',
        });
        const [state] = await inventory.getBarcodeStates('conn-1', ['A'], 10);
        expect(state?.history.map((h) => [h.event, h.jobId, h.quantity])).toEqual([
          ['pushed', 'job-b', 2],
          ['superseded', 'job-a', 1],
          ['pushed', 'job-newer', 7],
          ['pushed', 'job-a', 1],
        ]);
      });

      it('rolls back the whole push when one job fails to insert', async () => {
        await jobs.createPushJobs([pushJob('job-a', [{ barcode: 'A', quantity: 1 }])], T0);
        await expect(
          jobs.createPushJobs(
            [
              pushJob('job-new', [{ barcode: 'N', quantity: 1 }]),
              pushJob('job-a', [{ barcode: 'A', quantity: 2 }]),
            ],
            at(1),
          ),
        ).rejects.toThrow();
        expect(await jobs.get('job-new')).toBeUndefined();
        const known = await inventory.findKnownValues('conn-1', ['A', 'N']);
        expect(known.get('A')?.quantity).toBe(1);
        expect(known.has('N')).toBe(false);
      });

      it('counts attempts and refuses to restart a finished job', async () => {
        await jobs.createPushJobs([pushJob('job-a', [{ barcode: 'A', quantity: 1 }])], T0);
        const first = await jobs.startAttempt('job-a', at(1));
        expect(first.job).toMatchObject({ status: 'running', attempts: 1, startedAt: at(1).toISOString() });
        expect(first.job?.items).toEqual([{ barcode: 'A', quantity: 1 }]);
        // The job's connection comes back in the same round trip, as connections.get reads it.
        expect(first.connection).toEqual(await connections.get('conn-1'));
        // What the job was before this attempt, from the same write.
        expect(first.before).toMatchObject({ status: 'queued', attempts: 0, updatedAt: T0.toISOString() });
        await jobs.requeue('job-a', { code: 'HTTP_503', message: 'unavailable' }, at(2));
        expect(await jobs.get('job-a')).toMatchObject({ status: 'queued', error: { code: 'HTTP_503' } });
        const second = await jobs.startAttempt('job-a', at(3));
        expect(second.job).toMatchObject({ status: 'running', attempts: 2, startedAt: at(1).toISOString() });
        expect(second.before).toMatchObject({
          status: 'queued',
          attempts: 1,
          updatedAt: at(2).toISOString(),
        });
        // A delivery that finds the job running (an earlier one stopped mid-send) is told so.
        const third = await jobs.startAttempt('job-a', at(4));
        expect(third.before).toMatchObject({
          status: 'running',
          attempts: 2,
          updatedAt: at(3).toISOString(),
        });
        expect(third.job).toMatchObject({ status: 'running', attempts: 3 });

        await jobs.finish('job-a', { status: 'success', summary: { note: 'done' }, error: null }, at(4));
        expect(await jobs.startAttempt('job-a', at(5))).toEqual({
          before: expect.objectContaining({ status: 'success', attempts: 3 }),
          job: undefined,
        });
        expect(await jobs.get('job-a')).toMatchObject({
          status: 'success',
          attempts: 3,
          finishedAt: at(4).toISOString(),
          summary: { note: 'done' },
        });
        expect(await jobs.startAttempt('missing', at(5))).toEqual({ before: undefined, job: undefined });
      });

      it('records acceptance (intents → sent) and merges the summary', async () => {
        await jobs.createPushJobs(
          [
            pushJob('job-a', [
              { barcode: 'A', quantity: 1 },
              { barcode: 'B', quantity: 2 },
            ]),
          ],
          T0,
        );
        await jobs.startAttempt('job-a', at(1));
        await jobs.recordAccepted(
          'job-a',
          'batch-1',
          { bodyHash: 'hash-job-a', batchRequestId: 'batch-1' },
          at(2),
        );
        await jobs.recordAccepted(
          'job-a',
          'batch-1',
          { bodyHash: 'hash-job-a', batchRequestId: 'batch-1' },
          at(3),
        );
        // The hand-off's SUCCESS state is written with the acceptance, before any workflow starts.
        expect(await connections.getState('conn-1')).toMatchObject({
          lastStatus: 'SUCCESS',
          lastError: null,
          lastJobId: 'job-a',
          updatedAt: at(3).toISOString(),
        });
        await jobs.mergeSummary('job-a', { confirmedUpserted: 2 }, at(4));

        const job = await jobs.findByBatchRequestId('batch-1');
        expect(job).toMatchObject({
          id: 'job-a',
          status: 'running',
          batchRequestId: 'batch-1',
          summary: { bodyHash: 'hash-job-a', batchRequestId: 'batch-1', confirmedUpserted: 2 },
        });
        expect(await jobs.findByBatchRequestId('nope')).toBeUndefined();
        const known = await inventory.findKnownValues('conn-1', ['A', 'B']);
        expect([...known.values()].map((k) => k.status)).toEqual(['sent', 'sent']);
        const [state] = await inventory.getBarcodeStates('conn-1', ['A'], 10);
        expect(state?.history.map((h) => [h.event, h.batchRequestId])).toEqual([
          ['sent', 'batch-1'],
          ['pushed', null],
        ]);
        expect((await jobs.latestForConnection('conn-1'))?.id).toBe('job-a');
      });

      it('writes no history for a job that recorded no intents (a dry run), whatever becomes of it', async () => {
        await jobs.createPushJobs(
          [pushJob('job-dry', [{ barcode: 'C', quantity: 3 }], { recordsIntent: false })],
          T0,
        );
        await jobs.recordAccepted('job-dry', 'batch-dry', {}, at(1));
        await jobs.finish(
          'job-dry',
          { status: 'failed', summary: {}, error: { code: 'HTTP_400', message: 'bad request' } },
          at(2),
        );
        await inventory.applyBatchResult(
          {
            connectionId: 'conn-1',
            jobId: 'job-dry',
            batchRequestId: 'batch-dry',
            results: [{ barcode: 'C', status: 'SUCCESS', failureReasons: [] }],
          },
          at(3),
        );
        const [c] = await inventory.getBarcodeStates('conn-1', ['C'], 10);
        expect(c?.history).toEqual([]);
      });

      it('marks the intents of a failed job failed with the error message in history', async () => {
        await jobs.createPushJobs(
          [
            pushJob('job-a', [
              { barcode: 'A', quantity: 1 },
              { barcode: 'B', quantity: 2 },
            ]),
          ],
          T0,
        );
        // B is pushed again by a newer job: only A is still job-a's current intent.
        await jobs.createPushJobs([pushJob('job-b', [{ barcode: 'B', quantity: 3 }])], at(1));
        await jobs.finish(
          'job-a',
          { status: 'failed', summary: {}, error: { code: 'HTTP_400', message: 'bad request' } },
          at(2),
        );
        const known = await inventory.findKnownValues('conn-1', ['A', 'B']);
        expect(known.get('A')).toMatchObject({ status: 'failed', jobId: 'job-a' });
        expect(known.get('B')).toMatchObject({ status: 'pending', jobId: 'job-b' });
        const [a] = await inventory.getBarcodeStates('conn-1', ['A'], 1);
        expect(a?.history).toEqual([
          {
            barcode: 'A',
            event: 'failed',
            jobId: 'job-a',
            batchRequestId: null,
            quantity: 1,
            salePrice: null,
            listPrice: null,
            failureReasons: ['bad request'],
            at: at(2).toISOString(),
          },
        ]);
        expect(await jobs.get('job-a')).toMatchObject({
          status: 'failed',
          error: { message: 'bad request' },
        });
      });

      it('lists due scheduled jobs oldest first, reschedules and releases them narrowed', async () => {
        await jobs.createPushJobs(
          [
            pushJob('job-s2', [{ barcode: 'A', quantity: 1 }], { status: 'scheduled', notBefore: at(2000) }),
            pushJob(
              'job-s1',
              [
                { barcode: 'B', quantity: 1 },
                { barcode: 'C', quantity: 1 },
              ],
              {
                status: 'scheduled',
                notBefore: at(1000),
                chunkIndex: 1,
              },
            ),
            pushJob('job-later', [{ barcode: 'D', quantity: 1 }], {
              status: 'scheduled',
              notBefore: at(60_000),
            }),
          ],
          T0,
        );
        const due = await jobs.listDueScheduled(at(5000), 10);
        expect(due.map((j) => j.id)).toEqual(['job-s1', 'job-s2']);
        expect(due[0]?.notBefore).toBe(at(1000).toISOString());
        expect((await jobs.listDueScheduled(at(5000), 1)).map((j) => j.id)).toEqual(['job-s1']);

        const narrowed = [{ barcode: 'B', quantity: 1 }];
        await jobs.releaseScheduled(
          'job-s1',
          { items: narrowed, body: '{"items":[B]}', bodyHash: 'h2' },
          at(6000),
        );
        expect(await jobs.get('job-s1')).toMatchObject({
          status: 'queued',
          items: narrowed,
          itemCount: 1,
          body: '{"items":[B]}',
          bodyHash: 'h2',
        });
        expect((await jobs.listDueScheduled(at(5000), 10)).map((j) => j.id)).toEqual(['job-s2']);
        // C left job-s1's items, which are its pushed entries: C's timeline still shows the push, once.
        const [b, c] = await inventory.getBarcodeStates('conn-1', ['B', 'C'], 10);
        expect(b?.history.map((h) => [h.event, h.jobId])).toEqual([['pushed', 'job-s1']]);
        expect(c?.history.map((h) => [h.event, h.jobId, h.at])).toEqual([
          ['pushed', 'job-s1', T0.toISOString()],
        ]);

        await jobs.startAttempt('job-s1', at(7000));
        await jobs.reschedule(
          'job-s1',
          at(900_000),
          { code: 'DEDUP_WINDOW', message: 'outcome unknown' },
          at(8000),
        );
        expect(await jobs.get('job-s1')).toMatchObject({
          status: 'scheduled',
          notBefore: at(900_000).toISOString(),
          error: { code: 'DEDUP_WINDOW' },
        });
        expect((await jobs.listDueScheduled(at(900_000), 10)).map((j) => j.id)).toEqual([
          'job-s2',
          'job-later',
          'job-s1',
        ]);
      });

      it('round-trips a 1,000-item chunk whose body is larger than a Data API row', async () => {
        const items = Array.from({ length: 1000 }, (_, i) => ({
          barcode: `869694700${String(i).padStart(4, '0')}`,
          quantity: i,
          salePrice: 100_000 + i,
          listPrice: 200_000 + i,
        }));
        const [created] = await jobs.createPushJobs([pushJob('job-big', items)], T0);
        expect(created?.body.length).toBeGreaterThan(64_000);
        const stored = await jobs.get('job-big');
        expect(stored?.body).toBe(created?.body);
        expect(stored?.items).toEqual(items);
      });
    });
  });
}

/**
 * A job repository on `db` whose push sends its intent statement twice inside the transaction, as
 * the SDK would after a lost answer.
 */
function retryingIntentStatement(db: TestDatabase['db']): PostgresJobRepository {
  const twice = new Proxy(db, {
    get(target, prop, receiver) {
      if (prop !== 'transaction') return Reflect.get(target, prop, receiver);
      return (run: (tx: unknown) => Promise<unknown>) =>
        target.transaction((tx) =>
          run(
            new Proxy(tx, {
              get(t, p, r) {
                if (p !== 'execute') return Reflect.get(t, p, r);
                return async (query: Parameters<typeof t.execute>[0]) => {
                  const first = await t.execute(query);
                  const text = JSON.stringify(query);
                  return text.includes('superseded AS') ? t.execute(query) : first;
                };
              },
            }),
          ),
        );
    },
  });
  return new PostgresJobRepository(twice);
}
