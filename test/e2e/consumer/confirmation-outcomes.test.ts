import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConsumerStack,
  getJob,
  getStatus,
  handRecord,
  invokeConsumer,
  item,
  newConnection,
  push,
  startConsumerStack,
  uniqueBarcode,
} from './consumer-harness';

let h: ConsumerStack;

beforeAll(async () => {
  h = await startConsumerStack();
});

afterEach(() => {
  h.stack.simulator.clearFaults();
});

afterAll(async () => {
  await h?.stop();
});

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface ConfirmationView {
  confirmation?: string | null;
  confirmationCounts?: { confirmed: number; failed: number; unresolved: number } | null;
  settledAt?: string | null;
}

describe('reading a batch changes no recorded outcome', () => {
  it('GET /v1/inventory/batch/:id keeps the confirmation time and the connection state', async () => {
    const c = await newConnection(h);
    const [first = ''] = (await push(h, c.id, [item(uniqueBarcode('read'))])).jobIds;
    await h.stack.settle();
    const settled = await getJob(h, first);
    const settledAt = (settled.summary?.confirmation as { settledAt?: string } | undefined)?.settledAt;
    expect(settledAt).toBeDefined();

    // A later chunk of the seller fails to reach Trendyol: the connection says so.
    const [second = ''] = (await push(h, c.id, [item(uniqueBarcode('read'))])).jobIds;
    for (let i = 0; i < 3; i += 1) h.stack.simulator.injectFault({ kind: 'status', status: 503 });
    await invokeConsumer(h, [handRecord(second, c.id, 1)]);
    const failing = (await getStatus(h, c.id)).state;
    expect(failing.lastError).toMatch(/503/);

    await delay(20);
    const read = await h.api.get<Record<string, unknown>>(`/v1/inventory/batch/${settled.batchRequestId}`);
    expect(read.status).toBe(200);
    const after = await getJob(h, first);
    expect((after.summary?.confirmation as { settledAt?: string } | undefined)?.settledAt).toBe(settledAt);
    expect((await getStatus(h, c.id)).state).toMatchObject({
      lastStatus: failing.lastStatus,
      lastError: failing.lastError,
    });

    h.stack.simulator.clearFaults();
    await h.stack.settle();
  });
});

describe('what a job says', () => {
  it('a batch with a failed item: status stays success, confirmation is partial, the connection shows PARTIAL', async () => {
    const c = await newConnection(h);
    const good = uniqueBarcode('ok');
    const locked = uniqueBarcode('locked');
    h.stack.simulator.setProduct(c.sellerId, { barcode: locked, locked: true });
    const [jobId = ''] = (await push(h, c.id, [item(good), item(locked)])).jobIds;
    await h.stack.settle();

    const job = (await getJob(h, jobId)) as Awaited<ReturnType<typeof getJob>> & ConfirmationView;
    expect(job.status).toBe('success');
    expect(job.confirmation).toBe('partial');
    expect(job.confirmationCounts).toEqual({ confirmed: 1, failed: 1, unresolved: 0 });
    expect(job.settledAt).not.toBeNull();
    const state = (await getStatus(h, c.id)).state;
    expect(state.lastStatus).toBe('PARTIAL');
    expect(state.lastError).toContain(locked);
  });

  it('a fully confirmed job says confirmed; a job whose every item failed says failed', async () => {
    const c = await newConnection(h);
    const [ok = ''] = (await push(h, c.id, [item(uniqueBarcode('ok'))])).jobIds;
    await h.stack.settle();
    expect(((await getJob(h, ok)) as ConfirmationView).confirmation).toBe('confirmed');
    expect((await getStatus(h, c.id)).state.lastStatus).toBe('SUCCESS');

    const locked = uniqueBarcode('locked');
    h.stack.simulator.setProduct(c.sellerId, { barcode: locked, locked: true });
    const [bad = ''] = (await push(h, c.id, [item(locked)])).jobIds;
    await h.stack.settle();
    const job = (await getJob(h, bad)) as Awaited<ReturnType<typeof getJob>> & ConfirmationView;
    expect(job.status).toBe('success');
    expect(job.confirmation).toBe('failed');
    expect((await getStatus(h, c.id)).state.lastStatus).toBe('FAILED');
  });
});
