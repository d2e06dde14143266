import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createManualClock } from '../../../local/simulator/clock';
import { createTrendyolSimulator, DUPLICATE_REQUEST_MESSAGE } from '../../../local/simulator/simulator';
import {
  API_KEY,
  basicAuth,
  batchIdOf,
  firstError,
  type Harness,
  SELLER_ID,
  START,
  startSim,
} from './sim-client';

const ID_FORMAT = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}-(\d+)$/;

interface BatchBody {
  batchRequestId: string;
  items: Array<{
    requestItem: Record<string, unknown>;
    status: string;
    failureReasons: string[];
  }>;
  itemCount: number;
  failedItemCount: number;
  creationDate: number;
  lastModification: number;
  sourceType: string;
  batchRequestType: string;
}

interface ReadbackBody {
  totalElements: number;
  totalPages: number;
  page: number;
  size: number;
  nextPageToken: null;
  content: Array<{
    contentId: number;
    productMainId: string;
    variants: Array<{
      barcode: string;
      salePrice: number;
      listPrice: number;
      quantity: number;
      stockCode: string;
      stockLastModifiedDate: number | null;
    }>;
  }>;
}

let h: Harness;

beforeEach(async () => {
  h = await startSim();
});

afterEach(async () => {
  await h.sim.close();
});

async function variant(barcode: string) {
  const answer = await h.readback(`?barcodes=${encodeURIComponent(barcode)}`);
  expect(answer.status).toBe(200);
  return (answer.json as ReadbackBody).content[0]?.variants.find((v) => v.barcode === barcode);
}

describe('routing', () => {
  it('answers 404 for anything but the three paths', async () => {
    expect((await h.call('/unknown')).status).toBe(404);
    expect((await h.call(`/inventory/sellers/${SELLER_ID}/products/price-and-inventory/extra`)).status).toBe(
      404,
    );
    expect(
      (await h.call(`/inventory/sellers/abc/products/price-and-inventory`, { method: 'POST' })).status,
    ).toBe(404);
    // batch results live under `product`, not `inventory`
    expect((await h.call(`/inventory/sellers/${SELLER_ID}/products/batch-requests/x`)).status).toBe(404);
    const outside = await fetch(
      `${h.sim.origin}/inventory/sellers/${SELLER_ID}/products/price-and-inventory`,
    );
    expect(outside.status).toBe(404);
  });

  it('answers 405 for a wrong method on each path', async () => {
    expect((await h.call(`/inventory/sellers/${SELLER_ID}/products/price-and-inventory`)).status).toBe(405);
    const batch = await h.call(`/product/sellers/${SELLER_ID}/products/batch-requests/x`, { method: 'POST' });
    expect(batch.status).toBe(405);
    expect(batch.headers.get('allow')).toBe('GET');
    const readback = await h.readback('', { method: 'PUT', body: {} });
    expect(readback.status).toBe(405);
  });
});

describe('authentication and User-Agent', () => {
  it('refuses wrong, missing and foreign credentials with 401 ClientApiAuthenticationException', async () => {
    const wrong = await h.readback('', { headers: { authorization: basicAuth(API_KEY, 'nope') } });
    expect(wrong.status).toBe(401);
    expect(wrong.json).toEqual({ exception: 'ClientApiAuthenticationException' });
    const missing = await h.update([{ barcode: 'BC-1', quantity: 1 }], {
      headers: { authorization: undefined },
    });
    expect(missing.status).toBe(401);
    const otherSeller = await h.call('/product/sellers/999/products/approved/inventory-and-price', {
      headers: { 'user-agent': '999 - SelfIntegration' },
    });
    expect(otherSeller.status).toBe(401);
  });

  it('answers 403 when the User-Agent is missing or malformed', async () => {
    expect((await h.readback('', { headers: { 'user-agent': undefined } })).status).toBe(403);
    expect((await h.readback('', { headers: { 'user-agent': 'node' } })).status).toBe(403);
    expect((await h.readback('', { headers: { 'user-agent': `${SELLER_ID} - Bad Name!` } })).status).toBe(
      403,
    );
    expect(
      (await h.readback('', { headers: { 'user-agent': `${SELLER_ID} - ${'A'.repeat(31)}` } })).status,
    ).toBe(403);
    // the sellerId in the User-Agent must be the path's
    expect((await h.readback('', { headers: { 'user-agent': '1 - SelfIntegration' } })).status).toBe(403);
    expect((await h.readback('', { headers: { 'user-agent': `${SELLER_ID} - EciIntegrator` } })).status).toBe(
      200,
    );
  });

  it('only checks presence when strictUserAgent is off', async () => {
    const lax = await startSim({ strictUserAgent: false });
    try {
      expect((await lax.readback('', { headers: { 'user-agent': 'anything at all' } })).status).toBe(200);
      expect((await lax.readback('', { headers: { 'user-agent': undefined } })).status).toBe(403);
    } finally {
      await lax.sim.close();
    }
  });
});

