import { describe, expect, it } from 'vitest';
import { DEDUP_WINDOW_MS } from '../../../lambdas/domain/inventory-item';
import { parsePushRequest } from '../../../lambdas/domain/push-request';
import { READ_BACK_WINDOW_MS } from '../../../lambdas/domain/unknown-outcome';
import type { UpdateOutcome } from '../../../lambdas/ports/marketplace';
import { consumeChunk } from '../../../lambdas/use-cases/consume-chunk';
import { pollBatch } from '../../../lambdas/use-cases/poll-batch';
import { pushInventory } from '../../../lambdas/use-cases/push-inventory';
import { releaseScheduledJobs } from '../../../lambdas/use-cases/release-scheduled';
import { CONNECTION, memoryPorts } from './in-memory-ports';

type Ports = Awaited<ReturnType<typeof memoryPorts>>;
const item = (barcode: string, quantity: number) => ({ barcode, quantity, salePrice: 100, listPrice: 120 });

async function push(p: Ports, items: ReturnType<typeof item>[]) {
  const res = await pushInventory(p, parsePushRequest({ connectionId: CONNECTION.id, items }), {
    dryRun: false,
    force: false,
    forceWrite: true,
  });
  return res;
}

async function consume(p: Ports, jobId: string, receiveCount = 1, random = () => 0.5) {
  return consumeChunk({ ...p, random }, { jobId, receiveCount, maxReceiveCount: 5 });
}

/** Runs the per-minute release, then delivers whatever it enqueued. */
async function releaseAndDeliver(p: Ports) {
  const before = p.queue.sent.length;
  const report = await releaseScheduledJobs(p);
  for (const m of p.queue.sent.slice(before)) await consume(p, m.jobId);
  return report;
}

const serverError = (status: number, body: unknown = {}): UpdateOutcome => ({
  kind: 'server-error',
  httpStatus: status,
  body,
  latencyMs: 1,
});
const refusal = (status: number): UpdateOutcome => ({
  kind: 'duplicate-request',
  httpStatus: status,
  body: {
    errors: [
      { key: 'request.duplicate', message: '15 dakika boyunca aynı isteği tekrarlı olarak atamazsınız!' },
    ],
  },
  latencyMs: 1,
});

describe('retries: full jitter and errors that name the status and key', () => {
  it('inline backoff is uniformly random below the exponential ceiling (injected random source)', async () => {
    for (const [random, expected] of [
      [() => 0.5, [500, 1000]],
      [() => 0.25, [250, 500]],
    ] as const) {
      const p = await memoryPorts();
      p.marketplace.script.push(serverError(503), serverError(503));
      const { body } = await push(p, [item('A', 1)]);
      const result = await consume(p, body.jobs[0]?.jobId ?? '', 1, random);
      expect(result.outcome).toBe('accepted');
      expect(p.sleeps).toEqual(expected);
    }
  });

  it('a refusal names the HTTP status and Trendyol key', async () => {
    const p = await memoryPorts();
    p.marketplace.script.push({
      kind: 'validation',
      httpStatus: 400,
      body: { errors: [{ key: 'request.invalid', message: 'Barkod formatı geçersiz', errorCode: '' }] },
      latencyMs: 1,
    });
    const { body } = await push(p, [item('A', 1)]);
    const jobId = body.jobs[0]?.jobId ?? '';
    await consume(p, jobId);
    const job = await p.jobs.get(jobId);
    expect(job?.error?.message).toBe(
      'Trendyol refused the chunk: HTTP 400 request.invalid: Barkod formatı geçersiz',
    );
    expect(job?.confirmation).toBe('failed');
    expect((await p.connections.getState(CONNECTION.id))?.lastError).toContain('HTTP 400 request.invalid');
  });
});

