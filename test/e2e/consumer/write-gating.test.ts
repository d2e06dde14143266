import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRY_RUN_NOTE, WRITES_DISABLED_NOTE } from '../../../lambdas/domain/write-gate';
import {
  type ConsumerStack,
  getJob,
  getStatus,
  item,
  mark,
  newConnection,
  push,
  startConsumerStack,
  uniqueBarcode,
  updatesSince,
} from './consumer-harness';

const SEED_ITEM = { barcode: '8696947006698', quantity: 0, salePrice: 0, listPrice: 0, currencyType: 'TRY' };
const SEED_BODY = '{"items":[{"barcode":"8696947006698","quantity":0,"salePrice":0,"listPrice":0}]}';
const SEED_SUMMARY_KEYS = [
  'bodyHash',
  'coalescedCount',
  'dryRun',
  'durationMs',
  'forceWriteAllowed',
  'forceWriteEffective',
  'forceWriteParam',
  'itemCount',
  'originalCount',
  'writeEnabled',
  'writeEnabledEnv',
];

let h: ConsumerStack;

beforeAll(async () => {
  h = await startConsumerStack();
});

afterAll(async () => {
  await h?.stop();
});

describe('the consumer applies the seed write gating', () => {
  it('push #1 (force=1&forceWrite=1) ends success, attempts 1, with the batch id and the seed summary', async () => {
    const connectionId = h.stack.demoConnectionId;
    const since = mark(h);
    const { jobIds } = await push(h, connectionId, [SEED_ITEM], '?force=1&forceWrite=1');
    expect(jobIds).toHaveLength(1);
    const [jobId = ''] = jobIds;
    expect((await getJob(h, jobId)).status).toBe('queued');

    await h.stack.settle();

    const job = await getJob(h, jobId);
    expect(job).toMatchObject({ status: 'success', attempts: 1, error: null });
    const summary = job.summary ?? {};
    const batchRequestId = summary.batchRequestId;
    expect(batchRequestId).toMatch(/^[0-9a-f-]{36}-\d{10}$/);
    expect(job.batchRequestId).toBe(batchRequestId);
    expect(summary).toMatchObject({
      response: { batchRequestId },
      writeEnabled: true,
      forceWriteEffective: true,
      writeEnabledEnv: false,
      forceWriteParam: true,
      forceWriteAllowed: true,
      dryRun: false,
      bodyHash: createHash('sha256').update(SEED_BODY).digest('hex'),
      itemCount: 1,
      originalCount: 1,
      coalescedCount: 1,
    });
    expect(summary.durationMs).toEqual(expect.any(Number));
    expect(summary.note).toBeUndefined();
    // The seed's keys, Trendyol's answer, and what the confirmation workflow merged in after settling.
    expect(Object.keys(summary).sort()).toEqual(
      [...SEED_SUMMARY_KEYS, 'batchRequestId', 'confirmation', 'response'].sort(),
    );
    expect(summary.confirmation).toMatchObject({ status: 'SETTLED', successCount: 1, failedCount: 0 });

    const status = await getStatus(h, connectionId);
    expect(status.state).toMatchObject({ lastStatus: 'SUCCESS', lastError: null, lastJobId: jobId });
    expect(status.lastJob).toMatchObject({ id: jobId, status: 'success' });

    const updates = updatesSince(h, since);
    expect(updates).toHaveLength(1);
    expect(updates[0]).toMatchObject({ status: 200, body: SEED_BODY, batchRequestId });
    expect(updates[0]?.headers['user-agent']).toBe('100001 - ECI');
    expect(h.stack.simulator.liveValue(100001, '8696947006698')).toMatchObject({
      quantity: 0,
      salePrice: 0,
      listPrice: 0,
    });
  });

  it('dry-run chunk jobs (dryRun=1, even with forceWrite=1) end success with the note and send nothing', async () => {
    const connection = await newConnection(h);
    const items = Array.from({ length: 1001 }, (_, i) => item(uniqueBarcode(`dry${i}`)));
    const since = mark(h);
    const { jobIds, body } = await push(h, connection.id, items, '?dryRun=1&forceWrite=1');
    expect(body).toMatchObject({ chunkCount: 2, writeEnabled: false, note: DRY_RUN_NOTE });
    expect(jobIds).toHaveLength(2);

    await h.stack.settle();

    for (const jobId of jobIds) {
      const job = await getJob(h, jobId);
      expect(job).toMatchObject({ status: 'success', attempts: 1, error: null, batchRequestId: null });
      expect(job.summary).toMatchObject({
        note: DRY_RUN_NOTE,
        dryRun: true,
        writeEnabled: false,
        forceWriteParam: true,
        forceWriteEffective: true,
        writeEnabledEnv: false,
      });
      expect(job.summary?.batchRequestId).toBeUndefined();
    }
    expect(updatesSince(h, since)).toEqual([]);
    expect(h.stack.simulator.requests.filter((r) => r.seq > since)).toEqual([]);
    // Nothing was attempted against Trendyol, so the connection shows no attempt; the job list does.
    const status = await getStatus(h, connection.id);
    expect(status.state).toMatchObject({ lastStatus: 'IDLE', lastAttemptAt: null, lastError: null });
    expect(status.lastJob?.status).toBe('success');
  });

  it('with writes disabled and no forceWrite, nothing reaches Trendyol and the note says why', async () => {
    const connection = await newConnection(h);
    const barcode = uniqueBarcode('off');
    const since = mark(h);
    const { jobIds, body } = await push(h, connection.id, [item(barcode)], '');
    expect(body).toMatchObject({ writeEnabled: false, note: WRITES_DISABLED_NOTE });
    const [jobId = ''] = jobIds;

    await h.stack.settle();

    const job = await getJob(h, jobId);
    expect(job).toMatchObject({ status: 'success', attempts: 1, error: null, batchRequestId: null });
    expect(job.summary).toMatchObject({
      note: WRITES_DISABLED_NOTE,
      dryRun: false,
      writeEnabled: false,
      forceWriteParam: false,
      forceWriteEffective: false,
      writeEnabledEnv: false,
    });
    expect(updatesSince(h, since)).toEqual([]);
    expect(h.stack.simulator.liveValue(connection.sellerId, barcode)).toBeUndefined();
    expect((await getStatus(h, connection.id)).state).toMatchObject({ lastStatus: 'IDLE', lastJobId: null });
  });
});
