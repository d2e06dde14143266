import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncCatalog } from '../../lambdas/use-cases/catalog-sync';
import { DEMO_SELLER, type LocalStack, startLocalStack } from '../../local/runtime/local-stack';
import { apiClient } from '../support/local-stack-client';

let stack: LocalStack;
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
  stack = await startLocalStack({
    port: 0,
    simulatorPort: 0,
    inMemory: true,
    autoConsume: false,
    simulatorProcessingDelayMs: 0,
    waitOverridesMs: { WaitBeforeFirstPoll: 0, WaitBeforeNextPoll: 0 },
    releaseIntervalMs: 3_600_000,
    // The sync has no forceWrite: it sends only where writes are enabled, as in prod.
    writeEnabled: true,
  });
  api = apiClient(stack);
});

afterAll(async () => {
  await stack?.stop();
});

describe('catalog sync', () => {
  it('re-sends a value whose send failed once the connection works again, and it lands', async () => {
    const created = await api.post('/v1/connections', {
      type: 'trendyol',
      name: 'Shop with a typo in its secret',
      sellerId: DEMO_SELLER.sellerId,
      apiKey: DEMO_SELLER.apiKey,
      apiSecret: 'wrong-secret',
      baseUrl: stack.simulator.url,
    });
    const connectionId = String(created.body.id);
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
    expect(reports).toEqual([{ connectionId, retried: 1, enqueuedCount: 1 }]);
    await stack.settle();

    const state = await api.get(`/v1/inventory/state?connectionId=${connectionId}&barcode=SYNC-1`);
    expect(state.body).toMatchObject({
      items: [
        { barcode: 'SYNC-1', confirmed: { quantity: 9, salePrice: 19.9, listPrice: 24.9 }, inFlight: null },
      ],
    });
    expect(stack.simulator.liveValue(DEMO_SELLER.sellerId, 'SYNC-1')).toMatchObject({ quantity: 9 });

    // Nothing failed any more: the next run has nothing to send.
    expect(await syncCatalog(stack.container)).toEqual([]);
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

    expect(await syncCatalog(stack.container)).toEqual([{ connectionId, retried: 1, enqueuedCount: 1 }]);
    await stack.settle();
    const state = await api.get(`/v1/inventory/state?connectionId=${connectionId}&barcode=GATE-1`);
    expect(state.body).toMatchObject({ items: [{ confirmed: { quantity: 3 } }] });
  });
});
