import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncCatalog } from '../../lambdas/use-cases/catalog-sync';
import { reconcileConnection } from '../../lambdas/use-cases/reconcile-drift';
import { DEMO_SELLER, type LocalStack, startLocalStack } from '../../local/runtime/local-stack';
import { createOffsetClock } from '../../local/simulator/clock';
import { apiClient } from '../support/local-stack-client';

let stack: LocalStack;
let api: ReturnType<typeof apiClient>;
// ECI and the simulator share one clock the tests can move (Trendyol's per-minute rule, budget).
const clock = createOffsetClock();

beforeAll(async () => {
  stack = await startLocalStack({
    port: 0,
    simulatorPort: 0,
    inMemory: true,
    autoConsume: false,
    simulatorProcessingDelayMs: 0,
    waitOverridesMs: { PollBatch: 0 },
    releaseIntervalMs: 3_600_000,
    catalogSyncIntervalMs: 3_600_000,
    // The sync has no forceWrite: it sends only where writes are enabled, as in prod.
    writeEnabled: true,
    overrides: { clock },
  });
  api = apiClient(stack);
});

afterAll(async () => {
  await stack?.stop();
});

async function newConnection(name: string, apiSecret = DEMO_SELLER.apiSecret): Promise<string> {
  const created = await api.post('/v1/connections', {
    type: 'trendyol',
    name,
    sellerId: DEMO_SELLER.sellerId,
    apiKey: DEMO_SELLER.apiKey,
    apiSecret,
    baseUrl: stack.simulator.url,
  });
  expect(created.status).toBe(201);
  return String(created.body.id);
}

const putVariants = (connectionId: string, variants: unknown[]) =>
  api.call('PUT', '/v1/catalog/variants', { body: { connectionId, variants } });
const sync = (connectionId: string, query = '') =>
  api.call('POST', `/v1/connections/${connectionId}/sync${query}`);

/** Price-and-inventory items Trendyol received for a barcode, in order. */
function updatesFor(barcode: string): Array<{ salePrice?: number; quantity?: number; at: number }> {
  return stack.simulator.requests
    .filter((r) => r.endpoint === 'update' && r.status === 200)
    .flatMap((r) =>
      (JSON.parse(r.body) as { items: Array<Record<string, unknown>> }).items
        .filter((i) => i.barcode === barcode)
        .map((i) => ({ ...i, at: Date.parse(r.at) })),
    );
}

