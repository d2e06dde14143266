import { StateMachine } from 'aws-local-stepfunctions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type AslDefinition,
  extractStateMachineDefinition,
  POLL_BATCH_PLACEHOLDER_ARN,
  synthesizeConfirmationDefinition,
} from '../../lib/confirmation-definition.js';
import { CONFIRMATION_STATES, CONFIRMATION_TIMEOUT } from '../../lib/constructs/confirmation-workflow.js';

interface PollResult {
  status: 'SETTLED' | 'PENDING' | 'UNCONFIRMED';
  attempt: number;
  nextWaitSeconds: number;
}

const input = {
  connectionId: 'c-1',
  jobId: 'j-1',
  batchRequestId: 'b-1',
  submittedAt: '2025-01-01T00:00:00Z',
};

/** Runs the synthesized definition locally with the poll task answered by `answers` in order. */
async function run(definition: AslDefinition, answers: PollResult['status'][]) {
  const calls: unknown[] = [];
  const machine = new StateMachine(definition as never, { validationOptions: { checkPaths: true } });
  const execution = machine.run(input, {
    overrides: {
      taskResourceLocalHandlers: {
        [CONFIRMATION_STATES.pollBatch]: async (event) => {
          calls.push(event);
          const status = answers[Math.min(calls.length, answers.length) - 1] ?? 'PENDING';
          const result: PollResult = { status, attempt: calls.length, nextWaitSeconds: 5 };
          return { ...result };
        },
      },
      waitTimeOverrides: {
        [CONFIRMATION_STATES.waitBeforeFirstPoll]: 0,
        [CONFIRMATION_STATES.waitBeforeNextPoll]: 0,
      },
    },
  });
  try {
    return { output: (await execution.result) as Record<string, unknown>, error: undefined, calls };
  } catch (error) {
    return { output: undefined, error: error as Error & { name: string }, calls };
  }
}

