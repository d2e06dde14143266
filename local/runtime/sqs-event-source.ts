import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { lambdaContext } from './http-gateway';

export interface SqsEventSourceOptions {
  client: SQSClient;
  queueUrl: string;
  queueArn: string;
  handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | undefined>;
  /** Lambda's FIFO limit is 10. @default 10 */
  batchSize?: number;
  /**
   * Long-poll wait, seconds, of a receive that follows an empty one (the queue was idle). A receive
   * right after a batch does not wait: local-aws-sqs answers a long poll early only once it holds a
   * full batch, so a wait there would add an idle gap before every short batch. @default 1
   */
  waitTimeSeconds?: number;
  onError?: (error: unknown) => void;
}

/**
 * What Lambda's event source mapping does for a FIFO queue, for the local stack: receive up to 10
 * messages with their system attributes, build the SQS event, call the handler, delete the records
 * it did not report as failed, and leave failures to the visibility timeout (and so to the DLQ).
 */
export class SqsEventSource {
  private stopped = false;
  private loop: Promise<void> | undefined;
  private inFlight = 0;
  /** The batch being received or handled; the next one starts after it (see {@link pollOnce}). */
  private turn: Promise<unknown> = Promise.resolve();
  private lastSawMessages = false;

  constructor(private readonly options: SqsEventSourceOptions) {}

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }

  /** True when no batch is being handled right now (used by tests waiting for the queue to settle). */
  get idle(): boolean {
    return this.inFlight === 0;
  }

  /**
   * Receives and handles one batch; returns how many messages it saw. Batches run one at a time, also
   * when a test or `settle()` polls beside the background loop: Lambda runs one batch per FIFO message
   * group at a time, and local-aws-sqs, unlike SQS, hands out a group's next messages while its
   * earlier ones are still in flight, so two batches at once could send one seller's chunks out of
   * order.
   */
  pollOnce(): Promise<number> {
    const run = this.turn.then(() => this.receiveAndHandle());
    this.turn = run.catch(() => undefined);
    return run;
  }

  private async receiveAndHandle(): Promise<number> {
    const { client, queueUrl } = this.options;
    const received = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: this.options.batchSize ?? 10,
        WaitTimeSeconds: this.lastSawMessages ? 0 : (this.options.waitTimeSeconds ?? 1),
        // local-aws-sqs fills system attributes (ApproximateReceiveCount…) only for the older field.
        AttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    );
    const messages = received.Messages ?? [];
    this.lastSawMessages = messages.length > 0;
    if (messages.length === 0) return 0;
    this.inFlight += 1;
    try {
      const records: SQSRecord[] = messages.map((m) => ({
        messageId: m.MessageId ?? '',
        receiptHandle: m.ReceiptHandle ?? '',
        body: m.Body ?? '',
        attributes: {
          ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? '1',
          SentTimestamp: m.Attributes?.SentTimestamp ?? String(Date.now()),
          SenderId: m.Attributes?.SenderId ?? 'local',
          ApproximateFirstReceiveTimestamp:
            m.Attributes?.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
          ...(m.Attributes?.SequenceNumber && { SequenceNumber: m.Attributes.SequenceNumber }),
          ...(m.Attributes?.MessageGroupId && { MessageGroupId: m.Attributes.MessageGroupId }),
          ...(m.Attributes?.MessageDeduplicationId && {
            MessageDeduplicationId: m.Attributes.MessageDeduplicationId,
          }),
        },
        messageAttributes: {},
        md5OfBody: m.MD5OfBody ?? '',
        eventSource: 'aws:sqs',
        eventSourceARN: this.options.queueArn,
        awsRegion: 'us-east-1',
      }));
      let failed = new Set(records.map((r) => r.messageId));
      try {
        const response = await this.options.handler({ Records: records }, lambdaContext('eci-push-consumer'));
        failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
      } catch (error) {
        // A thrown handler fails the whole batch, as on Lambda.
        this.options.onError?.(error);
      }
      const done = records.filter((r) => !failed.has(r.messageId));
      if (done.length > 0) {
        await client.send(
          new DeleteMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: done.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })),
          }),
        );
      }
      return messages.length;
    } finally {
      this.inFlight -= 1;
    }
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.pollOnce();
      } catch (error) {
        this.options.onError?.(error);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }
}