describe('catalog', () => {
  it('1,000 rows: the first sync sends one chunk of 1,000, an unchanged catalog nothing, then exactly the 3 changed rows', async () => {
    const connectionId = await newConnection('Catalog shop');
    const variants = Array.from({ length: 1000 }, (_, i) => ({
      barcode: `CAT-${String(i).padStart(4, '0')}`,
      quantity: i % 50,
      salePrice: `${100 + i}.90`,
      listPrice: `${120 + i}.00`,
    }));
    const put = await putVariants(connectionId, variants);
    expect(put).toMatchObject({ status: 200, body: { coalescedCount: 1000, upsertedCount: 1000 } });

    // Paged read with the opaque cursor: 400 + 400 + 200, nothing twice, in barcode order.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const page = await api.get<{ items: Array<{ barcode: string }>; nextCursor: string | null }>(
        `/v1/catalog/variants?connectionId=${connectionId}&limit=400${query}`,
      );
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((i) => i.barcode));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(variants.map((v) => v.barcode));
    const one = await api.get(`/v1/catalog/variants?connectionId=${connectionId}&barcode=CAT-0007`);
    expect(one.body).toMatchObject({
      items: [{ barcode: 'CAT-0007', quantity: 7, salePrice: 107.9, listPrice: 127 }],
      nextCursor: null,
    });

    const first = await sync(connectionId);
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({
      catalogCount: 1000,
      changedCount: 1000,
      chunkCount: 1,
      enqueuedCount: 1,
      heldCount: 0,
      deferredCount: 0,
      jobs: [{ chunkIndex: 0, itemCount: 1000 }],
    });
    await stack.settle();
    expect(stack.simulator.liveValue(DEMO_SELLER.sellerId, 'CAT-0999')).toMatchObject({
      quantity: 49,
      salePrice: 1099.9,
      listPrice: 1119,
    });

    const again = await sync(connectionId);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ changedCount: 0, skippedCount: 1000, chunkCount: 0, jobs: [] });

    const changed = [
      { barcode: 'CAT-0001', quantity: 44 },
      { barcode: 'CAT-0500', salePrice: 499.5, listPrice: 620 },
      { barcode: 'CAT-0999', quantity: 0, salePrice: 1100.5 },
    ];
    expect((await putVariants(connectionId, changed)).body).toMatchObject({ upsertedCount: 3 });
    const third = await sync(connectionId);
    expect(third.body).toMatchObject({ changedCount: 3, chunkCount: 1, jobs: [{ itemCount: 3 }] });
    await stack.settle();
    expect(stack.simulator.liveValue(DEMO_SELLER.sellerId, 'CAT-0001')).toMatchObject({ quantity: 44 });
    expect(stack.simulator.liveValue(DEMO_SELLER.sellerId, 'CAT-0500')).toMatchObject({
      salePrice: 499.5,
      listPrice: 620,
    });
    expect(stack.simulator.liveValue(DEMO_SELLER.sellerId, 'CAT-0999')).toMatchObject({
      quantity: 0,
      salePrice: 1100.5,
    });
  });

  // Review finding: freshness ran from the sync, so the time a change waited for the schedule never showed.
  it('freshness of a synced value runs from the catalog change, not from the sync', async () => {
    const connectionId = await newConnection('Fresh shop');
    expect((await putVariants(connectionId, [{ barcode: 'FRESH-1', quantity: 3 }])).status).toBe(200);
    clock.advance(20 * 60_000); // the value waits 20 minutes for the schedule
    expect((await sync(connectionId)).body).toMatchObject({ enqueuedCount: 1 });
    await stack.settle();
    const status = await api.get<{ freshness: { lastHour: { items: number; p50Ms: number } } }>(
      `/v1/connections/${connectionId}/status`,
    );
    expect(status.body.freshness.lastHour.items).toBe(1);
    expect(status.body.freshness.lastHour.p50Ms).toBeGreaterThanOrEqual(20 * 60_000);
  });

  it('refuses bad variants with the push error shape and writes nothing', async () => {
    const connectionId = await newConnection('Strict catalog');
    const bad = await putVariants(connectionId, [
      { barcode: 'OK-1', quantity: 1 },
      { barcode: 'BAD-1', quantity: -1, colour: 'red' },
      { barcode: 'BAD-2', salePrice: 10.001 },
      { barcode: 'BAD-3', salePrice: 20, listPrice: 10 },
    ]);
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    const paths = (bad.body.error as { details: Array<{ path: string }> }).details.map((d) => d.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'variants.1.colour',
        'variants.1.quantity',
        'variants.2.salePrice',
        'variants.3.listPrice',
      ]),
    );
    const extra = await api.call('PUT', '/v1/catalog/variants', {
      body: { connectionId, variants: [{ barcode: 'X', quantity: 1 }], dryRun: true },
    });
    expect(extra.status).toBe(400);
    expect((await api.get(`/v1/catalog/variants?connectionId=${connectionId}&verbose=1`)).status).toBe(400);
    expect((await api.get(`/v1/catalog/variants?connectionId=${connectionId}&cursor=nope`)).status).toBe(400);
    expect((await sync(connectionId, '?dryRun=yes')).status).toBe(400);
    const list = await api.get(`/v1/catalog/variants?connectionId=${connectionId}`);
    expect(list.body).toEqual({ items: [], nextCursor: null });
  });
});

