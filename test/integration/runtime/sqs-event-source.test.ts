import { ReceiveMessageCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalSqs, localAwsClientConfig, startLocalSqs } from '../../../local/engines';
import { SqsEventSource } from '../../../local/runtime/sqs-event-source';

// The local stand-in for Lambda's FIFO event source mapping, against local-aws-sqs over HTTP.
describe('local SQS event source', () => {
  let sqs: LocalSqs;
  let client: SQSClient;
  beforeAll(async () => {
    sqs = await startLocalSqs({ visibilityTimeoutSeconds: 30 });
    client = new SQSClient(localAwsClientConfig(sqs.endpoint));
  });
  afterAll(async () => {
    client.destroy();
    await sqs.close();
  });

  async function enqueue(group: string, bodies: string[]) {
    for (let i = 0; i < bodies.length; i += 10) {
      await client.send(
        new SendMessageBatchCommand({
          QueueUrl: sqs.queueUrl,
          Entries: bodies.slice(i, i + 10).map((body, j) => ({
            Id: String(j),
            MessageBody: body,
            MessageGroupId: group,
            MessageDeduplicationId: `${group}-${body}`,
          })),
        }),
      );
    }
  }

  it("never hands one seller's chunks to two batches at once, and keeps their order", async () => {
    const bodies = Array.from({ length: 25 }, (_, i) => `m${String(i).padStart(2, '0')}`);
    await enqueue('seller-1', bodies);
    const handled: string[] = [];
    let running = 0;
    let mostAtOnce = 0;
    const source = new SqsEventSource({
      client,
      queueUrl: sqs.queueUrl,
      queueArn: 'arn:aws:sqs:us-east-1:123456789012:eci-push.fifo',
      waitTimeSeconds: 0,
      handler: async (event: SQSEvent) => {
        running += 1;
        mostAtOnce = Math.max(mostAtOnce, running);
        for (const record of event.Records) {
          // Each chunk takes a moment, as a send does: a second batch would overlap this one.
          await new Promise((resolve) => setTimeout(resolve, 5));
          handled.push(record.body);
        }
        running -= 1;
        return { batchItemFailures: [] };
      },
    });
    // The background loop and a second poller (as `settle()` is) at the same time.
    source.start();
    let seen = 0;
    while (handled.length < bodies.length) seen += await source.pollOnce();
    await source.stop();

    expect(mostAtOnce).toBe(1);
    expect(handled).toEqual(bodies);
    expect(seen).toBeLessThanOrEqual(bodies.length);
  });

  it('waits for messages only when the queue was empty: never between batches', async () => {
    await enqueue('seller-2', ['a', 'b', 'c']);
    const waits: Array<number | undefined> = [];
    const recording = new Proxy(client, {
      get(target, prop, receiver) {
        if (prop !== 'send') return Reflect.get(target, prop, receiver);
        return (command: unknown) => {
          if (command instanceof ReceiveMessageCommand) waits.push(command.input.WaitTimeSeconds);
          return target.send(command as never);
        };
      },
    });
    const source = new SqsEventSource({
      client: recording,
      queueUrl: sqs.queueUrl,
      queueArn: 'arn:aws:sqs:us-east-1:123456789012:eci-push.fifo',
      batchSize: 2,
      waitTimeSeconds: 1,
      handler: async () => ({ batchItemFailures: [] }),
    });
    const seen = [await source.pollOnce(), await source.pollOnce(), await source.pollOnce()];
    expect(seen).toEqual([2, 1, 0]);
    // local-aws-sqs answers a long poll early only with a full batch: after a batch, no long poll.
    expect(waits).toEqual([1, 0, 0]);
  });
});
