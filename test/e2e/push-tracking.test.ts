import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PushView as CliPushView } from '../../local/cli/main';
import { DEMO_SELLER, type LocalStack } from '../../local/runtime/local-stack';
import { startFastStack } from '../support/fast-stack';
import { apiClient } from '../support/local-stack-client';

let stack: LocalStack;
let api: ReturnType<typeof apiClient>;
let connectionId: string;

beforeAll(async () => {
  stack = await startFastStack();
  api = apiClient(stack);
  connectionId = stack.demoConnectionId;
  stack.simulator.setProduct(DEMO_SELLER.sellerId, { barcode: 'LOCKED-1', locked: true });
  // Record the PollBatch function's metrics (the EMF sink stays underneath).
  const sink = stack.functions.PollBatch.metrics;
  stack.functions.PollBatch.metrics = {
    ...sink,
    milliseconds: (name, value, dimensions) => {
      pollMetrics.push({ name, value, dimensions });
      sink.milliseconds(name, value, dimensions);
    },
  };
});

const pollMetrics: Array<{ name: string; value: number; dimensions?: Record<string, string> }> = [];

afterAll(async () => {
  await stack?.stop();
});

/** The CLI's view of GET /v1/pushes/:pushId, plus the chunks it does not read. */
type PushView = CliPushView & {
  chunks: Array<{
    jobId: string;
    state: string;
    itemCount: number;
    batchRequestId: string;
    confirmed: number;
    failed: number;
  }>;
};

async function waitDone(pushId: string): Promise<PushView> {
  for (let i = 0; i < 200; i++) {
    const { status, body } = await api.get<PushView>(`/v1/pushes/${pushId}`);
    expect(status).toBe(200);
    if (body.done) return body;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`push ${pushId} did not finish`);
}

// 1,001 items make two chunks; "LOCKED-1" is valid for ECI but locked on the simulator's seller, which
// (like Trendyol for a locked product) refuses it with "Ürün kilitli olduğu için güncellenemez".
const items = [
  ...Array.from({ length: 1_000 }, (_, i) => ({
    barcode: `TRK-${String(i).padStart(4, '0')}`,
    quantity: i,
    salePrice: 100,
    listPrice: 120,
  })),
  { barcode: 'LOCKED-1', quantity: 1, salePrice: 10, listPrice: 10 },
];

