import type { Context, SQSEvent } from 'aws-lambda';
import { getContainer } from '../composition/container';
import { lambdaEntry } from '../composition/lambda-entry';
import { createPushConsumer } from './push-consumer-app';

/** SQS FIFO event source → this function (batch ≤ 10, ReportBatchItemFailures). */
export const handler = lambdaEntry(async (event: SQSEvent, context: Context) => {
  const container = await getContainer();
  return createPushConsumer(async () => container, container.logger, {
    maxReceiveCount: container.maxReceiveCount,
    ...(container.idempotency && { idempotency: container.idempotency }),
  })(event, context);
});
