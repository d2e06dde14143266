import { App, Duration, Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { ENV } from '../../lambdas/config/env-names';
import { getStageConfig } from '../../lib/config/stage-config.js';
import { EciFunction } from '../../lib/constructs/eci-function.js';
import { BUNDLING_STACKS_CONTEXT } from '../../lib/eci-app.js';

function synthPollBatch(bind: (fn: EciFunction) => void) {
  const app = new App({ context: { [BUNDLING_STACKS_CONTEXT]: [] } });
  const stack = new Stack(app, 'Planted');
  const fn = new EciFunction(stack, 'PollBatch', {
    stage: getStageConfig('dev'),
    contract: 'PollBatch',
    description: 'planted',
    timeout: Duration.seconds(10),
  });
  bind(fn);
  return () => app.synth();
}

describe('EciFunction checks its bindings against its contract at synth', () => {
  const database = (fn: EciFunction) =>
    fn
      .setEnv(ENV.DB_CLUSTER_ARN, 'c')
      .setEnv(ENV.DB_SECRET_ARN, 's')
      .setEnv(ENV.DB_NAME, 'eci')
      .setEnv(ENV.DEDUP_TABLE_NAME, 'short-lived');

  it('synthesizes when the bind* calls set exactly the contract', () => {
    expect(
      synthPollBatch((fn) => database(fn).bindConnectionSecrets('eci/dev/connections/', 'read')),
    ).not.toThrow();
  });

  it('fails synth naming the function and the variable when a binding is removed', () => {
    expect(synthPollBatch((fn) => database(fn))).toThrow(
      /PollBatch: CONNECTION_SECRET_PREFIX is in its contract but no bind\*\/setEnv call sets it/,
    );
  });

  it('fails synth when a variable the contract does not declare is bound', () => {
    expect(
      synthPollBatch((fn) =>
        database(fn)
          .bindConnectionSecrets('eci/dev/connections/', 'read')
          .setEnv(ENV.PUSH_QUEUE_URL, 'https://sqs/q'),
      ),
    ).toThrow(/PollBatch: PUSH_QUEUE_URL is set but its contract does not declare it/);
  });
});
