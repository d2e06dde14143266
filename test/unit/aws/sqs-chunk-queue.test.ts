import { SendMessageBatchCommand, type SendMessageBatchCommandInput, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ChunkEnqueueError, SqsChunkQueue } from '../../../lambdas/adapters/sqs/sqs-chunk-queue';
import type { ChunkMessage } from '../../../lambdas/ports/chunk-queue';

const QUEUE_URL = 'https://sqs.eu-central-1.amazonaws.com/111122223333/eci-push.fifo';

const message = (i: number): ChunkMessage => ({
  jobId: `job-${i}`,
  connectionId: 'conn-1',
  groupId: 'conn-1',
  deduplicationId: `hash-${i}`,
});

describe('SqsChunkQueue', () => {
  const sqs = mockClient(SQSClient);
  const queue = new SqsChunkQueue({ client: new SQSClient({}), queueUrl: QUEUE_URL });
  const inputs = (): SendMessageBatchCommandInput[] =>
    sqs.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input);

  beforeEach(() => {
    sqs.reset();
    sqs.on(SendMessageBatchCommand).callsFake((input: SendMessageBatchCommandInput) => ({
      Successful: (input.Entries ?? []).map((e) => ({
        Id: e.Id,
        MessageId: `m-${e.Id}`,
        MD5OfMessageBody: 'x',
      })),
      Failed: [],
    }));
  });

  it('sends 23 messages as batches of 10, 10, 3, in order, with group, dedup id and JSON body', async () => {
    const messages = Array.from({ length: 23 }, (_, i) => message(i));
    await queue.send(messages);
    const sent = inputs();
    expect(sent.map((i) => i.Entries?.length)).toEqual([10, 10, 3]);
    expect(sent.every((i) => i.QueueUrl === QUEUE_URL)).toBe(true);
    const entries = sent.flatMap((i) => i.Entries ?? []);
    expect(entries.map((e) => JSON.parse(e.MessageBody ?? ''))).toEqual(
      messages.map((m) => ({ jobId: m.jobId, connectionId: m.connectionId })),
    );
    expect(entries.map((e) => e.MessageDeduplicationId)).toEqual(messages.map((m) => m.deduplicationId));
    expect(entries.every((e) => e.MessageGroupId === 'conn-1')).toBe(true);
    // No per-message DelaySeconds: FIFO queues refuse it.
    expect(entries.every((e) => e.DelaySeconds === undefined)).toBe(true);
  });

  it('sends nothing for an empty list', async () => {
    await queue.send([]);
    expect(sqs.calls()).toHaveLength(0);
  });

  it('throws naming the failed job ids and stops at the failed batch', async () => {
    sqs
      .on(SendMessageBatchCommand)
      .resolvesOnce({
        Successful: Array.from({ length: 10 }, (_, i) => ({
          Id: String(i),
          MessageId: 'm',
          MD5OfMessageBody: 'x',
        })),
      })
      .resolvesOnce({
        Successful: [{ Id: '0', MessageId: 'm', MD5OfMessageBody: 'x' }],
        Failed: [
          { Id: '1', Code: 'InternalError', SenderFault: false, Message: 'boom' },
          { Id: '3', Code: 'InternalError', SenderFault: false },
        ],
      });
    const messages = Array.from({ length: 25 }, (_, i) => message(i));
    const error = await queue.send(messages).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ChunkEnqueueError);
    const failure = error as ChunkEnqueueError;
    expect(failure.message).toContain('job-11, job-13');
    expect(failure.failedJobIds).toEqual(['job-11', 'job-13']);
    expect(failure.sentJobIds).toEqual(
      [...messages.slice(0, 11), message(12), ...messages.slice(14, 20)].map((m) => m.jobId),
    );
    expect(failure.unsentJobIds).toEqual(['job-11', 'job-13', ...messages.slice(20).map((m) => m.jobId)]);
    // The third batch is never attempted: it could overtake the failed messages of the same group.
    expect(inputs()).toHaveLength(2);
  });

  it('a rejected call fails the whole batch with the SDK error as cause', async () => {
    const boom = new Error('socket hang up');
    sqs.on(SendMessageBatchCommand).rejects(boom);
    const error = (await queue.send([message(0), message(1)]).catch((e: unknown) => e)) as ChunkEnqueueError;
    expect(error).toBeInstanceOf(ChunkEnqueueError);
    expect(error.failedJobIds).toEqual(['job-0', 'job-1']);
    expect(error.sentJobIds).toEqual([]);
    expect(error.message).toContain('socket hang up');
  });
});