describe('guards', () => {
  it('a 99 % price drop is held, listed, and sent once approved', async () => {
    const connectionId = await newConnection('Guarded shop');
    await putVariants(connectionId, [{ barcode: 'GUARD-1', quantity: 5, salePrice: 1000, listPrice: 1200 }]);
    expect((await sync(connectionId)).body).toMatchObject({ enqueuedCount: 1, heldCount: 0 });
    await stack.settle();

    // The typo: 10.00 instead of 1000.00, and a zero price with stock on another barcode.
    await putVariants(connectionId, [
      { barcode: 'GUARD-1', quantity: 5, salePrice: 10, listPrice: 1200 },
      { barcode: 'GUARD-2', quantity: 3, salePrice: 0, listPrice: 0 },
    ]);
    const dry = await sync(connectionId, '?dryRun=1');
    expect(dry.body).toMatchObject({ dryRun: true, heldCount: 2 });
    expect((await api.get(`/v1/inventory/held?connectionId=${connectionId}`)).body).toEqual({
      items: [],
      nextCursor: null,
    });

    const guarded = await sync(connectionId);
    expect(guarded.body).toMatchObject({
      heldCount: 2,
      held: expect.arrayContaining([
        expect.objectContaining({
          barcode: 'GUARD-1',
          reason: 'PRICE_JUMP',
          salePrice: 10,
          referenceSalePrice: 1000,
        }),
        expect.objectContaining({ barcode: 'GUARD-2', reason: 'ZERO_PRICE' }),
      ]),
    });
    await stack.settle();
    // Push tracking agrees with the push answer: two held prices; GUARD-2's stock-only item confirmed.
    const tracked = await api.get<{ items: Record<string, number> }>(`/v1/pushes/${guarded.body.pushId}`);
    expect(tracked.status).toBe(200);
    expect(tracked.body.items).toMatchObject({ held: 2, total: 1, confirmed: 1, pending: 0 });
    // GUARD-1's stock was unchanged: nothing of it went; GUARD-2's stock went without the zero price.
    expect(stack.simulator.liveValue(DEMO_SELLER.sellerId, 'GUARD-1')).toMatchObject({ salePrice: 1000 });
    expect(stack.simulator.liveValue(DEMO_SELLER.sellerId, 'GUARD-2')).toMatchObject({ quantity: 3 });
    expect(updatesFor('GUARD-2').every((i) => i.salePrice === undefined)).toBe(true);

    const held = await api.get<{ items: Array<Record<string, unknown>> }>(
      `/v1/inventory/held?connectionId=${connectionId}`,
    );
    expect(held.body.items).toEqual([
      expect.objectContaining({ barcode: 'GUARD-1', reason: 'PRICE_JUMP', salePrice: 10, listPrice: 1200 }),
      expect.objectContaining({ barcode: 'GUARD-2', reason: 'ZERO_PRICE', salePrice: 0 }),
    ]);
    // The state list finds the held barcodes too, with their history.
    const heldState = await api.get<{ state: string; items: Array<{ barcode: string }> }>(
      `/v1/inventory/state?connectionId=${connectionId}&state=held`,
    );
    expect(heldState.status).toBe(200);
    expect(heldState.body.state).toBe('held');
    expect(heldState.body.items.map((i) => i.barcode)).toEqual(['GUARD-1', 'GUARD-2']);
    const history = await api.get(`/v1/inventory/state?connectionId=${connectionId}&barcode=GUARD-1`);
    expect(JSON.stringify(history.body)).toContain('"event":"held"');

    // The next sync holds it again rather than sending it.
    expect((await sync(connectionId)).body).toMatchObject({ heldCount: 2, enqueuedCount: 0 });

    const approved = await api.post('/v1/inventory/held/approve', {
      connectionId,
      barcodes: ['GUARD-1', 'NEVER-HELD'],
    });
    expect(approved.status).toBe(202);
    expect(approved.body).toMatchObject({ approvedCount: 1, notHeld: ['NEVER-HELD'], enqueuedCount: 1 });
    await stack.settle();
    expect(stack.simulator.liveValue(DEMO_SELLER.sellerId, 'GUARD-1')).toMatchObject({ salePrice: 10 });
    const left = await api.get<{ items: Array<{ barcode: string }> }>(
      `/v1/inventory/held?connectionId=${connectionId}`,
    );
    expect(left.body.items.map((i) => i.barcode)).toEqual(['GUARD-2']);
    // The barcode's timeline tells the whole story: held, approved, then sent and confirmed.
    const story = await api.get<{ items: Array<{ event: string }> }>(
      `/v1/inventory/timeline?connectionId=${connectionId}&barcode=GUARD-1`,
    );
    const events = story.body.items.map((e) => e.event);
    expect(events.slice(events.indexOf('held'))).toEqual(
      expect.arrayContaining(['held', 'approved', 'pushed', 'sent', 'confirmed']),
    );
    expect(events.indexOf('approved')).toBeGreaterThan(events.indexOf('held'));

    // A push with force=1 releases the other one.
    const forced = await api.push(
      connectionId,
      [{ barcode: 'GUARD-2', quantity: 3, salePrice: 0, listPrice: 0 }],
      '?force=1',
    );
    expect(forced.body).toMatchObject({ heldCount: 0, enqueuedCount: 1 });
    await stack.settle();
    expect((await api.get(`/v1/inventory/held?connectionId=${connectionId}`)).body).toMatchObject({
      items: [],
    });
  });

  it('40 price changes of one barcode inside a minute reach Trendyol at most 30 times; Trendyol ends at the latest', async () => {
    const connectionId = await newConnection('Busy repricer');
    const barcode = 'BUDGET-1';
    let deferredSeen = 0;
    const prices = Array.from({ length: 40 }, (_, i) => `${200 + i}.25`);
    for (const salePrice of prices) {
      await putVariants(connectionId, [{ barcode, quantity: 7, salePrice, listPrice: 500 }]);
      const result = await sync(connectionId);
      deferredSeen += Number(result.body.deferredCount);
      clock.advance(1000);
    }
    // The chunks go out in order (one message group per seller), all inside the same minute.
    await stack.settle();
    expect(deferredSeen).toBeGreaterThan(0);
    const held = await api.get(`/v1/inventory/held?connectionId=${connectionId}&kind=budget`);
    expect(held.body).toMatchObject({ items: [{ barcode, reason: 'PRICE_BUDGET', salePrice: 239.25 }] });

    // A minute later the budget allows one more: the latest value goes, the intermediate ones never.
    clock.advance(61_000);
    const late = await sync(connectionId);
    expect(late.body).toMatchObject({ changedCount: 1, deferredCount: 0, enqueuedCount: 1 });
    await stack.settle();

    const sends = updatesFor(barcode).filter((i) => i.salePrice !== undefined);
    for (const send of sends) {
      expect(sends.filter((s) => s.at > send.at - 60_000 && s.at <= send.at).length).toBeLessThanOrEqual(30);
    }
    expect(sends.length).toBe(31); // 30 inside the minute, then the latest value once the budget allowed
    expect(sends.at(-1)?.salePrice).toBe(239.25);
    expect(stack.simulator.liveValue(DEMO_SELLER.sellerId, barcode)).toMatchObject({ salePrice: 239.25 });
    const reasons = stack.simulator
      .batches(DEMO_SELLER.sellerId)
      .flatMap((b) => (b.items ?? []).flatMap((i: { failureReasons?: string[] }) => i.failureReasons ?? []));
    expect(reasons.filter((r) => r.includes('30 fiyat'))).toEqual([]);
    expect((await api.get(`/v1/inventory/held?connectionId=${connectionId}`)).body).toMatchObject({
      items: [],
    });
  });

  it('settings: a stock buffer is subtracted before sending, never below 0; bad settings are refused', async () => {
    const connectionId = await newConnection('Buffered shop');
    const bad = await api.call('PATCH', `/v1/connections/${connectionId}`, {
      body: { settings: { stockBuffer: -1, colour: 'red', driftPolicy: 'ignore' } },
    });
    expect(bad.status).toBe(400);
    const paths = (bad.body.error as { details: Array<{ path: string }> }).details.map((d) => d.path);
    expect(paths).toEqual(
      expect.arrayContaining(['settings.stockBuffer', 'settings.driftPolicy', 'settings.colour']),
    );
    const patched = await api.call('PATCH', `/v1/connections/${connectionId}`, {
      body: {
        settings: {
          stockBuffer: 5,
          priceGuardPercent: 20,
          integratorName: 'ShopERP',
          writeRateLimitPerMinute: 500,
        },
      },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      integratorName: 'ShopERP',
      writeRateLimitPerMinute: 500,
      settings: {
        autoSync: true,
        stockBuffer: 5,
        priceGuardPercent: 20,
        driftPolicy: 'report',
        integratorName: 'ShopERP',
        writeRateLimitPerMinute: 500,
      },
    });
    await putVariants(connectionId, [
      { barcode: 'BUF-1', quantity: 12, salePrice: 50, listPrice: 60 },
      { barcode: 'BUF-2', quantity: 3, salePrice: 50, listPrice: 60 },
    ]);
    const result = await sync(connectionId);
    expect(result.body).toMatchObject({ stockBuffer: 5, enqueuedCount: 1 });
    await stack.settle();
    expect(stack.simulator.liveValue(DEMO_SELLER.sellerId, 'BUF-1')).toMatchObject({ quantity: 7 });
    expect(stack.simulator.liveValue(DEMO_SELLER.sellerId, 'BUF-2')).toMatchObject({ quantity: 0 });
    // The catalog keeps the seller's own figure.
    expect(
      (await api.get(`/v1/catalog/variants?connectionId=${connectionId}&barcode=BUF-1`)).body,
    ).toMatchObject({
      items: [{ quantity: 12 }],
    });
  });
});

