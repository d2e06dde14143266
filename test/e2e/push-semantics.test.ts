import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../local/runtime/local-stack';
import { apiClient } from '../support/local-stack-client';

let stack: LocalStack;
let api: ReturnType<typeof apiClient>;
let connectionId: string;
let nowMs = Date.parse('2026-11-26T10:00:00.000Z');
const clock = { now: () => new Date(nowMs) };

beforeAll(async () => {
  stack = await startLocalStack({
    port: 0,
    simulatorPort: 0,
    inMemory: true,
    autoConsume: false,
    releaseIntervalMs: 3_600_000,
    overrides: { clock },
  });
  api = apiClient(stack);
  connectionId = stack.demoConnectionId;
});

afterAll(async () => {
  await stack?.stop();
});

const send = (items: unknown[], query = '?forceWrite=1') => api.push(connectionId, items, query);

describe('push semantics on the local stack', () => {
  it('skips an item equal to its value in flight, unless force=1', async () => {
    expect((await send([{ barcode: 'DIFF-1', quantity: 5, salePrice: 10, listPrice: 12 }])).status).toBe(202);
    const same = await send([{ barcode: 'DIFF-1', quantity: 5 }]);
    expect(same.status).toBe(200);
    expect(same.body).toMatchObject({
      changedCount: 0,
      skippedCount: 1,
      chunkCount: 0,
      enqueuedCount: 0,
      jobs: [],
    });
    const priceOnly = await send([{ barcode: 'DIFF-1', salePrice: 10.0 }]);
    expect(priceOnly.body).toMatchObject({ changedCount: 0, skippedCount: 1 });
    const changed = await send([{ barcode: 'DIFF-1', quantity: 6 }]);
    expect(changed.status).toBe(202);
    expect(changed.body).toMatchObject({ changedCount: 1, skippedCount: 0, enqueuedCount: 1 });
  });

  it('refuses a price-only update that would put salePrice above the known listPrice', async () => {
    const res = await send([{ barcode: 'DIFF-1', salePrice: 13 }]);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      error: { code: 'VALIDATION_FAILED', details: [{ path: 'items.0.salePrice' }] },
    });
  });

  it('coalesces duplicate barcodes (normalised), the last occurrence wins', async () => {
    const res = await send([
      { barcode: 'CO 1', quantity: 1 },
      { barcode: 'CO-2', quantity: 2 },
      { barcode: ' CO1 ', quantity: 3 },
    ]);
    expect(res.body).toMatchObject({ originalCount: 3, coalescedCount: 2, changedCount: 2, chunkCount: 1 });
    const job = await stack.container.jobs.get(String(res.body.jobId));
    expect(job?.body).toBe('{"items":[{"barcode":"CO-2","quantity":2},{"barcode":"CO1","quantity":3}]}');
  });

  it('holds a revert (A → B → A inside 15 minutes) until Trendyol accepts the identical body, then sends it', async () => {
    const a = await send([{ barcode: 'REV-1', quantity: 1 }]);
    expect(a.status).toBe(202);
    nowMs += 60_000;
    const b = await send([{ barcode: 'REV-1', quantity: 2 }]);
    expect(b.status).toBe(202);
    nowMs += 60_000;
    const revert = await send([{ barcode: 'REV-1', quantity: 1 }]);
    expect(revert.status).toBe(202);
    const deliverAfter = Date.parse('2026-11-26T10:00:00.000Z') + 15 * 60_000 + 30_000;
    expect(revert.body).toMatchObject({
      dedup: false,
      dedupCount: 0,
      enqueuedCount: 0,
      scheduledCount: 1,
      bodyHash: a.body.bodyHash,
      jobs: [{ dedup: false, deliverAfter: new Date(deliverAfter).toISOString() }],
    });
    expect(revert.body.jobId).not.toBe(a.body.jobId);
    const held = await api.get(`/v1/jobs/${revert.body.jobId}`);
    expect(held.body).toMatchObject({ status: 'scheduled', notBefore: new Date(deliverAfter).toISOString() });

    // The same intent again is not a new change: it is already on its way.
    expect((await send([{ barcode: 'REV-1', quantity: 1 }])).body).toMatchObject({
      skippedCount: 1,
      chunkCount: 0,
    });

    nowMs = deliverAfter - 1000;
    await stack.releaseScheduledNow();
    expect((await api.get(`/v1/jobs/${revert.body.jobId}`)).body).toMatchObject({ status: 'scheduled' });

    nowMs = deliverAfter + 1000;
    await stack.releaseScheduledNow();
    expect((await api.get(`/v1/jobs/${revert.body.jobId}`)).body).toMatchObject({ status: 'queued' });
  });

  it('drops a held revert whose barcode a newer push changed meanwhile', async () => {
    nowMs += 3_600_000;
    await send([{ barcode: 'REV-2', quantity: 1 }]);
    nowMs += 1000;
    await send([{ barcode: 'REV-2', quantity: 2 }]);
    nowMs += 1000;
    const revert = await send([{ barcode: 'REV-2', quantity: 1 }]);
    expect(revert.body).toMatchObject({ scheduledCount: 1 });
    nowMs += 1000;
    expect((await send([{ barcode: 'REV-2', quantity: 7 }])).status).toBe(202);
    nowMs += 20 * 60_000;
    await stack.releaseScheduledNow();
    const job = await api.get(`/v1/jobs/${revert.body.jobId}`);
    expect(job.body).toMatchObject({ status: 'success' });
    expect(String((job.body.summary as { note: string }).note)).toMatch(/superseded/);
  });
});
