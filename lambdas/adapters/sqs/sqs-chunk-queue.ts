import {
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { ChunkMessage, ChunkMessageBody, ChunkQueue } from '../../ports/chunk-queue';

export interface SqsChunkQueueOptions {
  client: SQSClient;
  queueUrl: string;
}

/** SendMessageBatch takes at most 10 entries. */
export const SQS_BATCH_SIZE = 10;

/**
 * Some messages were not enqueued. `sentJobIds` made it (caller keeps their jobs queued);
 * `unsentJobIds` did not (caller fails them or releases their dedup records).
 */
export class ChunkEnqueueError extends Error {
  constructor(
    readonly failedJobIds: string[],
    readonly sentJobIds: string[],
    readonly unsentJobIds: string[],
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`could not enqueue chunk jobs ${failedJobIds.join(', ')}: ${detail}`, options);
    this.name = 'ChunkEnqueueError';
  }
}

/**
 * The chunk queue on SQS FIFO. Batches go out one at a time, in order, because SQS keeps FIFO order
 * within a group only across successive calls; at the first batch with a failed entry it stops, so no
 * later chunk of a seller can overtake one that was not enqueued.
 */
export class SqsChunkQueue implements ChunkQueue {
  private readonly client: SQSClient;
  private readonly queueUrl: string;

  constructor(options: SqsChunkQueueOptions) {
    this.client = options.client;
    this.queueUrl = options.queueUrl;
  }

  async send(messages: ChunkMessage[]): Promise<void> {
    const sent: string[] = [];
    for (let offset = 0; offset < messages.length; offset += SQS_BATCH_SIZE) {
      const batch = messages.slice(offset, offset + SQS_BATCH_SIZE);
      const entries = batch.map((message, index): SendMessageBatchRequestEntry => {
        const body: ChunkMessageBody = { jobId: message.jobId, connectionId: message.connectionId };
        return {
          // Entry ids only need to be unique within one request; the index maps results back.
          Id: String(index),
          MessageBody: JSON.stringify(body),
          MessageGroupId: message.groupId,
          MessageDeduplicationId: message.deduplicationId,
        };
      });
      let failedIndexes: Set<number>;
      let detail: string;
      let cause: unknown;
      try {
        const out = await this.client.send(
          new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: entries }),
        );
        const failed = out.Failed ?? [];
        failedIndexes = new Set(failed.map((entry) => Number(entry.Id)));
        detail = failed
          .map((entry) => `${entry.Code ?? 'Unknown'}: ${entry.Message ?? 'no message'}`)
          .join('; ');
      } catch (error) {
        // A failed call may still have enqueued some entries; treat all as unsent, the caller must
        // assume so too (resending is safe: the dedup ids make SQS drop the copies).
        failedIndexes = new Set(batch.map((_, index) => index));
        detail = error instanceof Error ? error.message : String(error);
        cause = error;
      }
      if (failedIndexes.size > 0) {
        const failedJobIds = batch.filter((_, index) => failedIndexes.has(index)).map((m) => m.jobId);
        const sentInBatch = batch.filter((_, index) => !failedIndexes.has(index)).map((m) => m.jobId);
        const unsent = [...failedJobIds, ...messages.slice(offset + SQS_BATCH_SIZE).map((m) => m.jobId)];
        throw new ChunkEnqueueError(failedJobIds, [...sent, ...sentInBatch], unsent, detail, { cause });
      }
      sent.push(...batch.map((m) => m.jobId));
    }
  }
}
