import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  ExecutionAlreadyExists,
  SFNClient,
  StartExecutionCommand,
  StateMachineDoesNotExist,
} from '@aws-sdk/client-sfn';
import { afterAll, describe, expect, it } from 'vitest';
import { StepFunctionsConfirmationWorkflow } from '../../../lambdas/adapters/stepfunctions/step-functions-workflow';
import { startStepFunctionsEmulator } from '../../../local/emulators';
import { localAwsClientConfig } from '../../../local/engines';

// The Step Functions emulator of `npm run twin`, driven by the real SFN client: executions run the
// given definition, task states call the mapped handler, names are unique per state machine.
const ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:Confirmation';
const calls: unknown[] = [];
const emulator = await startStepFunctionsEmulator({
  stateMachines: [
    {
      arn: ARN,
      definition: {
        StartAt: 'Wait',
        States: {
          Wait: { Type: 'Wait', Seconds: 60, Next: 'Double' },
          Double: {
            Type: 'Task',
            Resource: 'arn:aws:lambda:us-east-1:123456789012:function:double',
            ResultPath: '$.result',
            End: true,
          },
        },
      },
      taskHandlers: {
        Double: async (input) => {
          calls.push(input);
          const { n, fail } = input as { n: number; fail?: boolean };
          if (fail) throw Object.assign(new Error('refused'), { name: 'PollFailed' });
          return n * 2;
        },
      },
    },
  ],
  waitOverridesMs: { Wait: 10 },
});
const client = new SFNClient(localAwsClientConfig(emulator.endpoint));
afterAll(async () => {
  client.destroy();
  await emulator.close();
});

async function finished(executionArn: string): Promise<DescribeExecutionCommandOutput> {
  await emulator.drain();
  return client.send(new DescribeExecutionCommand({ executionArn }));
}

describe('Step Functions emulator, through the real SDK client', () => {
  it('runs an execution to SUCCEEDED with the task handler’s result', async () => {
    const started = await client.send(
      new StartExecutionCommand({ stateMachineArn: ARN, name: 'batch-1', input: JSON.stringify({ n: 21 }) }),
    );
    expect(started.executionArn).toBe('arn:aws:states:us-east-1:123456789012:execution:Confirmation:batch-1');
    expect(started.startDate).toBeInstanceOf(Date);
    const described = await finished(started.executionArn ?? '');
    expect(described.status).toBe('SUCCEEDED');
    expect(JSON.parse(described.output ?? 'null')).toEqual({ n: 21, result: 42 });
    expect(described.stopDate).toBeInstanceOf(Date);
  });

  it('answers ExecutionAlreadyExists for a name used before, which the ECI adapter treats as started', async () => {
    await client.send(new StartExecutionCommand({ stateMachineArn: ARN, name: 'batch-2', input: '{"n":1}' }));
    await emulator.drain();
    await expect(
      client.send(new StartExecutionCommand({ stateMachineArn: ARN, name: 'batch-2', input: '{"n":1}' })),
    ).rejects.toBeInstanceOf(ExecutionAlreadyExists);
    const before = calls.length;
    const workflow = new StepFunctionsConfirmationWorkflow({ client, stateMachineArn: ARN });
    const input = {
      connectionId: 'c',
      jobId: 'j',
      batchRequestId: '20',
      submittedAt: '2026-01-01T00:00:00Z',
    };
    await workflow.start(input);
    await workflow.start(input);
    await emulator.drain();
    // One execution for the batch, however often the consumer asks (its name is the idempotency key).
    expect(calls.length - before).toBe(1);
  });

  it('reports a failing task as a FAILED execution with the error name', async () => {
    const started = await client.send(
      new StartExecutionCommand({ stateMachineArn: ARN, name: 'batch-3', input: '{"n":1,"fail":true}' }),
    );
    const described = await finished(started.executionArn ?? '');
    expect(described.status).toBe('FAILED');
    expect(described.error).toBe('PollFailed');
  });

  it('refuses an unknown state machine and a bad name', async () => {
    await expect(
      client.send(new StartExecutionCommand({ stateMachineArn: `${ARN}-other`, input: '{}' })),
    ).rejects.toBeInstanceOf(StateMachineDoesNotExist);
    await expect(
      client.send(new StartExecutionCommand({ stateMachineArn: ARN, name: 'has space', input: '{}' })),
    ).rejects.toThrow(/Invalid Name/);
  });
});
