import { getContainer } from '../composition/container';
import { lambdaEntry } from '../composition/lambda-entry';
import { type PollInput, type PollOutput, pollBatch } from '../use-cases/poll-batch';

/** The state machine's PollBatch task: returns what its Choice state reads as `$.poll`. */
export const handler = lambdaEntry(async (input: PollInput): Promise<PollOutput> => {
  const container = await getContainer();
  const detail = await pollBatch(container, input);
  const lagMs = container.clock.now().getTime() - Date.parse(input.submittedAt);
  if (detail.output.status === 'SETTLED') container.metrics.milliseconds('ConfirmationLag', lagMs);
  if (detail.output.status === 'UNCONFIRMED') container.metrics.count('BatchesUnconfirmed', 1);
  container.logger.info('batch polled', {
    jobId: input.jobId,
    connectionId: input.connectionId,
    batchRequestId: input.batchRequestId,
    ...detail.output,
    confirmedUpserted: detail.confirmedUpserted,
  });
  return detail.output;
});
