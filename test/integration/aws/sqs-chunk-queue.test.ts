import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type ReceiveMessageCommandInput,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqsChunkQueue } from '../../../lambdas/adapters/sqs/sqs-chunk-queue';
import type { ChunkMessage, ChunkMessageBody } from '../../../lambdas/ports/chunk-queue';
import { type LocalSqs, localAwsClientConfig, startLocalSqs } from '../../../local/engines';

// local-aws-sqs reads only the older `AttributeNames` field; real SQS honours both.
const ALL_ATTRIBUTES: Pick<ReceiveMessageCommandInput, 'AttributeNames' | 'MessageSystemAttributeNames'> = {
  AttributeNames: ['All'],
  MessageSystemAttributeNames: ['All'],
};

async function receive(
  client: SQSClient,
  queueUrl: string,
  options: { visibilityTimeout?: number; max?: number } = {},
): Promise<Message[]> {
  const { visibilityTimeout, max = 10 } = options;
  const out = await client.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: max,
      ...(visibilityTimeout === undefined ? {} : { VisibilityTimeout: visibilityTimeout }),
      ...ALL_ATTRIBUTES,
    }),
  );
  return out.Messages ?? [];
}

/** Receives and deletes until the queue has nothing visible (or `expected` messages arrived). */
async function drain(
  client: SQSClient,
  queueUrl: string,
  expected = Number.POSITIVE_INFINITY,
): Promise<Message[]> {
  const all: Message[] = [];
  for (let round = 0; round < 20 && all.length < expected; round += 1) {
    const batch = await receive(client, queueUrl);
    if (batch.length === 0) break;
    all.push(...batch);
    await client.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: batch.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
  }
  return all;
}

const bodyOf = (m: Message): ChunkMessageBody => JSON.parse(m.Body ?? '{}') as ChunkMessageBody;

function chunk(connectionId: string, index: number): ChunkMessage {
  return {
    jobId: `${connectionId}-job-${index}`,
    connectionId,
    groupId: connectionId,
    deduplicationId: `${connectionId}-hash-${index}`,
  };
}

describe('SqsChunkQueue on local-aws-sqs', () => {
  let engine: LocalSqs;
  let client: SQSClient;

  beforeAll(async () => {
    engine = await startLocalSqs({ visibilityTimeoutSeconds: 1 });
    client = new SQSClient(localAwsClientConfig(engine.endpoint));
  });

  afterAll(async () => {
    client.destroy();
    await engine.close();
  });

  it('delivers 23 messages of two groups with their group and dedup ids, in order within each group', async () => {
    const queue = new SqsChunkQueue({ client, queueUrl: engine.queueUrl });
    // Interleaved, so every SendMessageBatch (10, 10, 3) carries both groups.
    const messages = Array.from({ length: 23 }, (_, i) => chunk(i % 2 === 0 ? 'conn-a' : 'conn-b', i));
    await queue.send(messages);

    const received = await drain(client, engine.queueUrl, 23);
    expect(received).toHaveLength(23);
    for (const m of received) {
      const body = bodyOf(m);
      const sent = messages.find((s) => s.jobId === body.jobId);
      expect(sent).toBeDefined();
      expect(body).toEqual({ jobId: sent?.jobId, connectionId: sent?.connectionId });
      expect(m.Attributes?.MessageGroupId).toBe(sent?.groupId);
      expect(m.Attributes?.MessageDeduplicationId).toBe(sent?.deduplicationId);
    }
    for (const group of ['conn-a', 'conn-b']) {
      const inGroup = received
        .filter((m) => m.Attributes?.MessageGroupId === group)
        .map((m) => bodyOf(m).jobId);
      const expected = messages.filter((m) => m.groupId === group).map((m) => m.jobId);
      expect(inGroup).toEqual(expected);
    }
  });

  it('drops a repeated dedup id: SQS accepts the send but never delivers the copy', async () => {
    const queue = new SqsChunkQueue({ client, queueUrl: engine.queueUrl });
    const first: ChunkMessage = {
      jobId: 'job-A1',
      connectionId: 'conn-d',
      groupId: 'conn-d',
      deduplicationId: 'hash-A',
    };
    await queue.send([first]);
    // A → B → A inside 5 minutes: the revert reuses body hash A as its dedup id and is silently
    // dropped, which is why a revert must be enqueued under another dedup id.
    await queue.send([{ ...first, jobId: 'job-B', deduplicationId: 'hash-B' }]);
    await queue.send([{ ...first, jobId: 'job-A2' }]);
    await queue.send([{ ...first, jobId: 'job-A2-routed', deduplicationId: 'hash-A.revert.job-A2' }]);
    expect((await drain(client, engine.queueUrl)).map((m) => bodyOf(m).jobId)).toEqual([
      'job-A1',
      'job-B',
      'job-A2-routed',
    ]);
  });

  it('emulator gap: once the first copy is deleted, local-aws-sqs forgets its dedup id (AWS keeps it 5 min)', async () => {
    const queue = new SqsChunkQueue({ client, queueUrl: engine.queueUrl });
    const first: ChunkMessage = {
      jobId: 'job-G1',
      connectionId: 'conn-g',
      groupId: 'conn-g',
      deduplicationId: 'hash-G',
    };
    await queue.send([first]);
    expect((await drain(client, engine.queueUrl)).map((m) => bodyOf(m).jobId)).toEqual(['job-G1']);
    await queue.send([{ ...first, jobId: 'job-G2' }]);
    // On AWS this would be [] (dropped). If this starts failing, the emulator learned the real window.
    expect((await drain(client, engine.queueUrl)).map((m) => bodyOf(m).jobId)).toEqual(['job-G2']);
  });

  it('moves a message to the DLQ after maxReceiveCount (5) receives without delete', async () => {
    await client.send(
      new SendMessageCommand({
        QueueUrl: engine.queueUrl,
        MessageBody: JSON.stringify({ jobId: 'job-poison', connectionId: 'conn-p' }),
        MessageGroupId: 'conn-p',
        MessageDeduplicationId: 'hash-poison',
      }),
    );
    const counts: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      // A per-receive visibility of 0 stands in for "the consumer failed and the 1 s timeout ran out".
      // One at a time: with visibility 0 the emulator may hand the same message out twice per call.
      const [message] = await receive(client, engine.queueUrl, { visibilityTimeout: 0, max: 1 });
      counts.push(message?.Attributes?.ApproximateReceiveCount ?? 'none');
    }
    expect(counts).toEqual(['1', '2', '3', '4', '5']);
    expect(await receive(client, engine.queueUrl)).toEqual([]);

    const dead = await drain(client, engine.dlqUrl);
    expect(dead.map((m) => bodyOf(m).jobId)).toEqual(['job-poison']);
    expect(dead[0]?.Attributes?.MessageGroupId).toBe('conn-p');
  });

  it('with the queue visibility timeout (1 s) an unacknowledged message comes back', async () => {
    await client.send(
      new SendMessageCommand({
        QueueUrl: engine.queueUrl,
        MessageBody: JSON.stringify({ jobId: 'job-retry', connectionId: 'conn-r' }),
        MessageGroupId: 'conn-r',
        MessageDeduplicationId: 'hash-retry',
      }),
    );
    expect(await receive(client, engine.queueUrl)).toHaveLength(1);
    expect(await receive(client, engine.queueUrl)).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const again = await drain(client, engine.queueUrl);
    expect(again.map((m) => m.Attributes?.ApproximateReceiveCount)).toEqual(['2']);
  });
});
