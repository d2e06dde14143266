import { afterEach, describe, expect, it } from 'vitest';
import type { SimRequestRecord } from '../../../local/simulator/simulator';
import {
  batchIdOf,
  defaultHeaders,
  firstError,
  type Harness,
  SELLER_ID,
  START,
  startSim,
} from './sim-client';

let h: Harness | undefined;

async function start(...args: Parameters<typeof startSim>): Promise<Harness> {
  h = await startSim(...args);
  return h;
}

afterEach(async () => {
  await h?.sim.close();
  h = undefined;
});

interface BatchBody {
  items: Array<{ requestItem: { barcode: string }; status: string; failureReasons: string[] }>;
}

async function items(sim: Harness, id: string) {
  return ((await sim.batch(id)).json as BatchBody).items;
}

async function control(sim: Harness, method: string, path: string, body?: unknown) {
  const res = await fetch(`${sim.sim.origin}/__sim${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as unknown };
}

describe('rate limits', () => {
  it('refuses the 51st request to one endpoint within 10 s with 429 too.many.requests, then recovers', async () => {
    const s = await start();
    for (let i = 0; i < 50; i++) expect((await s.readback()).status).toBe(200);
    const refused = await s.readback();
    expect(refused.status).toBe(429);
    expect(refused.json).toEqual({
      errors: [{ key: 'too.many.requests', message: 'Too many requests', errorCode: '429' }],
    });
    expect(refused.headers.get('retry-after')).toBeNull();
    // the burst is per endpoint: batch results are still served
    expect((await s.batch('some-id')).status).toBe(200);
    s.clock.advance(9_999);
    expect((await s.readback()).status).toBe(429);
    s.clock.advance(1);
    expect((await s.readback()).status).toBe(200);
  });

  it('counts the burst on the update endpoint too, and can send Retry-After', async () => {
    const s = await start({ rateLimits: { retryAfter: true } });
    for (let i = 0; i < 50; i++) {
      expect((await s.update([{ barcode: 'BC-1', quantity: i }])).status).toBe(200);
    }
    const refused = await s.update([{ barcode: 'BC-1', quantity: 999 }]);
    expect(refused.status).toBe(429);
    expect(firstError(refused).key).toBe('too.many.requests');
    expect(refused.headers.get('retry-after')).toBe('10');
  });

  it('applies the seller tier to the write group per minute', async () => {
    const s = await start({ rateLimits: { burstLimit: Number.POSITIVE_INFINITY } });
    const statuses: number[] = [];
    for (let chunk = 0; chunk < 350; chunk += 50) {
      const answers = await Promise.all(
        Array.from({ length: 50 }, (_, i) => s.update([{ barcode: 'BC-1', quantity: chunk + i }])),
      );
      statuses.push(...answers.map((a) => a.status));
    }
    expect(statuses.filter((st) => st === 200)).toHaveLength(350);
    expect((await s.update([{ barcode: 'BC-1', quantity: 5000 }])).status).toBe(429);
    // reads are a separate group
    expect((await s.readback()).status).toBe(200);
    s.clock.advance(60_000);
    expect((await s.update([{ barcode: 'BC-1', quantity: 5001 }])).status).toBe(200);
  });

  it('shares the read group between batch results and read-back', async () => {
    const s = await start({ rateLimits: { burstLimit: Number.POSITIVE_INFINITY, readPerMinute: 60 } });
    for (let i = 0; i < 30; i++) expect((await s.readback()).status).toBe(200);
    for (let i = 0; i < 30; i++) expect((await s.batch('x')).status).toBe(200);
    expect((await s.readback()).status).toBe(429);
    expect((await s.batch('x')).status).toBe(429);
  });
});

describe('fault injection', () => {
  it('answers injected 500/502/503/504 once each, in order', async () => {
    const s = await start();
    s.sim.injectFault({ kind: 'status', status: 500 });
    s.sim.injectFault({ kind: 'status', status: 502 });
    s.sim.injectFault({ kind: 'status', status: 503 });
    s.sim.injectFault({ kind: 'status', status: 504 });
    const first = await s.update([{ barcode: 'BC-1', quantity: 1 }]);
    expect(first.status).toBe(500);
    expect(first.json).toMatchObject({ exception: 'TrendyolSystemException' });
    expect((await s.readback()).status).toBe(502);
    expect((await s.batch('x')).status).toBe(503);
    expect((await s.readback()).status).toBe(504);
    expect((await s.readback()).status).toBe(200);
    // the refused update created nothing, so the same body is not a duplicate
    expect((await s.update([{ barcode: 'BC-1', quantity: 1 }])).status).toBe(200);
    expect(s.sim.batches(SELLER_ID)).toHaveLength(1);
  });

  it('targets a fault at one endpoint', async () => {
    const s = await start();
    s.sim.injectFault({ endpoint: 'batch', kind: 'status', status: 503 });
    expect((await s.readback()).status).toBe(200);
    expect((await s.update([{ barcode: 'BC-1', quantity: 1 }])).status).toBe(200);
    expect(s.sim.pendingFaults).toHaveLength(1);
    expect((await s.batch('x')).status).toBe(503);
    expect(s.sim.pendingFaults).toHaveLength(0);
  });

  it('holds the answer then drops the connection on a timeout fault', async () => {
    const s = await start();
    s.sim.injectFault({ kind: 'timeout', ms: 50 });
    await expect(s.update([{ barcode: 'BC-1', quantity: 1 }])).rejects.toThrow();
    expect(s.sim.batches(SELLER_ID)).toHaveLength(0);
    const record = s.sim.requests.at(-1);
    expect(record).toMatchObject({ status: null, fault: 'timeout' });
    // accept: the batch exists although the client never heard of it
    s.sim.injectFault({ kind: 'timeout', ms: 20, accept: true });
    await expect(s.update([{ barcode: 'BC-1', quantity: 2 }])).rejects.toThrow();
    expect(s.sim.batches(SELLER_ID)).toHaveLength(1);
    const retry = await s.update([{ barcode: 'BC-1', quantity: 2 }]);
    expect(firstError(retry).key).toBe('request.duplicate');
  });

  it('accepts then answers 500 (the ambiguous case): the blind retry is refused as a duplicate', async () => {
    const s = await start();
    s.sim.injectFault({ kind: '500-after-accept' });
    const items = [{ barcode: 'BC-1', quantity: 8 }];
    const answer = await s.update(items);
    expect(answer.status).toBe(500);
    expect(answer.json).toMatchObject({ exception: 'TrendyolSystemException' });
    const [batch] = s.sim.batches(SELLER_ID);
    expect(batch).toBeDefined();
    expect(s.sim.requests.at(-1)?.batchRequestId).toBe(batch?.batchRequestId);
    const retry = await s.update(items);
    expect(retry.status).toBe(400);
    expect(firstError(retry).message).toBe('15 dakika boyunca aynı isteği tekrarlı olarak atamazsınız!');
    s.clock.advance(2000);
    expect((await s.readback('?barcodes=BC-1')).json).toMatchObject({
      content: [{ variants: [{ barcode: 'BC-1', quantity: 8 }] }],
    });
  });

  it('answers 200 without a batchRequestId, with or without a real batch behind it', async () => {
    const s = await start();
    s.sim.injectFault({ kind: '200-without-batch-id' });
    const accepted = await s.update([{ barcode: 'BC-1', quantity: 3 }]);
    expect(accepted.status).toBe(200);
    expect(accepted.json).toEqual({});
    expect(s.sim.batches(SELLER_ID)).toHaveLength(1);
    s.sim.injectFault({ kind: '200-without-batch-id', accept: false });
    const phantom = await s.update([{ barcode: 'BC-1', quantity: 4 }]);
    expect(phantom.json).toEqual({});
    expect(s.sim.batches(SELLER_ID)).toHaveLength(1);
  });

  it('keeps a batch unsettled on demand, and settles it explicitly', async () => {
    const s = await start();
    s.sim.setNextBatchDelays(['never']);
    const slow = batchIdOf(await s.update([{ barcode: 'BC-1', quantity: 1 }]));
    const normal = batchIdOf(await s.update([{ barcode: 'BC-2', quantity: 1 }]));
    s.clock.advance(60 * 60_000);
    expect(await items(s, slow)).toEqual([]);
    expect((await items(s, normal)).map((i) => i.status)).toEqual(['SUCCESS']);
    expect(s.sim.settleBatch(slow)).toBe(true);
    expect((await items(s, slow)).map((i) => i.status)).toEqual(['SUCCESS']);
  });

  it('completes batches out of order; the later completion wins', async () => {
    const s = await start();
    s.sim.setNextBatchDelays([5000, 100]);
    const a = batchIdOf(await s.update([{ barcode: 'BC-1', quantity: 1 }]));
    const b = batchIdOf(await s.update([{ barcode: 'BC-1', quantity: 2 }]));
    s.clock.advance(100);
    expect(await items(s, a)).toEqual([]);
    expect((await items(s, b)).map((i) => i.status)).toEqual(['SUCCESS']);
    expect(s.sim.liveValue(SELLER_ID, 'BC-1')?.quantity).toBe(2);
    s.clock.advance(4900);
    expect((await items(s, a)).map((i) => i.status)).toEqual(['SUCCESS']);
    expect(s.sim.liveValue(SELLER_ID, 'BC-1')?.quantity).toBe(1);
  });

  it('supports immediate processing and settleAll with a frozen clock', async () => {
    const s = await start({ processingDelayMs: 0 });
    const now = batchIdOf(await s.update([{ barcode: 'BC-1', quantity: 1 }]));
    expect(await items(s, now)).toHaveLength(1);
    s.sim.setProcessingDelay('never');
    const later = batchIdOf(await s.update([{ barcode: 'BC-1', quantity: 6 }]));
    expect(await items(s, later)).toEqual([]);
    expect(s.sim.settleAll()).toBe(1);
    expect(s.sim.liveValue(SELLER_ID, 'BC-1')?.quantity).toBe(6);
  });
});

describe('inspection surface', () => {
  it('records every request with method, path, headers, raw body, status and time', async () => {
    const s = await start();
    await s.update([{ barcode: 'BC-1', quantity: 1 }]);
    await s.readback('?barcodes=BC-1');
    await s.call('/nope');
    const records: readonly SimRequestRecord[] = s.sim.requests;
    expect(records).toHaveLength(3);
    expect(records[0]).toMatchObject({
      method: 'POST',
      path: `/integration/inventory/sellers/${SELLER_ID}/products/price-and-inventory`,
      body: '{"items":[{"barcode":"BC-1","quantity":1}]}',
      status: 200,
      endpoint: 'update',
      sellerId: SELLER_ID,
      at: new Date(START).toISOString(),
    });
    expect(records[0]?.headers['user-agent']).toBe(defaultHeaders()['user-agent']);
    expect(records[0]?.batchRequestId).toMatch(/-\d+$/);
    expect(records[1]).toMatchObject({
      method: 'GET',
      path: expect.stringContaining('?barcodes=BC-1'),
      status: 200,
    });
    expect(records[2]).toMatchObject({ status: 404, endpoint: null });
  });

  it('exposes live values, batches, orders and reset', async () => {
    const s = await start({ processingDelayMs: 0 });
    await s.update([{ barcode: 'SEEDED', quantity: 50, salePrice: 10.1, listPrice: 20 }]);
    expect(s.sim.liveValue(SELLER_ID, 'SEEDED')).toEqual({
      barcode: 'SEEDED',
      quantity: 50,
      salePrice: 10.1,
      listPrice: 20,
      salePriceCents: 1010,
      listPriceCents: 2000,
      locked: false,
      stockLastModifiedDate: new Date(START).toISOString(),
    });
    s.sim.placeOrder(SELLER_ID, 'SEEDED', 3);
    expect(s.sim.liveValue(SELLER_ID, 'SEEDED')?.quantity).toBe(47);
    s.sim.setProduct(SELLER_ID, { barcode: 'BC-1', locked: true });
    expect(s.sim.liveValue(SELLER_ID, 'BC-1')?.locked).toBe(true);
    const [batch] = s.sim.batches(SELLER_ID);
    expect(batch).toMatchObject({
      itemCount: 1,
      failedItemCount: 0,
      processedAt: new Date(START).toISOString(),
    });
    s.sim.injectFault({ kind: 'status', status: 503 });
    s.sim.reset();
    expect(s.sim.requests).toHaveLength(0);
    expect(s.sim.pendingFaults).toHaveLength(0);
    expect(s.sim.batches(SELLER_ID)).toHaveLength(0);
    expect(s.sim.liveValue(SELLER_ID, 'SEEDED')?.quantity).toBe(7);
    expect(s.sim.liveValue(SELLER_ID, 'BC-1')?.locked).toBe(false);
    // the duplicate memory is gone too
    expect(
      (await s.update([{ barcode: 'SEEDED', quantity: 50, salePrice: 10.1, listPrice: 20 }])).status,
    ).toBe(200);
  });

  it('offers the same over HTTP under /__sim/', async () => {
    const s = await start();
    await s.update([{ barcode: 'BC-1', quantity: 12 }]);
    const requests = await control(s, 'GET', '/requests');
    expect(requests.json).toMatchObject([{ method: 'POST', status: 200 }]);
    expect((await control(s, 'GET', `/live/${SELLER_ID}/BC-1`)).json).toMatchObject({ quantity: 0 });
    expect((await control(s, 'POST', '/clock', { advanceMs: 2000 })).status).toBe(200);
    expect((await control(s, 'GET', `/live/${SELLER_ID}/BC-1`)).json).toMatchObject({ quantity: 12 });
    expect((await control(s, 'GET', `/live/${SELLER_ID}/NOPE`)).status).toBe(404);
    expect((await control(s, 'GET', `/batches/${SELLER_ID}`)).json).toMatchObject([{ itemCount: 1 }]);

    expect((await control(s, 'POST', '/faults', { kind: 'status', status: 418 })).status).toBe(400);
    expect((await control(s, 'POST', '/faults', [{ kind: '500-after-accept' }])).status).toBe(200);
    expect((await s.update([{ barcode: 'BC-1', quantity: 13 }])).status).toBe(500);

    expect((await control(s, 'POST', '/next-batch-delays', { delays: ['never'] })).status).toBe(200);
    const id = batchIdOf(await s.update([{ barcode: 'BC-1', quantity: 14 }]));
    s.clock.advance(10_000);
    expect(await items(s, id)).toEqual([]);
    expect((await control(s, 'POST', '/settle')).json).toEqual({ settled: 1 });
    expect(s.sim.liveValue(SELLER_ID, 'BC-1')?.quantity).toBe(14);

    expect((await control(s, 'POST', '/reset')).status).toBe(200);
    expect(s.sim.requests).toHaveLength(0);
    // control traffic is not recorded as Trendyol traffic
    expect((await control(s, 'GET', '/requests')).json).toEqual([]);
  });
});
