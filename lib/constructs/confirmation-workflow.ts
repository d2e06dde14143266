import { CfnElement, Duration, type RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';

/**
 * State names are a contract: the local runtime (aws-local-stepfunctions) overrides tasks and waits
 * by name when it executes the definition synthesized from this construct.
 */
export const CONFIRMATION_STATES = {
  waitBeforeFirstPoll: 'WaitBeforeFirstPoll',
  pollBatch: 'PollBatch',
  isBatchSettled: 'IsBatchSettled',
  waitBeforeNextPoll: 'WaitBeforeNextPoll',
  batchConfirmed: 'BatchConfirmed',
  batchUnconfirmed: 'BatchUnconfirmed',
} as const;

/** Trendyol keeps batch results for 4 hours; the workflow must end (visibly) before that. */
export const CONFIRMATION_TIMEOUT = Duration.minutes(235);

/** Seconds before the first poll: Trendyol settles most batches within a few seconds. */
export const FIRST_POLL_DELAY_SECONDS = 2;

export interface ConfirmationWorkflowProps {
  /** The poll-batch function: short-polls Trendyol and returns `{ status, attempt, nextWaitSeconds }`. */
  readonly pollFunction: IFunction;
  /** Retention of the execution log group. */
  readonly logRetention: logs.RetentionDays;
  /** Removal policy of the execution log group. */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * Standard state machine following one Trendyol batch to its end. JSONPath only (no JSONata, no
 * Assign) because the local interpreter silently ignores both. Cost shape: Wait → Task → Choice per
 * round; the poll function itself short-polls for a few seconds inside one invocation, so a batch
 * that settles quickly costs 3 transitions plus the terminal state.
 *
 * Input: `{ connectionId, jobId, batchRequestId, submittedAt }`; the poll result is kept under `$.poll`.
 */
export class ConfirmationWorkflow extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ConfirmationWorkflowProps) {
    super(scope, id);
    const s = CONFIRMATION_STATES;

    const waitFirst = new sfn.Wait(this, s.waitBeforeFirstPoll, {
      time: sfn.WaitTime.duration(Duration.seconds(FIRST_POLL_DELAY_SECONDS)),
    });
    const poll = new tasks.LambdaInvoke(this, s.pollBatch, {
      lambdaFunction: props.pollFunction,
      payloadResponseOnly: true,
      // No `payload`: without Parameters the task receives the whole state (`$`). An explicit
      // TaskInput.fromJsonPathAt('$') would render the invalid `"Parameters": "$"`.
      resultPath: '$.poll',
      // Replaced by the explicit retry below so the list of retried errors is visible in one place.
      retryOnServiceExceptions: false,
    });
    poll.addRetry({
      errors: [
        'Lambda.ServiceException',
        'Lambda.AWSLambdaException',
        'Lambda.SdkClientException',
        'Lambda.TooManyRequestsException',
      ],
      interval: Duration.seconds(2),
      maxAttempts: 6,
      backoffRate: 2,
      jitterStrategy: sfn.JitterType.FULL,
    });
    const waitNext = new sfn.Wait(this, s.waitBeforeNextPoll, {
      time: sfn.WaitTime.secondsPath('$.poll.nextWaitSeconds'),
    });
    const confirmed = new sfn.Succeed(this, s.batchConfirmed);
    const unconfirmed = new sfn.Fail(this, s.batchUnconfirmed, {
      error: 'BatchUnconfirmed',
      cause: 'Trendyol did not settle every item of the batch before the polling deadline',
    });
    const settled = new sfn.Choice(this, s.isBatchSettled)
      .when(sfn.Condition.stringEquals('$.poll.status', 'SETTLED'), confirmed)
      .when(sfn.Condition.stringEquals('$.poll.status', 'UNCONFIRMED'), unconfirmed)
      .otherwise(waitNext);
    waitNext.next(poll);

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineType: sfn.StateMachineType.STANDARD,
      // queryLanguage left unset: JSONPath is the default and an absent field is what every local
      // interpreter understands.
      definitionBody: sfn.DefinitionBody.fromChainable(waitFirst.next(poll).next(settled)),
      timeout: CONFIRMATION_TIMEOUT,
      tracingEnabled: true,
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
      comment: 'ECI: follows one Trendyol batch until every item is SUCCESS or FAILED',
    });

    Validations.of(this).acknowledge(
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'CloudWatch Logs delivery (logs:CreateLogDelivery…) and X-Ray actions support no resource-level permissions.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::<${logicalIdOf(props.pollFunction)}.Arn>:*]`,
        reason: 'CDK grants invoke on the poll function and its versions/aliases (ARN:*) only.',
      },
    );
  }
}

// cdk-nag names a finding after the CloudFormation logical id the policy refers to.
function logicalIdOf(fn: IFunction): string {
  const cfn = fn.node.defaultChild;
  if (!(cfn instanceof CfnElement)) throw new Error(`${fn.node.path} has no CloudFormation resource`);
  return Stack.of(cfn).resolve(cfn.logicalId) as string;
}