describe('synchronous refusals', () => {
  async function expect400(answer: Promise<Awaited<ReturnType<Harness['update']>>>, key: string) {
    const res = await answer;
    expect(res.status).toBe(400);
    const error = firstError(res);
    expect(error.key).toBe(key);
    expect(error.errorCode).toBe('400');
    expect(typeof error.message).toBe('string');
  }

  it('answers a form-encoded body with the 500 TrendyolSystemException envelope', async () => {
    const res = await h.update([], {
      rawBody: 'items=1',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(500);
    expect(res.json).toMatchObject({
      exception: 'TrendyolSystemException',
      errors: [{ key: 'generic.exception' }],
    });
  });

  it('refuses malformed bodies with the errors envelope', async () => {
    await expect400(h.update([], { rawBody: '{"items": [' }), 'request.body.invalid');
    await expect400(h.update([], { body: {} }), 'items.empty');
    await expect400(h.update([]), 'items.empty');
    const tooMany = Array.from({ length: 1001 }, (_, i) => ({ barcode: `BC-${i}`, quantity: 1 }));
    await expect400(h.update(tooMany), 'items.size.exceeded');
    await expect400(h.update([{ barcode: '  ', quantity: 1 }]), 'item.barcode.blank');
    await expect400(h.update([{ quantity: 1 }]), 'item.barcode.blank');
    await expect400(h.update([{ barcode: 'BC-1', quantity: '5' }]), 'item.field.type');
    await expect400(h.update([{ barcode: 'BC-1', quantity: 1.5 }]), 'item.field.type');
    await expect400(h.update([{ barcode: 'BC-1', salePrice: '10.00' }]), 'item.field.type');
    await expect400(h.update([{ barcode: 12345, quantity: 1 }]), 'item.field.type');
    await expect400(
      h.update([{ barcode: 'BC-1', salePrice: 10, currencyType: 'TRY' }]),
      'item.unknown.field',
    );
    await expect400(
      h.update([], { body: { items: [{ barcode: 'BC-1', quantity: 1 }], x: 1 } }),
      'request.unknown.field',
    );
    await expect400(h.update([{ barcode: 'BC-1', salePrice: 10.005 }]), 'item.price.decimal');
    await expect400(h.update([{ barcode: 'BC-1', salePrice: -1 }]), 'item.price.invalid');
  });

  it('accepts a price of 0, as the real Trendyol did in the seed proof', async () => {
    expect((await h.update([{ barcode: 'BC-1', quantity: 0, salePrice: 0, listPrice: 0 }])).status).toBe(200);
  });

  it('refuses negative quantity and listPrice below salePrice synchronously by default', async () => {
    await expect400(h.update([{ barcode: 'BC-1', quantity: -1 }]), 'item.quantity.negative');
    await expect400(
      h.update([{ barcode: 'BC-1', salePrice: 112.85, listPrice: 112.84 }]),
      'item.listPrice.invalid',
    );
    // equal prices are fine; the comparison is in cents, never in floats
    expect((await h.update([{ barcode: 'BC-1', salePrice: 0.3, listPrice: 0.1 + 0.2 }])).status).toBe(400);
    expect((await h.update([{ barcode: 'BC-1', salePrice: 112.85, listPrice: 112.85 }])).status).toBe(200);
  });

  it('fails quantity > 20000 per item by default, synchronously when configured', async () => {
    const res = await h.update([{ barcode: 'BC-1', quantity: 20_001 }]);
    expect(res.status).toBe(200);
    h.clock.advance(2000);
    const batch = (await h.batch(batchIdOf(res))).json as BatchBody;
    expect(batch.items[0]?.status).toBe('FAILED');
    expect(batch.items[0]?.failureReasons).toEqual(["Stok adedi 20000'den büyük olamaz"]);
    expect((await h.update([{ barcode: 'BC-1', quantity: 20_000 }])).status).toBe(200);

    const strict = await startSim({ syncValidation: { quantityOverLimit: 'sync' } });
    try {
      const refused = await strict.update([{ barcode: 'BC-1', quantity: 20_001 }]);
      expect(refused.status).toBe(400);
      expect(firstError(refused).key).toBe('item.quantity.max');
    } finally {
      await strict.sim.close();
    }
  });

  it('can fail negative quantity and listPrice < salePrice per item instead', async () => {
    const lax = await startSim({
      processingDelayMs: 0,
      syncValidation: { negativeQuantity: 'per-item', listPriceBelowSalePrice: 'per-item' },
    });
    try {
      const res = await lax.update([
        { barcode: 'BC-1', quantity: -3 },
        { barcode: 'BC-2', salePrice: 20, listPrice: 10 },
      ]);
      expect(res.status).toBe(200);
      const batch = (await lax.batch(batchIdOf(res))).json as BatchBody;
      expect(batch.items.map((i) => i.failureReasons)).toEqual([
        ['Stok adedi negatif olamaz'],
        ['Liste fiyatı satış fiyatından düşük olamaz'],
      ]);
    } finally {
      await lax.sim.close();
    }
  });
});

describe('the 15-minute identical-body rule', () => {
  it('refuses the same raw body until 15 minutes have passed, on the injected clock', async () => {
    const items = [{ barcode: 'BC-1', quantity: 5, salePrice: 10, listPrice: 12 }];
    expect((await h.update(items)).status).toBe(200);
    h.clock.advance(14 * 60_000 + 59_000);
    const refused = await h.update(items);
    expect(refused.status).toBe(400);
    expect(firstError(refused).message).toBe('15 dakika boyunca aynı isteği tekrarlı olarak atamazsınız!');
    expect(firstError(refused).message).toBe(DUPLICATE_REQUEST_MESSAGE);
    expect(firstError(refused).key).toBe('request.duplicate');
    // a changed value gets through at once
    expect((await h.update([{ ...items[0], quantity: 6 }])).status).toBe(200);
    h.clock.advance(2000);
    expect((await h.update(items)).status).toBe(200);
  });

  it('compares raw bytes, and per seller', async () => {
    const items = [{ barcode: 'BC-1', quantity: 5 }];
    expect((await h.update(items)).status).toBe(200);
    // same JSON value, different bytes: Trendyol sees a different request
    expect((await h.update([], { rawBody: '{"items":[{"quantity":5,"barcode":"BC-1"}]}' })).status).toBe(200);
    h.sim.addSeller({ sellerId: 300001, apiKey: 'k3', apiSecret: 's3', approvedBarcodes: 'any' });
    const other = await h.call('/inventory/sellers/300001/products/price-and-inventory', {
      method: 'POST',
      body: { items },
      headers: { authorization: basicAuth('k3', 's3'), 'user-agent': '300001 - SelfIntegration' },
    });
    expect(other.status).toBe(200);
  });
});

describe('acceptance and batch results', () => {
  it('answers 200 with a <uuid>-<epochSeconds> id, reproducible from the seed', async () => {
    const id = batchIdOf(await h.update([{ barcode: 'BC-1', quantity: 5 }]));
    const match = ID_FORMAT.exec(id);
    expect(match?.[1]).toBe(String(START / 1000));
    const twin = await createTrendyolSimulator({
      clock: createManualClock(START),
      seed: 42,
      sellers: [
        { sellerId: SELLER_ID, apiKey: API_KEY, apiSecret: 'secret-200001', approvedBarcodes: 'any' },
      ],
    });
    try {
      const res = await fetch(`${twin.url}/inventory/sellers/${SELLER_ID}/products/price-and-inventory`, {
        method: 'POST',
        headers: {
          authorization: basicAuth(API_KEY, 'secret-200001'),
          'user-agent': `${SELLER_ID} - SelfIntegration`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ items: [{ barcode: 'X', quantity: 1 }] }),
      });
      expect(((await res.json()) as { batchRequestId: string }).batchRequestId).toBe(id);
    } finally {
      await twin.close();
    }
  });

  it('queues, then applies after the delay; read-back only shows processed values; no top-level status', async () => {
    const res = await h.update([{ barcode: 'BC-1', quantity: 15, salePrice: 112.85, listPrice: 113.85 }]);
    const id = batchIdOf(res);
    const pending = await h.batch(id);
    expect(pending.status).toBe(200);
    const pendingBody = pending.json as BatchBody;
    expect(pendingBody).not.toHaveProperty('status');
    expect(pendingBody.items).toEqual([]);
    expect(pendingBody.itemCount).toBe(1);
    expect(await variant('BC-1')).toMatchObject({ quantity: 0, stockLastModifiedDate: null });

    h.clock.advance(1999);
    expect(((await h.batch(id)).json as BatchBody).items).toEqual([]);
    h.clock.advance(1);
    const done = (await h.batch(id)).json as BatchBody;
    expect(done).not.toHaveProperty('status');
    expect(done).toMatchObject({
      batchRequestId: id,
      creationDate: START,
      lastModification: START + 2000,
      sourceType: 'API',
      itemCount: 1,
      failedItemCount: 0,
      batchRequestType: 'ProductInventoryUpdate',
    });
    expect(done.items).toEqual([
      {
        requestItem: {
          barcode: 'BC-1',
          quantity: 15,
          salePrice: 112.85,
          listPrice: 113.85,
          updateRequestDate: new Date(START).toISOString(),
        },
        status: 'SUCCESS',
        failureReasons: [],
      },
    ]);
    expect(await variant('BC-1')).toMatchObject({
      quantity: 15,
      salePrice: 112.85,
      listPrice: 113.85,
      stockLastModifiedDate: START + 2000,
    });
  });

  it('can show IN_PROGRESS items while processing', async () => {
    const alt = await startSim({ inProgressItems: 'in-progress' });
    try {
      const id = batchIdOf(await alt.update([{ barcode: 'BC-1', quantity: 1 }]));
      const body = (await alt.batch(id)).json as BatchBody;
      expect(body.items.map((i) => i.status)).toEqual(['IN_PROGRESS']);
      expect(body).not.toHaveProperty('status');
    } finally {
      await alt.sim.close();
    }
  });

  it('applies quantity absolutely and prices only when present', async () => {
    h.sim.setProcessingDelay(0);
    await h.update([{ barcode: 'SEEDED', quantity: 3 }]);
    expect(await variant('SEEDED')).toMatchObject({ quantity: 3, salePrice: 100, listPrice: 120 });
    await h.update([{ barcode: 'SEEDED', salePrice: 99.9 }]);
    expect(await variant('SEEDED')).toMatchObject({ quantity: 3, salePrice: 99.9, listPrice: 120 });
    await h.update([{ barcode: 'SEEDED', listPrice: 130 }]);
    expect(h.sim.liveValue(SELLER_ID, 'SEEDED')).toMatchObject({
      quantity: 3,
      salePriceCents: 9990,
      listPriceCents: 13000,
    });
  });

  it('reports partial success with per-item Turkish reasons', async () => {
    const res = await h.update([
      { barcode: 'BC-1', quantity: 4 },
      { barcode: 'UNKNOWN-1', quantity: 4 },
      { barcode: 'LOCKED-1', salePrice: 10 },
      { barcode: 'BAD CODE', quantity: 1 },
      { barcode: 'BC-2', quantity: 20_001 },
    ]);
    h.clock.advance(2000);
    const body = (await h.batch(batchIdOf(res))).json as BatchBody;
    expect(body.itemCount).toBe(5);
    expect(body.failedItemCount).toBe(4);
    expect(body.items.map((i) => [i.requestItem.barcode, i.status, i.failureReasons])).toEqual([
      ['BC-1', 'SUCCESS', []],
      ['UNKNOWN-1', 'FAILED', ['Ürün sistemde bulunamadı']],
      ['LOCKED-1', 'FAILED', ['Ürün kilitli olduğu için güncellenemez']],
      ['BAD CODE', 'FAILED', ['Barkod formatı geçersiz']],
      ['BC-2', 'FAILED', ["Stok adedi 20000'den büyük olamaz"]],
    ]);
    expect(body.items[2]?.requestItem).toMatchObject({ quantity: null, salePrice: 10, listPrice: null });
    expect(h.sim.liveValue(SELLER_ID, 'BC-1')?.quantity).toBe(4);
    expect(h.sim.liveValue(SELLER_ID, 'BC-2')?.quantity).toBe(0);
    expect(h.sim.liveValue(SELLER_ID, 'UNKNOWN-1')).toBeUndefined();
  });

  it('fails the 31st price update of a barcode within a minute, not stock-only updates', async () => {
    h.sim.setProcessingDelay(0);
    const items = Array.from({ length: 31 }, (_, i) => ({
      barcode: 'BC-1',
      salePrice: 10 + i,
      listPrice: 100,
    }));
    const body = (await h.batch(batchIdOf(await h.update(items)))).json as BatchBody;
    expect(body.items.slice(0, 30).every((i) => i.status === 'SUCCESS')).toBe(true);
    expect(body.items[30]).toMatchObject({
      status: 'FAILED',
      failureReasons: ['Bir barkod için dakikada en fazla 30 fiyat güncellemesi yapılabilir'],
    });
    expect(h.sim.liveValue(SELLER_ID, 'BC-1')?.salePrice).toBe(39);
    const stockOnly = (await h.batch(batchIdOf(await h.update([{ barcode: 'BC-1', quantity: 9 }]))))
      .json as BatchBody;
    expect(stockOnly.items[0]?.status).toBe('SUCCESS');
    h.clock.advance(59_000);
    const still = await h.update([{ barcode: 'BC-1', salePrice: 50 }]);
    expect(((await h.batch(batchIdOf(still))).json as BatchBody).items[0]?.status).toBe('FAILED');
    h.clock.advance(1000);
    const later = await h.update([{ barcode: 'BC-1', salePrice: 51 }]);
    expect(((await h.batch(batchIdOf(later))).json as BatchBody).items[0]?.status).toBe('SUCCESS');
  });

  it('forgets batch results 4 hours after creation (404 batch.request.not.found)', async () => {
    const id = batchIdOf(await h.update([{ barcode: 'BC-1', quantity: 5 }]));
    h.clock.advance(4 * 60 * 60_000 - 1);
    expect((await h.batch(id)).status).toBe(200);
    h.clock.advance(1);
    const gone = await h.batch(id);
    expect(gone.status).toBe(404);
    expect(firstError(gone).key).toBe('batch.request.not.found');
    // the applied value outlives the result
    expect(h.sim.liveValue(SELLER_ID, 'BC-1')?.quantity).toBe(5);
  });

  it('answers an unknown id (or another seller’s) like a batch still processing', async () => {
    const unknown = await h.batch('00000000-0000-4000-8000-000000000000-1');
    expect(unknown.status).toBe(200);
    expect(unknown.json).toMatchObject({ items: [], batchRequestType: 'ProductInventoryUpdate' });
    expect(unknown.json).not.toHaveProperty('status');
    h.sim.addSeller({ sellerId: 300001, apiKey: 'k3', apiSecret: 's3', approvedBarcodes: 'any' });
    const own = batchIdOf(await h.update([{ barcode: 'BC-1', quantity: 3 }]));
    h.clock.advance(2000);
    const foreign = await h.call(`/product/sellers/300001/products/batch-requests/${own}`, {
      headers: { authorization: basicAuth('k3', 's3'), 'user-agent': '300001 - SelfIntegration' },
    });
    expect(foreign.status).toBe(200);
    expect(foreign.json).toMatchObject({ batchRequestId: own, items: [], itemCount: 0 });
    const strict = await startSim({ unknownBatch: '404' });
    try {
      expect((await strict.batch('nope')).status).toBe(404);
    } finally {
      await strict.sim.close();
    }
  });
});

describe('read-back', () => {
  it('returns the documented shape, grouped by productMainId, filtered by barcodes', async () => {
    const res = await h.readback('?barcodes=SEEDED,BC-1&page=0&size=10');
    const body = res.json as ReadbackBody;
    expect(body).toMatchObject({ totalElements: 2, totalPages: 1, page: 0, size: 10, nextPageToken: null });
    expect(body.content.map((c) => c.productMainId).sort()).toEqual(['BC-1', 'MAIN-1']);
    const seeded = body.content.find((c) => c.productMainId === 'MAIN-1');
    expect(seeded?.variants).toEqual([
      {
        barcode: 'SEEDED',
        salePrice: 100,
        listPrice: 120,
        quantity: 7,
        stockCode: 'SEEDED',
        stockLastModifiedDate: null,
      },
    ]);
    expect(typeof seeded?.contentId).toBe('number');
  });

  it('pages and refuses oversize queries', async () => {
    const paged = (await h.readback('?page=1&size=2')).json as ReadbackBody;
    expect(paged).toMatchObject({ totalElements: 5, totalPages: 3, page: 1, size: 2 });
    expect(paged.content).toHaveLength(2);
    const fifty = Array.from({ length: 51 }, (_, i) => `B${i}`).join(',');
    expect((await h.readback(`?barcodes=${fifty}`)).status).toBe(400);
    expect((await h.readback('?size=101')).status).toBe(400);
    expect((await h.readback('?page=101&size=100')).status).toBe(400);
    expect((await h.readback('?status=locked')).json).toMatchObject({ totalElements: 1 });
  });
});