describe('scheduled sync', () => {
  it('re-sends a value whose send failed once the connection works again, and it lands', async () => {
    const connectionId = await newConnection('Shop with a typo in its secret', 'wrong-secret');
    const push = await api.push(
      connectionId,
      [{ barcode: 'SYNC-1', quantity: 9, salePrice: 19.9, listPrice: 24.9 }],
      '',
    );
    expect(push.status).toBe(202);
    await stack.settle();
    expect((await api.get(`/v1/jobs/${push.body.jobId}`)).body).toMatchObject({
      status: 'failed',
      error: { code: 'TRENDYOL_AUTH' },
    });

    // Nothing to do while the credentials are still wrong would be a wasted send: fix them first.
    const patched = await api.call('PATCH', `/v1/connections/${connectionId}`, {
      body: { apiKey: DEMO_SELLER.apiKey, apiSecret: DEMO_SELLER.apiSecret },
    });
    expect(patched.status).toBe(200);

    const reports = await syncCatalog(stack.container);
    expect(reports.find((r) => r.connectionId === connectionId)).toEqual({
      connectionId,
      catalogCount: 0,
      retriedCount: 1,
      changedCount: 1,
      enqueuedCount: 1,
      heldCount: 0,
      deferredCount: 0,
    });
    await stack.settle();

    const state = await api.get(`/v1/inventory/state?connectionId=${connectionId}&barcode=SYNC-1`);
    expect(state.body).toMatchObject({
      items: [
        { barcode: 'SYNC-1', confirmed: { quantity: 9, salePrice: 19.9, listPrice: 24.9 }, inFlight: null },
      ],
    });
    expect(stack.simulator.liveValue(DEMO_SELLER.sellerId, 'SYNC-1')).toMatchObject({ quantity: 9 });

    // Nothing failed any more: the next run has nothing to send for it.
    const next = await syncCatalog(stack.container);
    expect(next.filter((r) => r.enqueuedCount > 0)).toEqual([]);
  });

  it('a chunk accepted while writes were on, consumed after they were switched off, is sent again later', async () => {
    const connectionId = stack.demoConnectionId;
    const push = await api.push(connectionId, [{ barcode: 'GATE-1', quantity: 3 }]);
    expect(push.status).toBe(202);
    stack.functions.PushConsumer.writeEnabledEnv = false;
    try {
      await stack.settle();
    } finally {
      stack.functions.PushConsumer.writeEnabledEnv = true;
    }
    expect((await api.get(`/v1/jobs/${push.body.jobId}`)).body).toMatchObject({
      status: 'failed',
      error: { code: 'WRITES_DISABLED' },
    });
    const known = await stack.container.inventory.findKnownValues(connectionId, ['GATE-1']);
    expect(known.get('GATE-1')).toMatchObject({ status: 'failed', quantity: 3 });

    const reports = await syncCatalog(stack.container);
    expect(reports.find((r) => r.connectionId === connectionId)).toMatchObject({
      retriedCount: 1,
      enqueuedCount: 1,
    });
    await stack.settle();
    const state = await api.get(`/v1/inventory/state?connectionId=${connectionId}&barcode=GATE-1`);
    expect(state.body).toMatchObject({ items: [{ confirmed: { quantity: 3 } }] });
  });

  it('where writes are off the schedule creates no jobs; an on-demand sync shows what would go', async () => {
    const connectionId = await newConnection('Dev stage shop');
    await putVariants(connectionId, [{ barcode: 'DEV-1', quantity: 2, salePrice: 5, listPrice: 5 }]);
    // The stage's setting, as every function that reads it (schedule, API, consumer) has it.
    const gated = [stack.functions.CatalogSync, stack.functions.Api, stack.functions.PushConsumer];
    for (const fn of gated) fn.writeEnabledEnv = false;
    try {
      expect(await syncCatalog(stack.functions.CatalogSync)).toEqual([]);
      const onDemand = await sync(connectionId);
      expect(onDemand.body).toMatchObject({ writeEnabled: false, changedCount: 1, note: expect.any(String) });
      await stack.settle();
    } finally {
      for (const fn of gated) fn.writeEnabledEnv = true;
    }
    expect(stack.simulator.liveValue(DEMO_SELLER.sellerId, 'DEV-1')).toBeUndefined();
  });

  it('autoSync off: the schedule leaves the catalog alone (an on-demand sync still sends it)', async () => {
    const connectionId = await newConnection('Manual shop');
    await api.call('PATCH', `/v1/connections/${connectionId}`, { body: { settings: { autoSync: false } } });
    await putVariants(connectionId, [{ barcode: 'MANUAL-1', quantity: 2, salePrice: 5, listPrice: 5 }]);
    const reports = await syncCatalog(stack.container);
    expect(reports.find((r) => r.connectionId === connectionId)).toBeUndefined();
    expect((await sync(connectionId)).body).toMatchObject({ enqueuedCount: 1 });
  });
});

