import { composePollBatch } from '../composition/functions';
import { lambdaDeps, lambdaEntry } from '../composition/lambda-entry';
import type { PollInput } from '../use-cases/poll-batch';
import { createPollBatchHandler } from './poll-batch-app';

const deps = lambdaDeps(composePollBatch);
const poll = createPollBatchHandler(deps);

/** The state machine's PollBatch task: returns what its Choice state reads as `$.poll`. */
export const handler = lambdaEntry(deps, (input: PollInput, context) => poll(input, context));
