import { createHash } from 'node:crypto';
import { ChangeMessageVisibilityCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../local/runtime/local-stack';
import { apiClient } from '../support/local-stack-client';

const SEED_ITEM = {
  listPrice: 0.0,
  quantity: 0,
  currencyType: 'TRY',
  barcode: '8696947006698',
  salePrice: 0.0,
};
const SEED_BODY = '{"items":[{"barcode":"8696947006698","quantity":0,"salePrice":0,"listPrice":0}]}';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

let stack: LocalStack;
let api: ReturnType<typeof apiClient>;
let connectionId: string;

/** Reads every visible message without consuming it (visibility is handed straight back). */
async function peekQueue() {
  const seen: Array<{ groupId?: string; dedupId?: string; body: { jobId: string; connectionId: string } }> =
    [];
  for (;;) {
    const out = await stack.sqsClient.send(
      new ReceiveMessageCommand({
        QueueUrl: stack.queueUrl,
        MaxNumberOfMessages: 10,
        AttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
        WaitTimeSeconds: 0,
      }),
    );
    const messages = out.Messages ?? [];
    if (messages.length === 0) break;
    for (const m of messages) {
      seen.push({
        groupId: m.Attributes?.MessageGroupId,
        dedupId: m.Attributes?.MessageDeduplicationId,
        body: JSON.parse(m.Body ?? '{}'),
      });
    }
    if (messages.length < 10) {
      for (const m of messages) {
        await stack.sqsClient.send(
          new ChangeMessageVisibilityCommand({
            QueueUrl: stack.queueUrl,
            ReceiptHandle: m.ReceiptHandle,
            VisibilityTimeout: 0,
          }),
        );
      }
      break;
    }
  }
  return seen;
}

beforeAll(async () => {
  stack = await startLocalStack({
    port: 0,
    simulatorPort: 0,
    inMemory: true,
    autoConsume: false,
    simulatorProcessingDelayMs: 0,
    waitOverridesMs: { PollBatch: 0 },
    releaseIntervalMs: 3_600_000,
  });
  api = apiClient(stack);
  connectionId = stack.demoConnectionId;
});

afterAll(async () => {
  await stack?.stop();
});

describe('the seed pushes over HTTP', () => {
  it('answers GET /health with {"ok":true}', async () => {
    expect(await api.call('GET', '/health', { apiKey: null })).toEqual({ status: 200, body: { ok: true } });
  });

  it('push #1 (force=1&forceWrite=1, one item) → 202 with every seed field and the seed values', async () => {
    const res = await api.push(connectionId, [SEED_ITEM], '?force=1&forceWrite=1');
    expect(res.status).toBe(202);
    const bodyHash = sha256(SEED_BODY);
    expect(res.body).toMatchObject({
      ok: true,
      dryRun: false,
      force: true,
      forceWrite: true,
      forceWriteAllowed: true,
      originalCount: 1,
      coalescedCount: 1,
      changedCount: 1,
      skippedCount: 0,
      chunkSize: 1000,
      chunkCount: 1,
      enqueuedCount: 1,
      dedupCount: 0,
      dedupWindowMs: 900000,
      bodyHash,
      dedup: false,
      jobs: [{ chunkIndex: 0, itemCount: 1, bodyHash, dedup: false, jobId: res.body.jobId }],
    });
    expect(res.body.jobId).toMatch(/^c[0-9a-z]{24}$/);

    const messages = await peekQueue();
    expect(messages).toEqual([
      {
        groupId: connectionId,
        dedupId: `${bodyHash}-${res.body.jobId}`,
        body: { jobId: res.body.jobId, connectionId },
      },
    ]);

    const again = await api.push(connectionId, [SEED_ITEM], '?force=1&forceWrite=1');
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({
      dedup: true,
      jobId: res.body.jobId,
      bodyHash,
      enqueuedCount: 0,
      dedupCount: 1,
      changedCount: 1,
      jobs: [{ chunkIndex: 0, itemCount: 1, bodyHash, dedup: true, jobId: res.body.jobId }],
    });
    expect(await peekQueue()).toHaveLength(1);
  });

  it('1001 items with dryRun=1 → 202, chunkCount 2, chunks of 1000 and 1, two jobs', async () => {
    const items = Array.from({ length: 1001 }, (_, i) => ({
      barcode: `CHUNK${String(i).padStart(5, '0')}`,
      quantity: i % 50,
    }));
    const res = await api.push(connectionId, items, '?dryRun=1');
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      dryRun: true,
      originalCount: 1001,
      coalescedCount: 1001,
      changedCount: 1001,
      chunkCount: 2,
      enqueuedCount: 2,
      dedupCount: 0,
    });
    const jobs = res.body.jobs as Array<{ itemCount: number; jobId: string; chunkIndex: number }>;
    expect(jobs.map((j) => [j.chunkIndex, j.itemCount])).toEqual([
      [0, 1000],
      [1, 1],
    ]);
    expect(res.body.jobId).toBeUndefined();
    for (const job of jobs) {
      const got = await api.get(`/v1/jobs/${job.jobId}`);
      expect(got.status).toBe(200);
      expect(got.body).toMatchObject({
        id: job.jobId,
        type: 'TRENDYOL_PUSH_PRICE_STOCK',
        status: 'queued',
        itemCount: job.itemCount,
      });
    }
    // Dry runs never reach Trendyol, so their messages must not collide with a real push's dedup id.
    const dryMessages = (await peekQueue()).filter((m) => jobs.some((j) => j.jobId === m.body.jobId));
    expect(dryMessages).toHaveLength(2);
    for (const m of dryMessages) expect(m.dedupId).toMatch(new RegExp(`-${m.body.jobId}$`));
  });
});
