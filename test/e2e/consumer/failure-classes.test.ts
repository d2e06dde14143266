import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEDUP_WINDOW_MS } from '../../../lambdas/domain/inventory-item';
import { READ_BACK_DELAY_MS, READ_BACK_WINDOW_MS } from '../../../lambdas/domain/unknown-outcome';
import { releaseScheduledJobs } from '../../../lambdas/use-cases/release-scheduled';
import {
  type ConsumerStack,
  getJob,
  getStatus,
  handRecord,
  invokeConsumer,
  item,
  mark,
  newConnection,
  noSleep,
  push,
  startConsumerStack,
  uniqueBarcode,
  updateBody,
  updatesSince,
} from './consumer-harness';

let h: ConsumerStack;

beforeAll(async () => {
  h = await startConsumerStack();
});

afterEach(() => {
  h.setSleep(noSleep);
  h.stack.simulator.clearFaults();
  h.stack.simulator.setProcessingDelay(0);
});

afterAll(async () => {
  await h?.stop();
});

/** Full jitter: each inline pause is below its exponential ceiling (1 s, then 2 s). */
function expectJitteredBackoff(sleeps: number[]) {
  expect(sleeps).toHaveLength(2);
  expect(sleeps[0]).toBeGreaterThanOrEqual(0);
  expect(sleeps[0]).toBeLessThan(1000);
  expect(sleeps[1]).toBeLessThan(2000);
}

/**
 * Runs the per-minute release as if `aheadMs` had passed: resolving an unknown outcome reads back
 * 20 s after the refusal and again over two minutes, which a test does not wait for.
 */