describe('outcome unknown: resolved by reading back over the next minutes, never sent blindly', () => {
  it('500 after acceptance, then the 15-minute refusal: read back later (not at once), confirmed, sent once more at most', async () => {
    const p = await memoryPorts();
    let accepted = '';
    p.marketplace.script.push((body) => {
      accepted = body; // Trendyol queued it, then answered 500: applied a few seconds later
      return serverError(500, { exception: 'TrendyolSystemException' });
    }, refusal(429));
    const { body } = await push(p, [item('A', 7)]);
    const jobId = body.jobs[0]?.jobId ?? '';
    const result = await consume(p, jobId, 5); // even on the last delivery: no DLQ
    expect(result.outcome).toBe('rescheduled');
    // Not read back at once: Trendyol has not applied it yet.
    expect(p.marketplace.readBacks).toEqual([]);
    const waiting = await p.jobs.get(jobId);
    expect(waiting).toMatchObject({ status: 'scheduled', confirmation: 'pending' });
    expect((await p.connections.getState(CONNECTION.id))?.lastStatus).not.toBe('ERROR');

    p.clock.advance(5_000);
    p.marketplace.apply(accepted);
    p.clock.advance(15_000);
    const report = await releaseAndDeliver(p);
    expect(report.confirmed).toEqual([jobId]);
    const job = await p.jobs.get(jobId);
    expect(job).toMatchObject({ status: 'success', confirmation: 'confirmed' });
    expect(p.marketplace.updates).toHaveLength(2);
    expect((await p.inventory.findKnownValues(CONNECTION.id, ['A'])).get('A')?.status).toBe('confirmed');
  });

  it('after the read-back window, only the values still different are sent, once the 15 minutes have passed', async () => {
    const p = await memoryPorts();
    let accepted = '';
    p.marketplace.script.push((b) => {
      accepted = b;
      return { kind: 'timeout', latencyMs: 30_000 };
    }, refusal(403));
    const { body } = await push(p, [item('A', 1), item('B', 2)]);
    const jobId = body.jobs[0]?.jobId ?? '';
    await consume(p, jobId);
    const refusedAt = p.clock.now().getTime();
    // Trendyol applied A only (B failed silently, say): A is confirmed, B keeps being read.
    p.marketplace.apply(
      JSON.stringify({
        items: JSON.parse(accepted).items.filter((i: { barcode: string }) => i.barcode === 'A'),
      }),
    );
    while (p.clock.now().getTime() - refusedAt <= READ_BACK_WINDOW_MS + 20_000) {
      p.clock.advance(20_000);
      await releaseAndDeliver(p);
    }
    expect(p.marketplace.updates).toHaveLength(2);
    const waiting = await p.jobs.get(jobId);
    expect(waiting?.status).toBe('scheduled');
    expect(Date.parse(waiting?.notBefore ?? '')).toBeGreaterThanOrEqual(refusedAt + DEDUP_WINDOW_MS);
    expect((await p.inventory.findKnownValues(CONNECTION.id, ['A'])).get('A')?.status).toBe('confirmed');

    p.clock.advance(DEDUP_WINDOW_MS);
    await releaseAndDeliver(p);
    expect(p.marketplace.updates).toHaveLength(3);
    expect(JSON.parse(p.marketplace.updates[2] ?? '')).toEqual({
      items: [{ barcode: 'B', quantity: 2, salePrice: 100, listPrice: 120 }],
    });
  });

  it('a value overtaken by a newer push meanwhile is not sent again', async () => {
    const p = await memoryPorts();
    p.marketplace.script.push({ kind: 'no-batch-id', httpStatus: 200, body: {}, latencyMs: 1 });
    const { body } = await push(p, [item('A', 1)]);
    const jobId = body.jobs[0]?.jobId ?? '';
    await consume(p, jobId);
    expect(p.marketplace.updates).toHaveLength(1); // a 200 without id is not blindly re-sent
    const newer = await push(p, [item('A', 9)]);
    await consume(p, newer.body.jobs[0]?.jobId ?? '');
    for (let i = 0; i < 10; i += 1) {
      p.clock.advance(20_000);
      await releaseAndDeliver(p);
    }
    p.clock.advance(DEDUP_WINDOW_MS);
    await releaseAndDeliver(p);
    expect(p.marketplace.updates.map((u) => JSON.parse(u).items[0].quantity)).toEqual([1, 9]);
    expect((await p.jobs.get(jobId))?.status).toBe('success');
  });
});

