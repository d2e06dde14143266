import { StateMachine } from 'aws-local-stepfunctions';
import { beforeAll, describe, expect, it } from 'vitest';
import { POLL_DEADLINE_MS, POLL_WAITS_SECONDS } from '../../lambdas/domain/batch-settlement.js';
import { POLL_RETRIERS, pendingSignal } from '../../lambdas/domain/poll-retry.js';
import {
  type AslDefinition,
  extractStateMachineDefinition,
  POLL_BATCH_PLACEHOLDER_ARN,
  synthesizeConfirmationDefinition,
} from '../../lib/confirmation-definition.js';
import { CONFIRMATION_STATES, CONFIRMATION_TIMEOUT } from '../../lib/constructs/confirmation-workflow.js';

const input = {
  connectionId: 'c-1',
  jobId: 'j-1',
  batchRequestId: 'b-1',
  submittedAt: '2025-01-01T00:00:00Z',
};

/** What one poll answers: SETTLED returns, the other two are thrown as the poll function throws them. */
type Answer = 'SETTLED' | 'BatchPending' | 'BatchPendingNearDeadline' | 'BatchUnconfirmed' | 'Error';

/**
 * Runs the synthesized definition locally with the poll task answered by `answers` in order, counting
 * transitions as Step Functions bills them (every state entered, every retry).
 */
async function run(definition: AslDefinition, answers: Answer[]) {
  const calls: unknown[] = [];
  let transitions = 0;
  const machine = new StateMachine(definition as never, { validationOptions: { checkPaths: true } });
  const execution = machine.run(input, {
    overrides: {
      taskResourceLocalHandlers: {
        [CONFIRMATION_STATES.pollBatch]: async (event) => {
          calls.push(event);
          const answer = answers[Math.min(calls.length, answers.length) - 1] ?? 'BatchPending';
          if (answer === 'SETTLED') return { status: 'SETTLED', attempt: calls.length, nextWaitSeconds: 0 };
          const error = new Error(`poll ${calls.length}`);
          error.name = answer;
          throw error;
        },
      },
      retryIntervalOverrides: { [CONFIRMATION_STATES.pollBatch]: 0 },
    },
  });
  const counting = (async () => {
    for await (const event of execution.eventLogs) {
      if (event.type === 'StateEntered' || event.type === 'StateRetried') transitions += 1;
    }
  })();
  try {
    const output = (await execution.result) as Record<string, unknown>;
    await counting;
    return { output, error: undefined, calls, transitions };
  } catch (error) {
    await counting.catch(() => undefined);
    return { output: undefined, error: error as Error & { name: string }, calls, transitions };
  }
}

describe('synthesizeConfirmationDefinition', () => {
  let definition: AslDefinition;
  beforeAll(() => {
    definition = synthesizeConfirmationDefinition('dev');
  });

  it('has the two contract states, starting with the poll (no wait: the function short-polls)', () => {
    expect(definition.StartAt).toBe('PollBatch');
    expect(Object.keys(definition.States).sort()).toEqual(['BatchUnconfirmed', 'PollBatch']);
    expect(definition.States.BatchUnconfirmed).toEqual({
      Type: 'Fail',
      Error: 'BatchUnconfirmed',
      Cause: 'Trendyol did not settle every item of the batch before the polling deadline',
    });
    expect(definition.TimeoutSeconds).toBe(CONFIRMATION_TIMEOUT.toSeconds());
    expect(definition.TimeoutSeconds).toBeLessThan(4 * 3600);
  });

  it('resolves the poll task to a plain ARN string, passes the whole state, ends the execution itself', () => {
    expect(definition.States.PollBatch).toEqual({
      Type: 'Task',
      Resource: POLL_BATCH_PLACEHOLDER_ARN,
      ResultPath: '$.poll',
      End: true,
      Retry: [
        {
          ErrorEquals: [
            'Lambda.ServiceException',
            'Lambda.AWSLambdaException',
            'Lambda.SdkClientException',
            'Lambda.TooManyRequestsException',
          ],
          IntervalSeconds: 2,
          MaxAttempts: 6,
          BackoffRate: 2,
          JitterStrategy: 'FULL',
        },
        // A poll that ran into its timeout is repeated, not left to fail the execution.
        {
          ErrorEquals: ['Sandbox.Timedout', 'Lambda.Unknown'],
          IntervalSeconds: 30,
          MaxAttempts: 3,
          BackoffRate: 2,
          JitterStrategy: 'FULL',
        },
        {
          ErrorEquals: ['BatchPending'],
          IntervalSeconds: 10,
          MaxAttempts: POLL_RETRIERS[0].maxAttempts,
          BackoffRate: 2,
          MaxDelaySeconds: 900,
          JitterStrategy: 'NONE',
        },
        {
          ErrorEquals: ['BatchPendingNearDeadline'],
          IntervalSeconds: 60,
          MaxAttempts: POLL_RETRIERS[1].maxAttempts,
          BackoffRate: 1,
          MaxDelaySeconds: 60,
          JitterStrategy: 'NONE',
        },
      ],
      Catch: [{ ErrorEquals: ['BatchUnconfirmed'], Next: 'BatchUnconfirmed' }],
    });
  });

  it('uses JSONPath only (no JSONata, no Assign)', () => {
    const text = JSON.stringify(definition);
    expect(definition.QueryLanguage ?? 'JSONPath').toBe('JSONPath');
    expect(text).not.toMatch(/JSONata|"Assign"|"Arguments"|"Output"|\{%/);
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
    it('succeeds after one poll and one transition when the batch settles at once', async () => {
      const { output, calls, transitions } = await run(definition, ['SETTLED']);
      expect(calls).toEqual([input]);
      expect(output).toEqual({ ...input, poll: { status: 'SETTLED', attempt: 1, nextWaitSeconds: 0 } });
      expect(transitions).toBe(1);
    });

    it('polls again through the retry while the batch is pending, one transition per poll', async () => {
      const { output, calls, transitions } = await run(definition, [
        'BatchPending',
        'BatchPendingNearDeadline',
        'SETTLED',
      ]);
      // A retry runs the task again with the same input.
      expect(calls).toEqual([input, input, input]);
      expect(output?.poll).toMatchObject({ status: 'SETTLED', attempt: 3 });
      expect(transitions).toBe(3);
    });

    it('fails visibly with BatchUnconfirmed when the poll gives up', async () => {
      const { error, calls } = await run(definition, ['BatchPending', 'BatchUnconfirmed']);
      expect(calls).toHaveLength(2);
      expect(error?.name).toBe('ExecutionError');
      // The Fail state's error name is what CloudWatch counts as ExecutionsFailed and alarms on.
      expect((error?.cause as { name?: string } | undefined)?.name).toBe('BatchUnconfirmed');
    });

    it('fails the execution on an unexpected poll error instead of retrying it', async () => {
      const { error, calls } = await run(definition, ['Error']);
      expect(calls).toHaveLength(1);
      expect(error?.name).toBe('ExecutionError');
      expect((error?.cause as { name?: string } | undefined)?.name).toBe('Error');
    });
  });
});

interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds: number;
  MaxAttempts: number;
  BackoffRate: number;
  MaxDelaySeconds?: number;
}

