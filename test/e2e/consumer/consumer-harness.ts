import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { createPushConsumer } from '../../../lambdas/handlers/push-consumer-app';
import { lambdaContext } from '../../../local/runtime/http-gateway';
import {
  DEMO_SELLER,
  type LocalStack,
  type LocalStackOptions,
  startLocalStack,
} from '../../../local/runtime/local-stack';
import type { SimRequestRecord } from '../../../local/simulator/simulator';
import { apiClient } from '../../support/local-stack-client';

export type SleepFn = (ms: number) => Promise<void>;

export interface JobView {
  id: string;
  status: string;
  attempts: number;
  connectionId: string;
  batchRequestId: string | null;
  summary: Record<string, unknown> | null;
  error: { code: string; message: string; details?: unknown } | null;
  notBefore: string | null;
  finishedAt: string | null;
}

export interface ConnectionStatusView {
  state: {
    lastStatus: string;
    lastError: string | null;
    lastJobId: string | null;
    lastAttemptAt: string | null;
    lastSuccessAt: string | null;
  };
  lastJob: { id: string; status: string } | null;
}

export interface PushItem {
  barcode: string;
  quantity?: number;
  salePrice?: number;
  listPrice?: number;
  currencyType?: string;
}

export interface ConsumerStack {
  stack: LocalStack;
  api: ReturnType<typeof apiClient>;
  /** Replaces what the consumer's backoff / rate-limit sleep does (the default returns at once). */
  setSleep(fn: SleepFn): void;
  /** Every sleep the consumer asked for, in ms. */
  sleeps: number[];
  stop(): Promise<void>;
}

export const noSleep: SleepFn = async () => {};

/** The local stack as the consumer tests need it: in memory, queue driven by the test, no real backoff. */
export async function startConsumerStack(extra: Partial<LocalStackOptions> = {}): Promise<ConsumerStack> {
  let sleepImpl: SleepFn = noSleep;
  const sleeps: number[] = [];
  const stack = await startLocalStack({
    port: 0,
    simulatorPort: 0,
    inMemory: true,
    autoConsume: false,
    simulatorProcessingDelayMs: 0,
    waitOverridesMs: { PollBatch: 0 },
    releaseIntervalMs: 3_600_000,
    writeEnabled: false,
    forceWriteAllowed: true,
    ...extra,
    overrides: {
      sleep: (ms: number) => {
        sleeps.push(ms);
        return sleepImpl(ms);
      },
      ...extra.overrides,
    },
  });
  return {
    stack,
    api: apiClient(stack),
    setSleep: (fn) => {
      sleepImpl = fn;
    },
    sleeps,
    stop: () => stack.stop(),
  };
}

let nextSellerId = 200_001;
let barcodeSeq = 0;

/** A barcode no other test uses (Trendyol's 15-minute rule is per seller and body). */
export function uniqueBarcode(prefix: string): string {
  barcodeSeq += 1;
  return `${prefix}-${process.pid}-${barcodeSeq}`;
}

export function item(barcode: string, quantity = 5, salePrice = 100, listPrice = 120): PushItem {
  return { barcode, quantity, salePrice, listPrice };
}

/** The exact bytes ECI sends for these items (no currencyType, fixed key order). */
export function updateBody(items: PushItem[]): string {
  return JSON.stringify({
    items: items.map((i) => ({
      barcode: i.barcode,
      ...(i.quantity !== undefined && { quantity: i.quantity }),
      ...(i.salePrice !== undefined && { salePrice: i.salePrice }),
      ...(i.listPrice !== undefined && { listPrice: i.listPrice }),
    })),
  });
}

/**
 * A connection of its own (its own FIFO message group, so a message left in flight by a failing test
 * never holds back another test), pointed at the stack's simulator. With `ownSeller` the simulator gets
 * a new seller, so rate windows are not shared with other tests.
 */
export async function newConnection(
  h: ConsumerStack,
  options: { apiSecret?: string; ownSeller?: boolean } = {},
): Promise<{ id: string; sellerId: number; apiKey: string; apiSecret: string }> {
  let seller = { ...DEMO_SELLER };
  if (options.ownSeller ?? true) {
    nextSellerId += 1;
    seller = { sellerId: nextSellerId, apiKey: `key${nextSellerId}`, apiSecret: `secret${nextSellerId}` };
    h.stack.simulator.addSeller({ ...seller, approvedBarcodes: 'any' });
  }
  const res = await h.api.post('/v1/connections', {
    type: 'trendyol',
    name: `consumer test ${seller.sellerId} ${uniqueBarcode('c')}`,
    sellerId: seller.sellerId,
    apiKey: seller.apiKey,
    apiSecret: options.apiSecret ?? seller.apiSecret,
    baseUrl: h.stack.simulator.url,
    integratorName: 'ECI',
  });
  if (res.status !== 201) throw new Error(`connection not created: ${JSON.stringify(res.body)}`);
  return { id: String(res.body.id), ...seller };
}