describe('drift reconciliation', () => {
  async function syncedShop(name: string, driftPolicy: 'correct' | 'report', prefix: string) {
    const connectionId = await newConnection(name);
    const patched = await api.call('PATCH', `/v1/connections/${connectionId}`, {
      body: { settings: { driftPolicy } },
    });
    expect(patched.body).toMatchObject({ settings: { driftPolicy } });
    await putVariants(connectionId, [
      { barcode: `${prefix}-1`, quantity: 10, salePrice: 100, listPrice: 120 },
      { barcode: `${prefix}-2`, quantity: 10, salePrice: 50, listPrice: 60 },
    ]);
    expect((await sync(connectionId)).body).toMatchObject({ enqueuedCount: 1 });
    await stack.settle();
    const connection = await stack.container.connections.get(connectionId);
    if (!connection) throw new Error('connection vanished');
    return connection;
  }

  it("correct: a price changed behind ECI's back is found and sent again; stock lowered by orders is only reported", async () => {
    const connection = await syncedShop('Drift corrector', 'correct', 'DRIFT');
    stack.simulator.setProduct(DEMO_SELLER.sellerId, { barcode: 'DRIFT-1', salePrice: 80 });
    stack.simulator.placeOrder(DEMO_SELLER.sellerId, 'DRIFT-2', 3);

    const report = await reconcileConnection(stack.container, connection);
    expect(report).toMatchObject({
      checkedCount: 2,
      priceDriftCount: 1,
      stockDriftCount: 1,
      correctedCount: 1,
    });
    const drift = await api.get(`/v1/inventory/drift?connectionId=${connection.id}`);
    expect(drift.body).toMatchObject({
      items: [
        {
          barcode: 'DRIFT-1',
          kind: 'price',
          action: 'corrected',
          confirmed: { salePrice: 100 },
          live: { salePrice: 80 },
        },
        {
          barcode: 'DRIFT-2',
          kind: 'stock',
          action: 'reported',
          confirmed: { quantity: 10 },
          live: { quantity: 7 },
        },
      ],
      nextCursor: null,
    });
    const drifted = await api.get<{ state: string; items: Array<{ barcode: string }> }>(
      `/v1/inventory/state?connectionId=${connection.id}&state=drifted`,
    );
    expect(drifted.status).toBe(200);
    expect(drifted.body.items.map((i) => i.barcode)).toEqual(['DRIFT-1', 'DRIFT-2']);
    const status = await api.get(`/v1/connections/${connection.id}/status`);
    expect(status.body).toMatchObject({ state: { drift: { count: 2, price: 1, stock: 1 } } });
    // The timeline shows the drift: the value Trendyol confirmed (old) and the one it holds (new).
    const story = await api.get<{ items: Array<{ event: string; old: unknown; new: unknown }> }>(
      `/v1/inventory/timeline?connectionId=${connection.id}&barcode=DRIFT-1`,
    );
    expect(story.body.items.find((e) => e.event === 'drift')).toMatchObject({
      old: { salePrice: 100 },
      new: { salePrice: 80 },
    });

    await stack.settle();
    expect(stack.simulator.liveValue(DEMO_SELLER.sellerId, 'DRIFT-1')).toMatchObject({ salePrice: 100 });
    // Never re-inflated: the orders' stock stays.
    expect(stack.simulator.liveValue(DEMO_SELLER.sellerId, 'DRIFT-2')).toMatchObject({ quantity: 7 });

    // The next pass finds the price back in line; the stock difference stays reported.
    const again = await reconcileConnection(stack.container, connection);
    expect(again).toMatchObject({ priceDriftCount: 0, stockDriftCount: 1, correctedCount: 0 });
    const left = await api.get<{ items: Array<{ barcode: string }> }>(
      `/v1/inventory/drift?connectionId=${connection.id}`,
    );
    expect(left.body.items.map((i) => i.barcode)).toEqual(['DRIFT-2']);
    const stillDrifted = await api.get<{ items: Array<{ barcode: string }> }>(
      `/v1/inventory/state?connectionId=${connection.id}&state=drifted`,
    );
    expect(stillDrifted.body.items.map((i) => i.barcode)).toEqual(['DRIFT-2']);
  });

  it('report: a drifted price is listed and left alone', async () => {
    const connection = await syncedShop('Drift reporter', 'report', 'REPORT');
    stack.simulator.setProduct(DEMO_SELLER.sellerId, { barcode: 'REPORT-2', salePrice: 45 });
    const report = await reconcileConnection(stack.container, connection);
    expect(report).toMatchObject({ priceDriftCount: 1, correctedCount: 0 });
    expect((await api.get(`/v1/inventory/drift?connectionId=${connection.id}`)).body).toMatchObject({
      items: [{ barcode: 'REPORT-2', kind: 'price', action: 'reported', live: { salePrice: 45 } }],
    });
    await stack.settle();
    expect(stack.simulator.liveValue(DEMO_SELLER.sellerId, 'REPORT-2')).toMatchObject({ salePrice: 45 });
  });
});
