import { CfnElement, Duration, type RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { POLL_RETRIERS, POLL_SIGNALS } from '../../lambdas/domain/poll-retry.js';

/**
 * State names are a contract: the local runtime (aws-local-stepfunctions) overrides tasks and waits
 * by name when it executes the definition synthesized from this construct.
 */
export const CONFIRMATION_STATES = {
  pollBatch: 'PollBatch',
  batchUnconfirmed: 'BatchUnconfirmed',
} as const;

/**
 * Errors of a PollBatch invocation that did not finish (Step Functions' names for a Lambda that hit
 * its timeout or died without an error payload, "Handling errors in Step Functions workflows").
 */
export const POLL_INVOCATION_FAILURES = {
  timedOut: 'Sandbox.Timedout',
  unknown: 'Lambda.Unknown',
} as const;

/** Trendyol keeps batch results for 4 hours; the workflow must end (visibly) before that. */
export const CONFIRMATION_TIMEOUT = Duration.minutes(235);

export interface ConfirmationWorkflowProps {
  /**
   * The poll-batch function: short-polls Trendyol; returns `{ status: 'SETTLED', … }` or throws one of
   * `POLL_SIGNALS` (lambdas/domain/poll-retry.ts).
   */
  readonly pollFunction: IFunction;
  /** Retention of the execution log group. */
  readonly logRetention: logs.RetentionDays;
  /** Removal policy of the execution log group. */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * Standard state machine following one Trendyol batch to its end, in one Task state. JSONPath only (no
 * JSONata, no Assign) because the local interpreter silently ignores both. Cost shape (see
 * lambdas/domain/poll-retry.ts): the first invocation starts at once and short-polls for a few
 * seconds, so a batch that settles quickly costs 1 transition (the Task ends the execution itself);
 * each later poll is a `Retry` of a `BatchPending` error, 1 transition each, on the schedule of
 * `POLL_RETRIERS`; a batch past its deadline (recorded UNCONFIRMED) throws `BatchUnconfirmed`,
 * caught into the Fail state. Any other error fails the execution (the failed-executions alarm).
 *
 * Input: `{ connectionId, jobId, batchRequestId, submittedAt }`; the poll result is kept under `$.poll`.
 */
export class ConfirmationWorkflow extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ConfirmationWorkflowProps) {
    super(scope, id);
    const s = CONFIRMATION_STATES;

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
    // An invocation that ran into its timeout (or crashed) is safe to repeat: a poll records nothing
    // twice. Without this, one slow invocation would fail the execution and leave the job pending.
    poll.addRetry({
      errors: [POLL_INVOCATION_FAILURES.timedOut, POLL_INVOCATION_FAILURES.unknown],
      interval: Duration.seconds(30),
      maxAttempts: 3,
      backoffRate: 2,
      jitterStrategy: sfn.JitterType.FULL,
    });
    // The poll schedule: one retrier per "still pending" signal, exactly as POLL_RETRIERS says.
    for (const retrier of POLL_RETRIERS) {
      poll.addRetry({
        errors: [retrier.error],
        interval: Duration.seconds(retrier.intervalSeconds),
        backoffRate: retrier.backoffRate,
        maxDelay: Duration.seconds(retrier.maxDelaySeconds),
        maxAttempts: retrier.maxAttempts,
        jitterStrategy: sfn.JitterType.NONE,
      });
    }
    const unconfirmed = new sfn.Fail(this, s.batchUnconfirmed, {
      error: POLL_SIGNALS.unconfirmed,
      cause: 'Trendyol did not settle every item of the batch before the polling deadline',
    });
    poll.addCatch(unconfirmed, { errors: [POLL_SIGNALS.unconfirmed] });

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineType: sfn.StateMachineType.STANDARD,
      // queryLanguage left unset: JSONPath is the default and an absent field is what every local
      // interpreter understands.
      definitionBody: sfn.DefinitionBody.fromChainable(poll),
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
