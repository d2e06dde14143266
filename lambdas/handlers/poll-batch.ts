import { getContainer } from '../composition/container';
import { lambdaEntry } from '../composition/lambda-entry';
import type { PollInput } from '../use-cases/poll-batch';
import { createPollBatchHandler } from './poll-batch-app';

const poll = createPollBatchHandler(getContainer);

/** The state machine's PollBatch task: returns what its Choice state reads as `$.poll`. */
export const handler = lambdaEntry((input: PollInput) => poll(input));