async function releaseAhead(aheadMs: number) {
  const { container } = h.stack;
  await releaseScheduledJobs({ ...container, clock: { now: () => new Date(Date.now() + aheadMs) } });
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Sends one valid update straight to the simulator, as another integration of the same seller would. */
async function directUpdate(
  seller: { sellerId: number; apiKey: string; apiSecret: string },
  barcode: string,
) {
  const auth = Buffer.from(`${seller.apiKey}:${seller.apiSecret}`).toString('base64');
  const res = await fetch(
    `${h.stack.simulator.url}/inventory/sellers/${seller.sellerId}/products/price-and-inventory`,
    {
      method: 'POST',
      headers: {
        authorization: `Basic ${auth}`,
        'user-agent': `${seller.sellerId} - OtherTool`,
        'content-type': 'application/json',
      },
      body: updateBody([item(barcode)]),
    },
  );
  await res.text();
  return res.status;
}

describe('429 and 5xx / timeouts are retried with backoff, never marking the job failed', () => {
  it('429: the delivery backs off, hands the message back (job queued), and a later delivery succeeds', async () => {
    const c = await newConnection(h);
    const since = mark(h);
    // Another tool of the same seller spends the burst (50 per 10 s per endpoint) just before ECI sends.
    const spent = await Promise.all(
      Array.from({ length: 50 }, (_, i) => directUpdate(c, uniqueBarcode(`b${i}`))),
    );
    expect(spent.every((s) => s === 200)).toBe(true);
    const firstBurstAt = Math.min(...updatesSince(h, since, c.sellerId).map((r) => Date.parse(r.at)));

    const barcode = uniqueBarcode('rl');
    const body = updateBody([item(barcode)]);
    const { jobIds } = await push(h, c.id, [item(barcode)]);
    const [jobId = ''] = jobIds;
    const sleepsBefore = h.sleeps.length;
    await h.stack.eventSource.pollOnce();

    const queued = await getJob(h, jobId);
    expect(queued).toMatchObject({
      status: 'queued',
      attempts: 1,
      error: {
        code: 'TRENDYOL_UNAVAILABLE',
        message: 'Trendyol answered HTTP 429 too.many.requests; will retry.',
      },
    });
    expect((await getStatus(h, c.id)).state).toMatchObject({
      lastStatus: 'FAILED',
      lastError: 'Trendyol answered HTTP 429 too.many.requests; will retry.',
      lastJobId: jobId,
    });
    const eciTries = () =>
      updatesSince(h, since, c.sellerId).filter((r) => r.headers['user-agent'] === `${c.sellerId} - ECI`);
    expect(eciTries().map((r) => r.status)).toEqual([429, 429, 429]);
    expect(eciTries().every((r) => r.body === body)).toBe(true);
    // Exponential backoff with full jitter between the inline tries: below 1 s, then below 2 s.
    expectJitteredBackoff(h.sleeps.slice(sleepsBefore));

    // The next delivery (SQS hands the message back after its visibility timeout): its backoff waits for
    // the seller's burst window to pass, and then Trendyol takes the chunk.
    h.setSleep(async () => delay(Math.max(0, firstBurstAt + 10_200 - Date.now())));
    const response = await invokeConsumer(h, [handRecord(jobId, c.id, 2)]);
    expect(response.batchItemFailures).toEqual([]);
    await h.stack.workflow.drain();

    const job = await getJob(h, jobId);
    expect(job).toMatchObject({ status: 'success', attempts: 2, error: null });
    expect(job.summary?.batchRequestId).toEqual(expect.any(String));
    expect((await getStatus(h, c.id)).state).toMatchObject({
      lastStatus: 'SUCCESS',
      lastError: null,
      lastJobId: jobId,
    });
    const tries = eciTries();
    expect(tries.at(-1)).toMatchObject({ status: 200, body, batchRequestId: job.summary?.batchRequestId });
    expect(tries.slice(0, -1).every((r) => r.status === 429)).toBe(true);
    expect(h.stack.simulator.liveValue(c.sellerId, barcode)).toMatchObject({ quantity: 5, salePrice: 100 });
  }, 30_000);

  it('5xx twice then success: one delivery (attempts 1), three identical requests, the third accepted', async () => {
    const c = await newConnection(h);
    const barcode = uniqueBarcode('5xx');
    const body = updateBody([item(barcode)]);
    h.stack.simulator.injectFault({ kind: 'status', status: 500, endpoint: 'update' });
    h.stack.simulator.injectFault({ kind: 'status', status: 500, endpoint: 'update' });
    const since = mark(h);
    const sleepsBefore = h.sleeps.length;
    const { jobIds } = await push(h, c.id, [item(barcode)]);
    const [jobId = ''] = jobIds;

    await h.stack.settle();
    // The delivery's two backoff pauses come first: the confirmation workflow starts only once the
    // third request is accepted, and its poller sleeps too (its first look comes 2 s into its run).
    const deliverySleeps = h.sleeps.slice(sleepsBefore, sleepsBefore + 2);

    const job = await getJob(h, jobId);
    expect(job).toMatchObject({ status: 'success', attempts: 1, error: null });
    const updates = updatesSince(h, since, c.sellerId);
    expect(updates.map((r) => r.status)).toEqual([500, 500, 200]);
    expect(updates.every((r) => r.body === body)).toBe(true);
    expect(job.summary).toMatchObject({ batchRequestId: updates[2]?.batchRequestId, writeEnabled: true });
    expectJitteredBackoff(deliverySleeps);
    expect((await getStatus(h, c.id)).state).toMatchObject({
      lastStatus: 'SUCCESS',
      lastError: null,
      lastJobId: jobId,
    });
  });

  it('5xx on every try (502, 503, 504): the delivery gives up, the job is queued again, never failed', async () => {
    const c = await newConnection(h);
    const barcode = uniqueBarcode('5xx-all');
    for (const status of [502, 503, 504] as const) {
      h.stack.simulator.injectFault({ kind: 'status', status, endpoint: 'update' });
    }
    const since = mark(h);
    const { jobIds } = await push(h, c.id, [item(barcode)]);
    const [jobId = ''] = jobIds;

    await h.stack.eventSource.pollOnce();

    const job = await getJob(h, jobId);
    // The gateway's HTML page is summarised: status and title, never the page.
    const reason = 'Trendyol answered HTTP 504 HTML page';
    expect(job).toMatchObject({
      status: 'queued',
      attempts: 1,
      batchRequestId: null,
      error: { code: 'TRENDYOL_UNAVAILABLE' },
    });
    expect(job.error?.message).toMatch(
      /^Trendyol answered HTTP 504 HTML page \(\d+ chars\): 504 Gateway Time-out; will retry\.$/,
    );
    expect((await getStatus(h, c.id)).state).toMatchObject({
      lastStatus: 'FAILED',
      lastError: job.error?.message,
      lastJobId: jobId,
    });
    expect(job.error?.message).toContain(reason);
    const updates = updatesSince(h, since, c.sellerId);
    expect(updates.map((r) => r.status)).toEqual([502, 503, 504]);
    expect(new Set(updates.map((r) => r.body))).toEqual(new Set([updateBody([item(barcode)])]));
    expect(h.stack.simulator.liveValue(c.sellerId, barcode)).toBeUndefined();
  });

  it('a dropped connection (timeout fault) is retried within the delivery and then accepted', async () => {
    const c = await newConnection(h);
    const barcode = uniqueBarcode('timeout');
    h.stack.simulator.injectFault({ kind: 'timeout', ms: 100, endpoint: 'update' });
    const since = mark(h);
    const { jobIds } = await push(h, c.id, [item(barcode)]);
    const [jobId = ''] = jobIds;

    await h.stack.settle();

    const job = await getJob(h, jobId);
    expect(job).toMatchObject({ status: 'success', attempts: 1, error: null });
    const updates = updatesSince(h, since, c.sellerId);
    expect(updates.map((r) => [r.status, r.fault])).toEqual([
      [null, 'timeout'],
      [200, null],
    ]);
    expect(updates[0]?.body).toBe(updates[1]?.body);
    expect((await getStatus(h, c.id)).state).toMatchObject({ lastStatus: 'SUCCESS', lastJobId: jobId });
  });

  it('a 200 without batchRequestId (nothing queued) is an unknown outcome: read back, then sent again', async () => {
    const c = await newConnection(h);
    const barcode = uniqueBarcode('nobatch');
    h.stack.simulator.injectFault({ kind: '200-without-batch-id', accept: false });
    const since = mark(h);
    const { jobIds } = await push(h, c.id, [item(barcode)]);
    const [jobId = ''] = jobIds;

    await h.stack.settle();
    // Not sent blindly again: it may have been queued.
    expect(await getJob(h, jobId)).toMatchObject({ status: 'scheduled', error: { code: 'OUTCOME_UNKNOWN' } });
    expect(updatesSince(h, since, c.sellerId).map((r) => [r.status, r.fault])).toEqual([
      [200, '200-without-batch-id'],
    ]);

    // Read back over two minutes: the value never shows up, so it is sent again once Trendyol's
    // window for the identical body has passed (it may have queued it).
    await releaseAhead(READ_BACK_DELAY_MS + 1000);
    await releaseAhead(READ_BACK_WINDOW_MS + 1000);
    await releaseAhead(DEDUP_WINDOW_MS + 60_000);
    await h.stack.settle();

    const job = await getJob(h, jobId);
    const updates = updatesSince(h, since, c.sellerId);
    expect(updates.map((r) => [r.status, r.fault])).toEqual([
      [200, '200-without-batch-id'],
      [200, null],
    ]);
    expect(job).toMatchObject({
      status: 'success',
      batchRequestId: updates[1]?.batchRequestId,
      confirmation: 'confirmed',
    });
  });
});

describe('the 15-minute refusal is resolved as "outcome unknown"', () => {
  it('500 after acceptance, batch applied before the retry: read-back confirms, the job ends success', async () => {
    const c = await newConnection(h);
    const barcode = uniqueBarcode('amb-ok');
    const body = updateBody([item(barcode, 7, 50, 60)]);
    h.stack.simulator.setProcessingDelay('never');
    h.stack.simulator.injectFault({ kind: '500-after-accept' });
    // Trendyol processes the accepted batch while the consumer backs off.
    h.setSleep(async () => {
      h.stack.simulator.settleAll();
    });
    const since = mark(h);
    const { jobIds } = await push(h, c.id, [item(barcode, 7, 50, 60)]);
    const [jobId = ''] = jobIds;

    await h.stack.settle();
    // Not read back at once (Trendyol applies within seconds): the job waits for its first read-back.
    expect(await getJob(h, jobId)).toMatchObject({ status: 'scheduled', confirmation: 'pending' });
    await releaseAhead(READ_BACK_DELAY_MS + 1000);

    const job = await getJob(h, jobId);
    expect(job).toMatchObject({ status: 'success', attempts: 1, error: null, confirmation: 'confirmed' });
    expect(job.summary?.note).toBe("Trendyol's live values show this chunk applied (read-back)");
    expect((await getStatus(h, c.id)).state).toMatchObject({
      lastStatus: 'SUCCESS',
      lastError: null,
      lastJobId: jobId,
    });
    const updates = updatesSince(h, since, c.sellerId);
    expect(updates.map((r) => [r.status, r.fault])).toEqual([
      [500, '500-after-accept'],
      [400, null],
    ]);
    expect(updates.every((r) => r.body === body)).toBe(true);
    const readBacks = h.stack.simulator.requests.filter(
      (r) => r.seq > since && r.endpoint === 'readback' && r.sellerId === c.sellerId,
    );
    expect(readBacks).toHaveLength(1);
    expect(readBacks[0]?.path).toContain(`barcodes=${barcode}`);
    expect(h.stack.simulator.liveValue(c.sellerId, barcode)).toMatchObject({ quantity: 7, salePrice: 50 });
    // The read-back stands in for the lost batch: the value is confirmed.
    const state = await h.api.get<{ items: Array<{ barcode: string; confirmed: unknown }> }>(
      `/v1/inventory/state?connectionId=${c.id}&barcode=${barcode}`,
    );
    expect(JSON.stringify(state.body)).toContain(`read-back:${jobId}`);
  });

  it('500 after acceptance, not yet applied: the job is scheduled ≈ 15.5 min out, never failed, queue not blocked', async () => {
    const c = await newConnection(h);
    const barcode = uniqueBarcode('amb-wait');
    h.stack.simulator.setProcessingDelay('never');
    h.stack.simulator.injectFault({ kind: '500-after-accept' });
    const since = mark(h);
    const { jobIds } = await push(h, c.id, [item(barcode)]);
    const [jobId = ''] = jobIds;

    const before = Date.now();
    await h.stack.eventSource.pollOnce();
    const after = Date.now();

    const job = await getJob(h, jobId);
    expect(job).toMatchObject({ status: 'scheduled', attempts: 1, error: { code: 'OUTCOME_UNKNOWN' } });
    expect(job.error?.message).toContain('refused this body as a repeat (HTTP 400 request.duplicate');
    // First read-back in 20 s, not 15.5 min: Trendyol applies within seconds.
    const notBefore = Date.parse(job.notBefore ?? '');
    expect(notBefore).toBeGreaterThanOrEqual(before + READ_BACK_DELAY_MS);
    expect(notBefore).toBeLessThanOrEqual(after + READ_BACK_DELAY_MS);
    const updates = updatesSince(h, since, c.sellerId);
    expect(updates.map((r) => r.status)).toEqual([500, 400]);
    const statusAfter = await getStatus(h, c.id);
    expect(statusAfter.state.lastJobId).toBe(jobId);
    // Not a failure, and nothing is running: the connection is idle and says why the job waits.
    expect(statusAfter.state.lastStatus).toBe('IDLE');
    expect(statusAfter.state.lastError).toContain('as a repeat');

    // The message was acknowledged: the seller's next chunk goes through right away.
    h.stack.simulator.setProcessingDelay(0);
    const next = uniqueBarcode('amb-next');
    const second = await push(h, c.id, [item(next)]);
    await h.stack.settle();
    const nextJob = await getJob(h, second.jobIds[0] ?? '');
    expect(nextJob).toMatchObject({ status: 'success', attempts: 1 });
    expect(updatesSince(h, since, c.sellerId).map((r) => r.status)).toEqual([500, 400, 200]);
    expect((await getJob(h, jobId)).status).toBe('scheduled');
    expect((await getStatus(h, c.id)).state).toMatchObject({ lastStatus: 'SUCCESS', lastJobId: nextJob.id });
  });

  it('a timeout after acceptance, then the refusal: resolved through read-back the same way', async () => {
    const c = await newConnection(h);
    const barcode = uniqueBarcode('amb-timeout');
    h.stack.simulator.injectFault({ kind: 'timeout', ms: 50, accept: true, endpoint: 'update' });
    const since = mark(h);
    const { jobIds } = await push(h, c.id, [item(barcode)]);
    const [jobId = ''] = jobIds;

    await h.stack.settle();
    await releaseAhead(READ_BACK_DELAY_MS + 1000);

    const job = await getJob(h, jobId);
    expect(job).toMatchObject({ status: 'success', attempts: 1, error: null, confirmation: 'confirmed' });
    expect(job.summary?.note).toContain('read-back');
    expect(updatesSince(h, since, c.sellerId).map((r) => [r.status, r.fault])).toEqual([
      [null, 'timeout'],
      [400, null],
    ]);
  });
});

describe('refusals fail the job for good', () => {
  it('400 from Trendyol: job failed with Trendyol errors verbatim, not retried, dedup released', async () => {
    const c = await newConnection(h);
    const { container } = h.stack;
    // The push API refuses a negative quantity before anything is queued, so the chunk is put on the queue
    // the way the push use case would, to see how the consumer handles Trendyol's synchronous 400.
    const barcode = uniqueBarcode('neg');
    const body = JSON.stringify({ items: [{ barcode, quantity: -1 }] });
    const bodyHash = sha256(body);
    const jobId = container.ids.next();
    const now = container.clock.now();
    await container.dedup.claim({ connectionId: c.id, bodyHash, jobId, now, windowMs: DEDUP_WINDOW_MS });
    await container.jobs.createPushJobs(
      [
        {
          id: jobId,
          status: 'queued',
          connectionId: c.id,
          pushId: container.ids.next(),
          chunkIndex: 0,
          bodyHash,
          body,
          items: [{ barcode, quantity: -1 }],
          options: { dryRun: false, force: false, forceWrite: true, originalCount: 1, coalescedCount: 1 },
          notBefore: null,
          recordsIntent: true,
        },
      ],
      now,
    );
    await container.queue.send([{ jobId, connectionId: c.id, groupId: c.id, deduplicationId: bodyHash }]);
    const since = mark(h);

    await h.stack.settle();

    const job = await getJob(h, jobId);
    expect(job).toMatchObject({ status: 'failed', attempts: 1, batchRequestId: null });
    expect(job.error?.code).toBe('TRENDYOL_VALIDATION');
    expect(job.error?.details).toEqual({
      errors: [{ key: 'item.quantity.negative', message: expect.any(String), errorCode: '400' }],
    });
    const details = job.error?.details as { errors?: Array<{ message: string }> } | undefined;
    const trendyolMessage = details?.errors?.[0]?.message;
    expect(job.error?.message).toBe(
      `Trendyol refused the chunk: HTTP 400 item.quantity.negative: ${trendyolMessage}`,
    );
    expect(job.summary).toMatchObject({ note: job.error?.message, writeEnabled: true });
    expect((await getStatus(h, c.id)).state).toMatchObject({
      lastStatus: 'FAILED',
      lastError: job.error?.message,
      lastJobId: jobId,
    });
    const updates = updatesSince(h, since, c.sellerId);
    expect(updates.map((r) => [r.status, r.body])).toEqual([[400, body]]);
    expect(await container.dedup.find(c.id, bodyHash, container.clock.now())).toBeUndefined();
  });

  it('401: job failed with TRENDYOL_AUTH, connection ERROR; new credentials put it back to IDLE', async () => {
    const c = await newConnection(h, { apiSecret: 'wrong-secret' });
    const barcode = uniqueBarcode('auth');
    const since = mark(h);
    const { jobIds } = await push(h, c.id, [item(barcode)]);
    const [jobId = ''] = jobIds;

    await h.stack.settle();

    const job = await getJob(h, jobId);
    expect(job).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'TRENDYOL_AUTH' } });
    expect(job.error?.message).toBe(
      `Trendyol refused the credentials of connection ${c.id} (HTTP 401 ClientApiAuthenticationException). ` +
        'Check the API key, secret and seller id, then rotate them with PATCH /v1/connections/:id.',
    );
    expect(job.error?.details).toEqual({ exception: 'ClientApiAuthenticationException' });
    expect((await getStatus(h, c.id)).state).toMatchObject({
      lastStatus: 'ERROR',
      lastError: job.error?.message,
      lastJobId: jobId,
    });
    // Refused once, not retried: credentials do not fix themselves.
    expect(updatesSince(h, since, c.sellerId).map((r) => r.status)).toEqual([401]);
    expect(JSON.stringify(job)).not.toContain('wrong-secret');

    const patched = await h.api.call('PATCH', `/v1/connections/${c.id}`, {
      body: { apiKey: c.apiKey, apiSecret: c.apiSecret },
    });
    expect(patched.status).toBe(200);
    expect((await getStatus(h, c.id)).state).toMatchObject({ lastStatus: 'IDLE' });

    // The refused body was never taken by Trendyol, so the same push goes through now.
    const again = await push(h, c.id, [item(barcode)]);
    expect(again.status).toBe(202);
    await h.stack.settle();
    const retried = await getJob(h, again.jobIds[0] ?? '');
    expect(retried).toMatchObject({ status: 'success', attempts: 1 });
    expect(updatesSince(h, since, c.sellerId).map((r) => r.status)).toEqual([401, 200]);
    expect((await getStatus(h, c.id)).state).toMatchObject({ lastStatus: 'SUCCESS', lastError: null });
  });
});
