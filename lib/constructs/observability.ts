import { Duration } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { StageConfig } from '../config/stage-config.js';
import type { EciFunction } from './eci-function.js';

/** Namespace of ECI's own metrics (Powertools `POWERTOOLS_METRICS_NAMESPACE` and the metric filters). */
export const METRICS_NAMESPACE = 'ECI';

/** Metric fed by log metric filters whenever a handler logs a Data API `DatabaseResumingException`. */
export const DATABASE_RESUMING_METRIC = 'DatabaseResuming';

export interface ObservabilityProps {
  readonly stage: StageConfig;
  readonly api: RestApi;
  readonly queue: IQueue;
  readonly deadLetterQueue: IQueue;
  /** Every function whose errors should page (the consumer included). */
  readonly functions: Readonly<Record<string, EciFunction>>;
  /** Functions talking to Aurora; their logs feed the `DatabaseResuming` metric. */
  readonly databaseFunctions: readonly EciFunction[];
  readonly stateMachine: IStateMachine;
  /**
   * Function name (a key of `functions`) → the ECI metric counting the errors it throws on purpose to
   * steer the state machine (the poll function's `BatchPending` signals, see
   * lambdas/domain/poll-retry.ts): its Errors alarm counts only the errors beyond those.
   */
  readonly signalledErrors?: Readonly<Record<string, string>>;
}

/** Metric the poll function emits once per error it throws as a signal (pending, unconfirmed). */
export const POLL_SIGNALS_METRIC = 'PollSignals';

/**
 * Alarms (all to one SNS topic) and one dashboard. Every alarm is a symptom an operator can act on;
 * the runbook in README explains each by its id.
 */
