import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConsumerStack,
  getJob,
  getStatus,
  handRecord,
  invokeConsumer,
  item,
  mark,
  newConnection,
  push,
  receiveRecords,
  startConsumerStack,
  uniqueBarcode,
  updateBody,
  updatesSince,
} from './consumer-harness';

let h: ConsumerStack;

beforeAll(async () => {
  // A short visibility timeout lets a failing message come back (and reach the DLQ) within seconds. It stays
  // above the poller's 1 s long poll: local-aws-sqs would otherwise hand one message out twice in a batch.
  h = await startConsumerStack({ visibilityTimeoutSeconds: 2 });
});

afterEach(() => {
  h.stack.simulator.clearFaults();
  h.stack.simulator.setProcessingDelay(0);
});

afterAll(async () => {
  await h?.stop();
});

describe('duplicate delivery sends nothing twice', () => {
  it('the same record handled twice, then redelivered by SQS and re-sent to the queue: one request', async () => {
    const c = await newConnection(h);
    const barcode = uniqueBarcode('dup');
    const since = mark(h);
    const { jobIds } = await push(h, c.id, [item(barcode)]);
    const [jobId = ''] = jobIds;
    const [record] = await receiveRecords(h);
    if (!record) throw new Error('the chunk message was not on the queue');
    expect(JSON.parse(record.body)).toEqual({ jobId, connectionId: c.id });

    expect(await invokeConsumer(h, [record])).toEqual({ batchItemFailures: [] });
    expect(await invokeConsumer(h, [record])).toEqual({ batchItemFailures: [] });
    // The record was never deleted: SQS hands it out again once its visibility timeout ends.
    await new Promise((resolve) => setTimeout(resolve, 2100));
    await h.stack.settle();
    // The same message sent to the queue again (a producer retry with another dedup id).
    await h.stack.sqsClient.send(
      new SendMessageCommand({
        QueueUrl: h.stack.queueUrl,
        MessageBody: record.body,
        MessageGroupId: c.id,
        MessageDeduplicationId: `again-${jobId}`,
      }),
    );
    await h.stack.settle();

    const job = await getJob(h, jobId);
    expect(job).toMatchObject({ status: 'success', attempts: 1, error: null });
    const updates = updatesSince(h, since, c.sellerId);
    expect(updates.map((r) => [r.status, r.body])).toEqual([[200, updateBody([item(barcode)])]]);
    expect(job.summary?.batchRequestId).toBe(updates[0]?.batchRequestId);
    expect((await getStatus(h, c.id)).state).toMatchObject({ lastStatus: 'SUCCESS', lastJobId: jobId });
    const queued = await h.stack.sqsClient.send(
      new ReceiveMessageCommand({ QueueUrl: h.stack.queueUrl, WaitTimeSeconds: 0 }),
    );
    expect(queued.Messages ?? []).toEqual([]);
  });

  it('a stale delivery for a job waiting out the 15-minute window is acknowledged without sending', async () => {
    const c = await newConnection(h);
    const barcode = uniqueBarcode('stale');
    h.stack.simulator.setProcessingDelay('never');
    h.stack.simulator.injectFault({ kind: '500-after-accept' });
    const since = mark(h);
    const { jobIds } = await push(h, c.id, [item(barcode)]);
    const [jobId = ''] = jobIds;
    await h.stack.settle();
    const scheduled = await getJob(h, jobId);
    expect(scheduled).toMatchObject({ status: 'scheduled', attempts: 1, error: { code: 'OUTCOME_UNKNOWN' } });
    expect(updatesSince(h, since, c.sellerId).map((r) => r.status)).toEqual([500, 400]);

    // The acknowledged message shows up once more (SQS delivers at least once).
    expect(await invokeConsumer(h, [handRecord(jobId, c.id, 1)])).toEqual({ batchItemFailures: [] });

    expect(await getJob(h, jobId)).toMatchObject({
      status: 'scheduled',
      attempts: 1,
      notBefore: scheduled.notBefore,
    });
    expect(updatesSince(h, since, c.sellerId).map((r) => r.status)).toEqual([500, 400]);
  });
});

describe('retries exhausted', () => {
  it('the 5th delivery that still fails ends the job failed (RETRIES_EXHAUSTED) and reports the record', async () => {
    const c = await newConnection(h);
    const barcode = uniqueBarcode('last');
    const { jobIds } = await push(h, c.id, [item(barcode)]);
    const [jobId = ''] = jobIds;
    for (let i = 0; i < 3; i += 1) {
      h.stack.simulator.injectFault({ kind: 'status', status: 500, endpoint: 'update' });
    }
    const since = mark(h);
    const record = handRecord(jobId, c.id, 5);

    const response = await invokeConsumer(h, [record]);

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
    const message =
      'Gave up after 5 deliveries: Trendyol answered HTTP 500 generic.exception: Beklenmeyen bir hata oluştu; will retry.';
    const job = await getJob(h, jobId);
    expect(job).toMatchObject({
      status: 'failed',
      attempts: 1,
      error: { code: 'RETRIES_EXHAUSTED', message },
      batchRequestId: null,
    });
    expect(job.summary).toMatchObject({ note: message, writeEnabled: true });
    expect((await getStatus(h, c.id)).state).toMatchObject({
      lastStatus: 'FAILED',
      lastError: message,
      lastJobId: jobId,
    });
    expect(updatesSince(h, since, c.sellerId).map((r) => r.status)).toEqual([500, 500, 500]);
  });

  it('through the real queue: five failing deliveries, the job ends failed and the message is in the DLQ', async () => {
    const c = await newConnection(h);
    const barcode = uniqueBarcode('dlq');
    for (let i = 0; i < 15; i += 1) {
      h.stack.simulator.injectFault({ kind: 'status', status: 503, endpoint: 'update' });
    }
    const since = mark(h);
    const { jobIds } = await push(h, c.id, [item(barcode)]);
    const [jobId = ''] = jobIds;

    const states: string[] = [];
    const deadline = Date.now() + 30_000;
    while (states.length < 5 && Date.now() < deadline) {
      if ((await h.stack.eventSource.pollOnce()) > 0) states.push((await getJob(h, jobId)).status);
    }
    expect(states).toEqual(['queued', 'queued', 'queued', 'queued', 'failed']);
    // The next receive finds the message over its maxReceiveCount and moves it to the DLQ.
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect(await h.stack.eventSource.pollOnce()).toBe(0);
    const dlq = await h.stack.sqsClient.send(
      new ReceiveMessageCommand({ QueueUrl: h.stack.dlqUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    expect((dlq.Messages ?? []).map((m) => JSON.parse(m.Body ?? '{}'))).toEqual([
      { jobId, connectionId: c.id },
    ]);

    const job = await getJob(h, jobId);
    expect(job).toMatchObject({ status: 'failed', attempts: 5, error: { code: 'RETRIES_EXHAUSTED' } });
    expect(job.error?.message).toMatch(
      /^Gave up after 5 deliveries: Trendyol answered HTTP 503 HTML page \(\d+ chars\): 503 Service Temporarily Unavailable; will retry\.$/,
    );
    expect((await getStatus(h, c.id)).state).toMatchObject({
      lastStatus: 'FAILED',
      lastError: job.error?.message,
      lastJobId: jobId,
    });
    const updates = updatesSince(h, since, c.sellerId);
    expect(updates).toHaveLength(15);
    expect(updates.every((r) => r.status === 503 && r.body === updateBody([item(barcode)]))).toBe(true);
    expect(h.stack.simulator.pendingFaults).toEqual([]);
  }, 60_000);
});
