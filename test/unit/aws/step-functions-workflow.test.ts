import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import {
  executionNameFor,
  StepFunctionsConfirmationWorkflow,
} from '../../../lambdas/adapters/stepfunctions/step-functions-workflow';

const sfn = mockClient(SFNClient);
const stateMachineArn = 'arn:aws:states:eu-central-1:123456789012:stateMachine:eci-dev-confirmation';
const input = {
  connectionId: 'cconn',
  jobId: 'cjob',
  batchRequestId: '8eba1a20-f0a0-11f0-bea9-26fe36d0f6e4-1768337682',
  submittedAt: '2026-01-13T16:54:43.163Z',
};

afterEach(() => sfn.reset());

describe('StepFunctionsConfirmationWorkflow', () => {
  it('starts one execution named after the batch, with the batch as input', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:x', startDate: new Date() });
    await new StepFunctionsConfirmationWorkflow({ client: new SFNClient({}), stateMachineArn }).start(input);
    expect(sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input)).toEqual([
      {
        stateMachineArn,
        name: 'batch-8eba1a20-f0a0-11f0-bea9-26fe36d0f6e4-1768337682',
        input: JSON.stringify(input),
      },
    ]);
  });

  it('treats an execution that already exists as started (a redelivered message)', async () => {
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
    await expect(
      new StepFunctionsConfirmationWorkflow({ client: new SFNClient({}), stateMachineArn }).start(input),
    ).resolves.toBeUndefined();
  });

  it('lets other failures through, so the message is retried', async () => {
    sfn.on(StartExecutionCommand).rejects(new Error('throttled'));
    await expect(
      new StepFunctionsConfirmationWorkflow({ client: new SFNClient({}), stateMachineArn }).start(input),
    ).rejects.toThrow('throttled');
  });
});

describe('executionNameFor', () => {
  it('keeps to the characters and length Step Functions accepts', () => {
    const name = executionNameFor(`weird id/with:chars${'x'.repeat(100)}`);
    expect(name).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
    expect(name.startsWith('batch-weird_id_with_chars')).toBe(true);
  });
});
