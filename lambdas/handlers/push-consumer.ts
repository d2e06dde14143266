import type { Context, SQSEvent } from 'aws-lambda';
import { composePushConsumer } from '../composition/functions';
import { lambdaDeps, lambdaEntry } from '../composition/lambda-entry';
import { createPushConsumer } from './push-consumer-app';

const deps = lambdaDeps(composePushConsumer);

/** SQS FIFO event source → this function (batch ≤ 10, ReportBatchItemFailures). */
export const handler = lambdaEntry(deps, async (event: SQSEvent, context: Context) => {
  const d = await deps();
  return createPushConsumer(async () => d, d.logger, {
    maxReceiveCount: d.maxReceiveCount,
    idempotency: d.idempotency,
  })(event, context);
});