/** The wait before retry n (0-based) as Step Functions computes it (ASL "Retrying after an error"). */
function aslWaitSeconds(retrier: Retrier, n: number): number {
  const wait = retrier.IntervalSeconds * retrier.BackoffRate ** n;
  return retrier.MaxDelaySeconds === undefined ? wait : Math.min(wait, retrier.MaxDelaySeconds);
}

/**
 * Plays the synthesized PollBatch retry rules against the poll function's decisions for a batch that
 * never settles: each invocation takes `invocationSeconds`, the execution starts `startDelaySeconds`
 * after submission. Returns the polls' times (s after submission) and how the execution ended.
 */
function playNeverSettling(definition: AslDefinition, invocationSeconds: number, startDelaySeconds: number) {
  const retriers = definition.States.PollBatch?.Retry as Retrier[];
  const submittedAt = new Date('2025-01-01T00:00:00Z');
  const deadline = POLL_DEADLINE_MS / 1000;
  const timeout = startDelaySeconds + (definition.TimeoutSeconds ?? 0);
  const used = retriers.map(() => 0);
  const polls: number[] = [];
  let t = startDelaySeconds;
  for (;;) {
    if (t >= timeout) return { polls, end: 'TimedOut' as const };
    polls.push(t);
    t += invocationSeconds;
    if (t >= deadline) return { polls, end: 'BatchUnconfirmed' as const, endedAt: t, timeout };
    const signal = pendingSignal(submittedAt, new Date(submittedAt.getTime() + t * 1000));
    const index = retriers.findIndex((r) => r.ErrorEquals.includes(signal));
    const retrier = retriers[index];
    if (!retrier) throw new Error(`no retrier for ${signal}`);
    if ((used[index] ?? 0) >= retrier.MaxAttempts) return { polls, end: `${signal} retries exhausted` };
    t += aslWaitSeconds(retrier, used[index] ?? 0);
    used[index] = (used[index] ?? 0) + 1;
  }
}

describe('the poll schedule as retries', () => {
  let definition: AslDefinition;
  beforeAll(() => {
    definition = synthesizeConfirmationDefinition('dev');
  });

  it('never waits longer between polls than the domain schedule allows', () => {
    const pending = ((definition.States.PollBatch?.Retry ?? []) as Retrier[]).find((r) =>
      r.ErrorEquals.includes('BatchPending'),
    );
    if (!pending) throw new Error('no BatchPending retrier');
    for (let n = 0; n < pending.MaxAttempts; n += 1) {
      const domainWait = POLL_WAITS_SECONDS[Math.min(n, POLL_WAITS_SECONDS.length - 1)] ?? 0;
      expect(aslWaitSeconds(pending, n)).toBeLessThanOrEqual(domainWait);
    }
  });

  it.each([
    [0, 0],
    [10, 5],
    [30, 60],
  ])(
    'reaches the deadline before the timeout or the retries run out (invocations of %i s, start %i s late)',
    (invocation, startDelay) => {
      const played = playNeverSettling(definition, invocation, startDelay);
      expect(played.end).toBe('BatchUnconfirmed');
      expect(played.endedAt).toBeLessThan(played.timeout ?? 0);
      // The last poll lands at most a minute after the deadline (plus the invocation itself).
      expect(played.endedAt).toBeLessThanOrEqual(POLL_DEADLINE_MS / 1000 + 60 + 2 * invocation);
    },
  );

  it('keeps the execution history far below 25,000 events even for a batch polled to the deadline', () => {
    const retriers = definition.States.PollBatch?.Retry as Retrier[];
    const invocations = 1 + retriers.reduce((sum, r) => sum + r.MaxAttempts, 0);
    // Per Lambda task attempt: TaskStateEntered/Exited, LambdaFunctionScheduled/Started/Failed|Succeeded.
    expect(invocations * 5 + 10).toBeLessThan(25_000);
    const played = playNeverSettling(definition, 0, 0);
    expect(played.polls.length).toBeLessThan(60);
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
