import { getContainer } from '../composition/container';
import { type PollInput, type PollOutput, pollBatch } from '../use-cases/poll-batch';

/** The state machine's PollBatch task: returns what its Choice state reads as `$.poll`. */
export const handler = async (input: PollInput): Promise<PollOutput> => {
  const container = await getContainer();
  const detail = await pollBatch(container, input);
  container.logger.info('batch polled', {
    jobId: input.jobId,
    connectionId: input.connectionId,
    batchRequestId: input.batchRequestId,
    ...detail.output,
    confirmedUpserted: detail.confirmedUpserted,
  });
  return detail.output;
};