describe('synthesizeConfirmationDefinition', () => {
  let definition: AslDefinition;
  let elapsedMs = 0;

  beforeAll(() => {
    const started = Date.now();
    definition = synthesizeConfirmationDefinition('dev');
    elapsedMs = Date.now() - started;
  });

  it('returns the six contract states, starting with the first wait', () => {
    expect(definition.StartAt).toBe('WaitBeforeFirstPoll');
    expect(Object.keys(definition.States).sort()).toEqual(
      [
        'BatchConfirmed',
        'BatchUnconfirmed',
        'IsBatchSettled',
        'PollBatch',
        'WaitBeforeFirstPoll',
        'WaitBeforeNextPoll',
      ].sort(),
    );
    expect(definition.States.WaitBeforeFirstPoll).toMatchObject({
      Type: 'Wait',
      Seconds: 2,
      Next: 'PollBatch',
    });
    expect(definition.States.WaitBeforeNextPoll).toMatchObject({
      Type: 'Wait',
      SecondsPath: '$.poll.nextWaitSeconds',
      Next: 'PollBatch',
    });
    expect(definition.States.BatchConfirmed).toEqual({ Type: 'Succeed' });
    expect(definition.States.BatchUnconfirmed).toMatchObject({ Type: 'Fail', Error: 'BatchUnconfirmed' });
    expect(definition.TimeoutSeconds).toBe(CONFIRMATION_TIMEOUT.toSeconds());
    expect(definition.TimeoutSeconds).toBeLessThan(4 * 3600);
  });

  it('resolves the poll task to a plain ARN string, passes the whole state and keeps the result under $.poll', () => {
    const poll = definition.States.PollBatch ?? {};
    expect(poll.Type).toBe('Task');
    expect(poll.Resource).toBe(POLL_BATCH_PLACEHOLDER_ARN);
    expect(poll.Parameters).toBeUndefined();
    expect(poll.ResultPath).toBe('$.poll');
    expect(poll.Next).toBe('IsBatchSettled');
    const retry = (poll.Retry as { ErrorEquals: string[]; MaxAttempts: number }[])[0];
    expect(retry?.ErrorEquals).toEqual([
      'Lambda.ServiceException',
      'Lambda.AWSLambdaException',
      'Lambda.SdkClientException',
      'Lambda.TooManyRequestsException',
    ]);
    expect(retry?.MaxAttempts).toBeGreaterThan(1);
  });

  it('routes SETTLED to success, UNCONFIRMED to failure and anything else back to the wait', () => {
    expect(definition.States.IsBatchSettled).toEqual({
      Type: 'Choice',
      Choices: [
        { Variable: '$.poll.status', StringEquals: 'SETTLED', Next: 'BatchConfirmed' },
        { Variable: '$.poll.status', StringEquals: 'UNCONFIRMED', Next: 'BatchUnconfirmed' },
      ],
      Default: 'WaitBeforeNextPoll',
    });
  });

  it('uses JSONPath only (no JSONata, no Assign) and is fast (no bundling)', () => {
    const text = JSON.stringify(definition);
    expect(definition.QueryLanguage ?? 'JSONPath').toBe('JSONPath');
    expect(text).not.toMatch(/JSONata|"Assign"|"Arguments"|"Output"|\{%/);
    expect(elapsedMs).toBeLessThan(15_000);
  });

  it('accepts other ARNs for the poll function', () => {
    const arn = 'arn:aws:lambda:eu-west-1:111111111111:function:other';
    const other = synthesizeConfirmationDefinition('prod', { functionArns: { PollBatch: arn } });
    expect(other.States.PollBatch?.Resource).toBe(arn);
  });

  it('rejects an unknown stage', () => {
    expect(() => synthesizeConfirmationDefinition('qa')).toThrow(/Unknown stage "qa"/);
  });

  describe('executed by aws-local-stepfunctions', () => {
    it('succeeds after one poll when the batch settles at once', async () => {
      const { output, calls } = await run(definition, ['SETTLED']);
      expect(calls).toEqual([input]);
      expect(output).toEqual({ ...input, poll: { status: 'SETTLED', attempt: 1, nextWaitSeconds: 5 } });
    });

    it('loops through WaitBeforeNextPoll until the batch settles', async () => {
      const { output, calls } = await run(definition, ['PENDING', 'PENDING', 'SETTLED']);
      expect(calls).toHaveLength(3);
      expect(calls[1]).toMatchObject({ ...input, poll: { status: 'PENDING', attempt: 1 } });
      expect(output?.poll).toMatchObject({ status: 'SETTLED', attempt: 3 });
    });

    it('fails visibly with BatchUnconfirmed when the poll gives up', async () => {
      const { error, calls } = await run(definition, ['PENDING', 'UNCONFIRMED']);
      expect(calls).toHaveLength(2);
      expect(error?.name).toBe('ExecutionError');
      // The Fail state's error name is what CloudWatch counts as ExecutionsFailed and alarms on.
      expect((error?.cause as { name?: string } | undefined)?.name).toBe('BatchUnconfirmed');
    });
  });
});

describe('extractStateMachineDefinition', () => {
  it('resolves Fn::Join with Ref pseudo parameters and refuses unknown references', () => {
    const resources = {
      Machine: {
        Type: 'AWS::StepFunctions::StateMachine',
        Properties: {
          DefinitionString: {
            'Fn::Join': [
              '',
              [
                '{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:',
                { Ref: 'AWS::Partition' },
                ':x","End":true}}}',
              ],
            ],
          },
        },
      },
    };
    expect(extractStateMachineDefinition(resources, () => undefined).States.A?.Resource).toBe('arn:aws:x');
    const unknown = {
      Machine: {
        Type: 'AWS::StepFunctions::StateMachine',
        Properties: { DefinitionString: { 'Fn::Join': ['', ['{', { 'Fn::GetAtt': ['Nope', 'Arn'] }, '}']] } },
      },
    };
    expect(() => extractStateMachineDefinition(unknown, () => undefined)).toThrow(/Nope/);
    expect(() => extractStateMachineDefinition({}, () => undefined)).toThrow(/exactly one state machine/);
  });
});