describe('push tracking and lists', () => {
  let pushId: string;

  it('a push answer carries pushId; GET /v1/pushes/:pushId follows it to the end with failed reasons', async () => {
    const pushed = await api.push(connectionId, items);
    expect(pushed.status).toBe(202);
    pushId = String(pushed.body.pushId);
    expect(pushId).toMatch(/^[A-Za-z0-9_-]+$/);

    const view = await waitDone(pushId);
    expect(view.chunkCount).toBe(2);
    expect(view.counts).toMatchObject({ confirmed: 1, partial: 1, queued: 0, sent: 0 });
    expect(view.items).toEqual({
      total: 1_001,
      confirmed: 1_000,
      failed: 1,
      scheduled: 0,
      held: 0,
      notSent: 0,
      pending: 0,
    });
    expect(view.failedItems).toEqual([
      expect.objectContaining({
        barcode: 'LOCKED-1',
        failureReasons: ['Ürün kilitli olduğu için güncellenemez'],
      }),
    ]);
  });

  it('GET /v1/inventory/batch/:id reports in _eci.confirmedUpserted what the settlement confirmed', async () => {
    const view = await waitDone(pushId);
    const chunks = view.chunks;
    expect(chunks.map((c) => c.confirmed + c.failed)).toEqual(view.chunks.map((c) => c.itemCount));
    for (const chunk of chunks) {
      // Read after the workflow settled the chunk: the count stays what was confirmed, not 0.
      const { status, body } = await api.get<{ _eci: { confirmedUpserted: number; failed: number } }>(
        `/v1/inventory/batch/${chunk.batchRequestId}`,
      );
      expect(status).toBe(200);
      expect(body._eci).toMatchObject({ confirmedUpserted: chunk.confirmed, failed: chunk.failed });
    }
    expect(chunks.reduce((n, c) => n + c.confirmed, 0)).toBe(1_000);
  });

  it('GET /v1/inventory/state?state=failed finds the one failed barcode among 1,001 in one request', async () => {
    const { status, body } = await api.get<{
      state: string;
      items: Array<{
        barcode: string;
        inFlight: { status: string };
        history: Array<{ failureReasons: unknown }>;
      }>;
      nextAfter?: string;
    }>(`/v1/inventory/state?connectionId=${connectionId}&state=failed`);
    expect(status).toBe(200);
    expect(body.state).toBe('failed');
    expect(body.items.map((i) => i.barcode)).toEqual(['LOCKED-1']);
    expect(body.items[0]?.inFlight.status).toBe('failed');
    expect(body.items[0]?.history[0]?.failureReasons).toEqual(['Ürün kilitli olduğu için güncellenemez']);
    expect(body.nextAfter).toBeUndefined();
    const none = await api.get<{ items: unknown[] }>(
      `/v1/inventory/state?connectionId=${connectionId}&state=scheduled`,
    );
    expect(none.body.items).toEqual([]);
    expect((await api.get(`/v1/inventory/state?connectionId=${connectionId}&state=broken`)).status).toBe(400);
    expect(
      (await api.get(`/v1/inventory/state?connectionId=${connectionId}&state=failed&barcode=LOCKED-1`))
        .status,
    ).toBe(400);
  });

  it('the connection status reports freshness: accept → confirm p50/p95 per confirmed item', async () => {
    const { body } = await api.get<{
      freshness: Record<'lastHour' | 'lastDay', { items: number; p50Ms: number; p95Ms: number }>;
    }>(`/v1/connections/${connectionId}/status`);
    expect(body.freshness.lastHour.items).toBe(1_000);
    expect(body.freshness.lastDay.items).toBe(1_000);
    expect(body.freshness.lastHour.p50Ms).toBeGreaterThanOrEqual(0);
    expect(body.freshness.lastHour.p95Ms).toBeGreaterThanOrEqual(body.freshness.lastHour.p50Ms);
    expect(body.freshness.lastHour.p95Ms).toBeLessThan(60_000);
    // …and the same lag as a CloudWatch metric per connection, once per settled chunk with confirmations.
    const freshness = pollMetrics.filter((m) => m.name === 'Freshness');
    expect(freshness).toHaveLength(2);
    for (const m of freshness) {
      expect(m.dimensions).toEqual({ connectionId });
      expect(m.value).toBeGreaterThanOrEqual(0);
    }
  });

  it('GET /v1/pushes lists the connection’s pushes newest first with their progress', async () => {
    const second = await api.push(connectionId, [{ barcode: 'TRK-0000', quantity: 5 }]);
    const secondId = String(second.body.pushId);
    await waitDone(secondId);
    const page1 = await api.get<{
      items: Array<{ pushId: string; done: boolean }>;
      nextCursor: string | null;
    }>(`/v1/pushes?connectionId=${connectionId}&limit=1`);
    expect(page1.status).toBe(200);
    expect(page1.body.items.map((p) => p.pushId)).toEqual([secondId]);
    expect(page1.body.nextCursor).not.toBeNull();
    const page2 = await api.get<{ items: Array<{ pushId: string }>; nextCursor: string | null }>(
      `/v1/pushes?connectionId=${connectionId}&limit=1&cursor=${page1.body.nextCursor}`,
    );
    expect(page2.body.items.map((p) => p.pushId)).toEqual([pushId]);
  });

  it('GET /v1/jobs pages with limit/cursor, filters by status and confirmation, and refuses unknown filters', async () => {
    const all = await api.get<{ items: Array<{ jobId: string; pushId: string }>; nextCursor: string | null }>(
      `/v1/jobs?connectionId=${connectionId}&status=success&limit=2`,
    );
    expect(all.status).toBe(200);
    expect(all.body.items).toHaveLength(2);
    const next = await api.get<{ items: Array<{ jobId: string }>; nextCursor: string | null }>(
      `/v1/jobs?connectionId=${connectionId}&status=success&limit=2&cursor=${all.body.nextCursor}`,
    );
    expect(next.body.items).toHaveLength(1);
    expect(next.body.nextCursor).toBeNull();
    const seen = [...all.body.items, ...next.body.items].map((j) => j.jobId);
    expect(new Set(seen).size).toBe(3);

    expect((await api.get(`/v1/jobs?connectionId=${connectionId}&status=failed`)).body).toEqual({
      items: [],
      nextCursor: null,
    });
    // The confirmation filter: the first push's chunk with the refused barcode is the one partial job.
    const partial = await api.get<{ items: Array<{ jobId: string; pushId: string; state: string }> }>(
      `/v1/jobs?connectionId=${connectionId}&confirmation=partial`,
    );
    expect(partial.status).toBe(200);
    expect(partial.body.items).toEqual([expect.objectContaining({ pushId, state: 'partial' })]);
    const confirmed = await api.get<{ items: Array<{ jobId: string; state: string }> }>(
      `/v1/jobs?connectionId=${connectionId}&status=success&confirmation=confirmed`,
    );
    expect(confirmed.body.items.map((j) => j.state)).toEqual(['confirmed', 'confirmed']);
    expect(new Set([...confirmed.body.items, ...partial.body.items].map((j) => j.jobId))).toEqual(
      new Set(seen),
    );
    // Every sent chunk has settled, so none is still pending.
    expect((await api.get(`/v1/jobs?connectionId=${connectionId}&confirmation=pending`)).body).toEqual({
      items: [],
      nextCursor: null,
    });
    expect((await api.get(`/v1/jobs?connectionId=${connectionId}&confirmation=settled`)).status).toBe(400);
    const unknown = await api.get(`/v1/jobs?connectionId=${connectionId}&state=failed`);
    expect(unknown.status).toBe(400);
    const badStatus = await api.get(`/v1/jobs?connectionId=${connectionId}&status=done`);
    expect(badStatus.status).toBe(400);
    const badLimit = await api.get(`/v1/jobs?connectionId=${connectionId}&limit=201`);
    expect(badLimit.status).toBe(400);
  });

  it('GET /v1/inventory/timeline tells a barcode’s story with old and new values', async () => {
    const { status, body } = await api.get<{
      items: Array<{ event: string; old: unknown; new: Record<string, unknown>; failureReasons: unknown }>;
    }>(`/v1/inventory/timeline?connectionId=${connectionId}&barcode=TRK-0000`);
    expect(status).toBe(200);
    const events = body.items.map((e) => e.event);
    expect(events).toEqual(['pushed', 'sent', 'confirmed', 'pushed', 'sent', 'confirmed']);
    const [firstPush, , firstConfirm, secondPush, , secondConfirm] = body.items;
    expect(firstPush?.old).toBeNull();
    expect(firstPush?.new).toEqual({ quantity: 0, salePrice: 100, listPrice: 120 });
    expect(firstConfirm?.new).toEqual({ quantity: 0, salePrice: 100, listPrice: 120 });
    expect(secondPush?.old).toEqual({ quantity: 0, salePrice: 100, listPrice: 120 });
    expect(secondPush?.new).toEqual({ quantity: 5, salePrice: 100, listPrice: 120 });
    expect(secondConfirm?.old).toEqual({ quantity: 0, salePrice: 100, listPrice: 120 });

    // Paged: the entries after a cursor still know the value they replace.
    const first = await api.get<{ items: unknown[]; nextCursor: string }>(
      `/v1/inventory/timeline?connectionId=${connectionId}&barcode=TRK-0000&limit=3`,
    );
    expect(first.body.items).toHaveLength(3);
    const rest = await api.get<{ items: Array<{ event: string; old: unknown }>; nextCursor: string | null }>(
      `/v1/inventory/timeline?connectionId=${connectionId}&barcode=TRK-0000&cursor=${first.body.nextCursor}`,
    );
    expect(rest.body.items.map((e) => e.event)).toEqual(['pushed', 'sent', 'confirmed']);
    expect(rest.body.items[0]?.old).toEqual({ quantity: 0, salePrice: 100, listPrice: 120 });
    expect(rest.body.nextCursor).toBeNull();

    const failed = await api.get<{ items: Array<{ event: string; failureReasons: string[] | null }> }>(
      `/v1/inventory/timeline?connectionId=${connectionId}&barcode=LOCKED-1`,
    );
    expect(failed.body.items.at(-1)).toMatchObject({
      event: 'failed',
      failureReasons: ['Ürün kilitli olduğu için güncellenemez'],
    });
  });

  it('an unknown push is a 404, and the routes need the key', async () => {
    expect((await api.get('/v1/pushes/nope')).status).toBe(404);
    expect((await api.call('GET', `/v1/pushes?connectionId=${connectionId}`, { apiKey: null })).status).toBe(
      401,
    );
  });
});