export class Observability extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;
  private readonly prefix: string;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const { stage } = props;
    const prefix = `eci-${stage.name}`;
    this.prefix = prefix;

    this.topic = new sns.Topic(this, 'AlarmTopic', {
      displayName: `ECI ${stage.name} alarms`,
      enforceSSL: true,
    });
    if (stage.alarmEmail !== undefined) {
      this.topic.addSubscription(new subscriptions.EmailSubscription(stage.alarmEmail));
    }

    const dlqDepth = props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
      period: Duration.minutes(1),
      statistic: cloudwatch.Stats.MAXIMUM,
    });
    this.alarm(
      'DlqNotEmpty',
      dlqDepth,
      0,
      'A push chunk exhausted its retries and sits in the DLQ; its job ended failed.',
      {
        comparison: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      },
    );

    for (const [name, fn] of Object.entries(props.functions)) {
      const errors = fn.function.metricErrors({
        period: Duration.minutes(5),
        statistic: cloudwatch.Stats.SUM,
      });
      const signalMetric = props.signalledErrors?.[name];
      // A pending batch is an error by design (a Retry polls it again): only errors beyond the
      // signals the function counted itself are failures. Both are 5-minute sums of the same invocations.
      const unexpected =
        signalMetric === undefined
          ? errors
          : new cloudwatch.MathExpression({
              expression: 'errors - FILL(signals, 0)',
              usingMetrics: {
                errors,
                signals: new cloudwatch.Metric({
                  namespace: METRICS_NAMESPACE,
                  metricName: signalMetric,
                  dimensionsMap: { service: 'eci' },
                  period: Duration.minutes(5),
                  statistic: cloudwatch.Stats.SUM,
                }),
              },
              label: `${name} unexpected errors`,
              period: Duration.minutes(5),
            });
      this.alarm(
        `${name}Errors`,
        unexpected,
        1,
        signalMetric === undefined
          ? `${name} invocations failed (unhandled errors, timeouts or crashes).`
          : `${name} invocations failed beyond its pending/unconfirmed signals (unhandled errors, timeouts or crashes).`,
        // Lambda's Errors datapoint and the EMF signal of the same invocation can land in adjacent
        // periods (a 60 s invocation straddling a boundary), leaving +1 in one period and -1 in the
        // next: one breaching period is that skew, two of three are failures.
        signalMetric === undefined ? {} : { evaluationPeriods: 3, datapointsToAlarm: 2 },
      );
    }

    const failed = props.stateMachine.metricFailed({
      period: Duration.minutes(5),
      statistic: cloudwatch.Stats.SUM,
    });
    this.alarm(
      'BatchUnconfirmed',
      failed,
      1,
      'A Trendyol batch never settled (BatchUnconfirmed) or polling failed; check its barcodes by read-back.',
    );
    this.alarm(
      'ConfirmationTimedOut',
      props.stateMachine.metricTimedOut({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
      1,
      'A confirmation workflow hit its 4-hour limit without ending.',
    );

    this.alarm(
      'Api5xx',
      props.api.metricServerError({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
      5,
      'The API answered 5xx (real faults, not bad input).',
    );

    const resuming = new cloudwatch.Metric({
      namespace: METRICS_NAMESPACE,
      metricName: DATABASE_RESUMING_METRIC,
      period: Duration.minutes(5),
      statistic: cloudwatch.Stats.SUM,
    });
    props.databaseFunctions.forEach((fn, index) => {
      new logs.MetricFilter(this, `DatabaseResumingFilter${index}`, {
        logGroup: fn.logGroup,
        metricNamespace: METRICS_NAMESPACE,
        metricName: DATABASE_RESUMING_METRIC,
        filterPattern: logs.FilterPattern.anyTerm('DatabaseResumingException'),
        metricValue: '1',
        defaultValue: 0,
      });
    });
    // A few resumes are normal when the cluster scales to zero; a steady stream means it cannot wake.
    this.alarm('DatabaseResuming', resuming, 20, 'Aurora keeps answering DatabaseResumingException.', {
      evaluationPeriods: 2,
    });

    const fnMetrics = (pick: (fn: EciFunction) => cloudwatch.IMetric): cloudwatch.IMetric[] =>
      Object.values(props.functions).map(pick);
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: prefix,
      defaultInterval: Duration.hours(6),
      widgets: [
        [
          new cloudwatch.GraphWidget({
            title: 'API requests / 4xx / 5xx',
            left: [props.api.metricCount(), props.api.metricClientError(), props.api.metricServerError()],
            width: 8,
          }),
          new cloudwatch.GraphWidget({
            title: 'API latency p99',
            left: [props.api.metricLatency({ statistic: 'p99' })],
            width: 8,
          }),
          new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 8 }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Push queue / DLQ depth',
            left: [props.queue.metricApproximateNumberOfMessagesVisible(), dlqDepth],
            right: [props.queue.metricApproximateAgeOfOldestMessage()],
            width: 8,
          }),
          new cloudwatch.GraphWidget({
            title: 'Function errors',
            left: fnMetrics((fn) => fn.function.metricErrors({ label: fn.node.id })),
            width: 8,
          }),
          new cloudwatch.GraphWidget({
            title: 'Function duration p95',
            left: fnMetrics((fn) => fn.function.metricDuration({ statistic: 'p95', label: fn.node.id })),
            width: 8,
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Confirmation workflows',
            left: [
              props.stateMachine.metricStarted(),
              props.stateMachine.metricSucceeded(),
              props.stateMachine.metricFailed(),
              props.stateMachine.metricTimedOut(),
            ],
            width: 8,
          }),
          new cloudwatch.GraphWidget({
            title: 'ECI business metrics (Powertools)',
            // SEARCH shows whatever the handlers emit, so new metrics appear without a redeploy.
            left: [
              new cloudwatch.MathExpression({
                expression: `SEARCH('{${METRICS_NAMESPACE},service} MetricName=*', 'Sum', 300)`,
                label: '',
                period: Duration.minutes(5),
              }),
            ],
            width: 8,
          }),
          new cloudwatch.GraphWidget({ title: 'Database resuming', left: [resuming], width: 8 }),
        ],
      ],
    });
  }

  private alarm(
    id: string,
    metric: cloudwatch.IMetric,
    threshold: number,
    description: string,
    options: {
      comparison?: cloudwatch.ComparisonOperator;
      evaluationPeriods?: number;
      datapointsToAlarm?: number;
    } = {},
  ): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, id, {
      alarmName: `${this.prefix}-${id}`,
      alarmDescription: description,
      metric,
      threshold,
      comparisonOperator:
        options.comparison ?? cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: options.evaluationPeriods ?? 1,
      ...(options.datapointsToAlarm !== undefined && { datapointsToAlarm: options.datapointsToAlarm }),
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new actions.SnsAction(this.topic));
    alarm.addOkAction(new actions.SnsAction(this.topic));
    this.alarms.push(alarm);
    return alarm;
  }
}