describe('batch results: missing items and overtaken values', () => {
  async function acceptedJob(p: Ports, items: ReturnType<typeof item>[]) {
    const { body } = await push(p, items);
    const jobId = body.jobs[0]?.jobId ?? '';
    await consume(p, jobId);
    const job = await p.jobs.get(jobId);
    return { jobId, batchRequestId: job?.batchRequestId ?? '', submittedAt: p.clock.now().toISOString() };
  }
  const found = (items: Array<{ barcode: string; status: string }>) => ({
    kind: 'found' as const,
    latencyMs: 1,
    batch: {
      batchRequestId: 'x',
      raw: {},
      items: items.map((i) => ({
        requestItem: { barcode: i.barcode },
        status: i.status,
        failureReasons: [],
      })),
    },
  });

  it('an item the result never lists holds back no other item and is resolved by read-back within minutes', async () => {
    const p = await memoryPorts();
    const sent = await acceptedJob(p, [item('A', 1), item('B', 2)]);
    p.marketplace.batches.set(sent.batchRequestId, found([{ barcode: 'A', status: 'SUCCESS' }]));
    const input = {
      connectionId: CONNECTION.id,
      jobId: sent.jobId,
      batchRequestId: sent.batchRequestId,
      submittedAt: sent.submittedAt,
    };
    const first = await pollBatch(p, input, { shortPollMs: 0 });
    expect(first.output.status).toBe('PENDING');
    // A settled: recorded now, not when B turns up.
    expect((await p.inventory.findKnownValues(CONNECTION.id, ['A'])).get('A')?.status).toBe('confirmed');

    p.clock.advance(3 * 60_000);
    const later = await pollBatch(p, { ...input, poll: first.output }, { shortPollMs: 0 });
    expect(later.output.status).toBe('SETTLED');
    expect(await p.jobs.get(sent.jobId)).toMatchObject({
      confirmation: 'confirmed',
      confirmationCounts: { confirmed: 2, failed: 0, unresolved: 0 },
    });
  });

  it('an unreported item whose live value differs is not in flight for ever: the next push of it is sent', async () => {
    const p = await memoryPorts();
    const sent = await acceptedJob(p, [item('A', 1), item('B', 2)]);
    p.marketplace.live.delete('B'); // Trendyol never applied B
    p.marketplace.batches.set(sent.batchRequestId, found([{ barcode: 'A', status: 'SUCCESS' }]));
    p.clock.advance(3 * 60_000);
    await pollBatch(
      p,
      {
        connectionId: CONNECTION.id,
        jobId: sent.jobId,
        batchRequestId: sent.batchRequestId,
        submittedAt: sent.submittedAt,
      },
      { shortPollMs: 0 },
    );
    expect((await p.jobs.get(sent.jobId))?.confirmation).toBe('partial');
    p.clock.advance(DEDUP_WINDOW_MS);
    const again = await push(p, [item('B', 2)]);
    expect(again.body.changedCount).toBe(1);
    expect(again.httpStatus).toBe(202);
  });

  it('an older batch applied after a newer one: a correction is scheduled and the newer value is never answered dedup', async () => {
    const p = await memoryPorts();
    const older = await acceptedJob(p, [item('A', 1)]);
    const olderBody = p.marketplace.updates[0] ?? '';
    const newer = await acceptedJob(p, [item('A', 9)]);
    const input = (j: typeof older) => ({
      connectionId: CONNECTION.id,
      jobId: j.jobId,
      batchRequestId: j.batchRequestId,
      submittedAt: j.submittedAt,
    });
    p.marketplace.batches.set(newer.batchRequestId, found([{ barcode: 'A', status: 'SUCCESS' }]));
    await pollBatch(p, input(newer), { shortPollMs: 0 });
    // Trendyol applies the older batch last.
    p.marketplace.apply(olderBody);
    p.marketplace.batches.set(older.batchRequestId, found([{ barcode: 'A', status: 'SUCCESS' }]));
    await pollBatch(p, input(older), { shortPollMs: 0 });

    // Scheduled by ECI itself, like a revert: no push needed.
    const correction = [...p.store.jobs.values()].find((j) => j.status === 'scheduled');
    expect(correction?.items).toEqual([{ barcode: 'A', quantity: 9, salePrice: 10000, listPrice: 12000 }]);
    const again = await push(p, [item('A', 9)]);
    expect(again.body.dedupCount).toBe(0);
    p.clock.advance(DEDUP_WINDOW_MS + 60_000);
    await releaseAndDeliver(p);
    expect(p.marketplace.live.get('A')?.quantity).toBe(9);
  });
});

describe('a database still resuming during a push', () => {
  it('enqueues nothing and keeps no dedup claim', async () => {
    const p = await memoryPorts();
    const cause = Object.assign(new Error('resuming'), { name: 'DatabaseResumingException' });
    p.store.createPushJobs = async () => {
      throw new Error('Failed query', { cause });
    };
    await expect(push(p, [item('A', 1)])).rejects.toMatchObject({
      cause: { name: 'DatabaseResumingException' },
    });
    expect(p.queue.sent).toEqual([]);
    expect(p.dedup.records.size).toBe(0);
  });
});

describe('hand-off of an accepted chunk', () => {
  it('the connection reads SUCCESS for this job when its confirmation workflow starts', async () => {
    const p = await memoryPorts();
    await push(p, [item('A', 1)]);
    const [message] = p.queue.sent;
    if (!message) throw new Error('nothing enqueued');
    const statesAtStart: unknown[] = [];
    const start = p.workflow.start.bind(p.workflow);
    p.workflow.start = async (input) => {
      statesAtStart.push(await p.connections.getState(CONNECTION.id));
      return start(input);
    };
    expect(await consume(p, message.jobId)).toMatchObject({ outcome: 'accepted' });
    expect(statesAtStart).toEqual([
      expect.objectContaining({ lastStatus: 'SUCCESS', lastError: null, lastJobId: message.jobId }),
    ]);
  });

  it('a chunk whose connection was deleted before it was sent fails and sends nothing', async () => {
    const p = await memoryPorts();
    await push(p, [item('A', 1)]);
    const [message] = p.queue.sent;
    if (!message) throw new Error('nothing enqueued');
    p.connections.rows.delete(CONNECTION.id);
    expect(await consume(p, message.jobId)).toEqual({ outcome: 'failed', code: 'CONNECTION_NOT_FOUND' });
    expect(p.marketplace.updates).toEqual([]);
    expect(await p.store.get(message.jobId)).toMatchObject({ status: 'failed' });
  });
});