export async function push(
  h: ConsumerStack,
  connectionId: string,
  items: PushItem[],
  query = '?forceWrite=1',
): Promise<{ status: number; jobIds: string[]; body: Record<string, unknown> }> {
  const res = await h.api.push(connectionId, items, query);
  if (res.status !== 202 && res.status !== 200) throw new Error(`push refused: ${JSON.stringify(res.body)}`);
  const jobs = (res.body.jobs ?? []) as Array<{ jobId: string }>;
  return { status: res.status, jobIds: jobs.map((j) => j.jobId), body: res.body };
}

export async function getJob(h: ConsumerStack, jobId: string): Promise<JobView> {
  const res = await h.api.get<JobView>(`/v1/jobs/${jobId}`);
  if (res.status !== 200) throw new Error(`job ${jobId}: HTTP ${res.status}`);
  return res.body;
}

export async function getStatus(h: ConsumerStack, connectionId: string): Promise<ConnectionStatusView> {
  const res = await h.api.get<ConnectionStatusView>(`/v1/connections/${connectionId}/status`);
  if (res.status !== 200) throw new Error(`connection ${connectionId}: HTTP ${res.status}`);
  return res.body;
}

/** The simulator's request log position: pass it to `updatesSince` to see only what came after. */
export function mark(h: ConsumerStack): number {
  return h.stack.simulator.requests.at(-1)?.seq ?? 0;
}

/** Update (price-and-inventory) requests the simulator received after `since`, for one seller. */
export function updatesSince(h: ConsumerStack, since: number, sellerId?: number): SimRequestRecord[] {
  return h.stack.simulator.requests.filter(
    (r) => r.seq > since && r.endpoint === 'update' && (sellerId === undefined || r.sellerId === sellerId),
  );
}

/** Receives the visible chunk messages as Lambda's event source would shape them (not deleted). */
export async function receiveRecords(h: ConsumerStack, max = 10): Promise<SQSRecord[]> {
  const out = await h.stack.sqsClient.send(
    new ReceiveMessageCommand({
      QueueUrl: h.stack.queueUrl,
      MaxNumberOfMessages: max,
      WaitTimeSeconds: 1,
      MessageSystemAttributeNames: ['All'],
    }),
  );
  return (out.Messages ?? []).map((m) => ({
    messageId: m.MessageId ?? '',
    receiptHandle: m.ReceiptHandle ?? '',
    body: m.Body ?? '',
    attributes: {
      ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? '1',
      SentTimestamp: m.Attributes?.SentTimestamp ?? String(Date.now()),
      SenderId: 'local',
      ApproximateFirstReceiveTimestamp: m.Attributes?.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      ...(m.Attributes?.MessageGroupId && { MessageGroupId: m.Attributes.MessageGroupId }),
      ...(m.Attributes?.MessageDeduplicationId && {
        MessageDeduplicationId: m.Attributes.MessageDeduplicationId,
      }),
      ...(m.Attributes?.SequenceNumber && { SequenceNumber: m.Attributes.SequenceNumber }),
    },
    messageAttributes: {},
    md5OfBody: m.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:eci-push.fifo',
    awsRegion: 'us-east-1',
  }));
}

export async function deleteRecord(h: ConsumerStack, record: SQSRecord): Promise<void> {
  await h.stack.sqsClient.send(
    new DeleteMessageCommand({ QueueUrl: h.stack.queueUrl, ReceiptHandle: record.receiptHandle }),
  );
}

/** A chunk message record built by hand (what SQS would deliver), e.g. for its 5th delivery. */
export function handRecord(jobId: string, connectionId: string, receiveCount: number): SQSRecord {
  return {
    messageId: `hand-${jobId}-${receiveCount}`,
    receiptHandle: `hand-${jobId}-${receiveCount}`,
    body: JSON.stringify({ jobId, connectionId }),
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: String(Date.now()),
      SenderId: 'local',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
      MessageGroupId: connectionId,
      MessageDeduplicationId: `hand-${jobId}`,
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:eci-push.fifo',
    awsRegion: 'us-east-1',
  };
}

/** Calls the push consumer Lambda handler directly, on the stack's container. */
export async function invokeConsumer(h: ConsumerStack, records: SQSRecord[]): Promise<SQSBatchResponse> {
  const handler = createPushConsumer(async () => h.stack.container, h.stack.container.logger, {
    maxReceiveCount: 5,
  });
  return handler({ Records: records }, lambdaContext('eci-push-consumer'));
}
