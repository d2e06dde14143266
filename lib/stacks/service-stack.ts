import { CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as rds from 'aws-cdk-lib/aws-rds';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import {
  API_TIMEOUT_SECONDS,
  CONSUMER_BATCH_SIZE,
  CONSUMER_TIMEOUT_SECONDS,
  connectionSecretPrefix,
  ENV,
  type FunctionName,
  MAX_RECEIVE_COUNT,
  SHORT_LIVED_KEY_PREFIXES,
  VISIBILITY_TIMEOUT_FACTOR,
} from '../../lambdas/config/index.js';
import type { StageConfig } from '../config/stage-config.js';
import { ConfirmationWorkflow } from '../constructs/confirmation-workflow.js';
import { EciFunction } from '../constructs/eci-function.js';
import { Observability, POLL_SIGNALS_METRIC } from '../constructs/observability.js';

// Shared with the functions; their one home is lambdas/config/shared.ts.
export {
  CONSUMER_BATCH_SIZE,
  connectionSecretPrefix,
  MAX_RECEIVE_COUNT,
} from '../../lambdas/config/index.js';

/** Consumer timeout; the push queue's visibility timeout is derived from it (AWS: ≥ 6×). */
export const CONSUMER_TIMEOUT = Duration.seconds(CONSUMER_TIMEOUT_SECONDS);

export interface ServiceStackProps extends StackProps {
  readonly stage: StageConfig;
  readonly cluster: rds.DatabaseCluster;
  readonly databaseSecret: ISecret;
  readonly databaseName: string;
  readonly dedupTable: dynamodb.ITable;
  readonly idempotencyTable: dynamodb.ITable;
}

/**
 * Stateless part of a stage: API, functions, queue, confirmation workflow, schedules, alarms.
 * It can be destroyed and redeployed at will; the data lives in the stateful stack.
 */
export class ServiceStack extends Stack {
  readonly functions: {
    readonly api: EciFunction;
    readonly pushConsumer: EciFunction;
    readonly pollBatch: EciFunction;
    readonly catalogSync: EciFunction;
    readonly releaseScheduled: EciFunction;
  };
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly workflow: ConfirmationWorkflow;
  readonly api: apigw.RestApi;
  readonly observability: Observability;

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, props);
    const { stage } = props;
    const secretPrefix = connectionSecretPrefix(stage.name);

    this.deadLetterQueue = new sqs.Queue(this, 'PushDlq', {
      fifo: true,
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      removalPolicy: stage.removalPolicy,
    });
    this.queue = new sqs.Queue(this, 'PushQueue', {
      fifo: true,
      // The producer sets the dedup id (the chunk body hash) itself; reverts are routed around it.
      contentBasedDeduplication: false,
      visibilityTimeout: Duration.seconds(CONSUMER_TIMEOUT.toSeconds() * VISIBILITY_TIMEOUT_FACTOR),
      retentionPeriod: Duration.days(4),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
      removalPolicy: stage.removalPolicy,
    });

    // Every function gets the database; everything else is bound per function, exactly as its
    // configuration contract (lambdas/config/contracts.ts) declares — the construct checks at synth.
    const fn = (contract: FunctionName, description: string, timeout: Duration, memorySize = 512) =>
      new EciFunction(this, contract, { stage, contract, description, timeout, memorySize }).bindDatabase(
        props.cluster,
        props.databaseSecret,
        props.databaseName,
      );
    const writeGate = (f: EciFunction) =>
      f
        .setEnv(ENV.TRENDYOL_WRITE_ENABLED, String(stage.writeEnabled))
        .setEnv(ENV.TRENDYOL_FORCE_WRITE_ALLOWED, String(stage.forceWriteAllowed));

    const pollBatch = fn(
      'PollBatch',
      'Polls one Trendyol batch and records what Trendyol confirmed',
      // It short-polls Trendyol for a few seconds inside one invocation (cheaper than transitions).
      Duration.seconds(60),
    )
      .bindConnectionSecrets(secretPrefix, 'read')
      // The seller's read budgets (batch results, read-back): the rate limiter reads and conditionally
      // puts its sliding logs. A correction looks up the dedup record of its body (read only).
      .bindTable('shortLived', props.dedupTable, [
        { actions: ['GetItem', 'PutItem'], keyPrefixes: [SHORT_LIVED_KEY_PREFIXES.rateLog] },
        { actions: ['GetItem'], keyPrefixes: [SHORT_LIVED_KEY_PREFIXES.dedup] },
      ]);

    this.workflow = new ConfirmationWorkflow(this, 'Confirmation', {
      pollFunction: pollBatch.function,
      logRetention: stage.logRetention,
      removalPolicy: stage.removalPolicy,
    });

    const api = writeGate(fn('Api', 'ECI HTTP API', Duration.seconds(API_TIMEOUT_SECONDS)))
      .setEnv(ENV.ALLOW_CUSTOM_BASE_URL, String(stage.allowCustomBaseUrl))
      // No loopback simulator exists on AWS; only a one-machine run fills this in (README, twin).
      .setEnv(ENV.ECI_LOCAL_BASE_URLS, '')
      .bindQueueSend(this.queue)
      .bindTable('shortLived', props.dedupTable, 'readWrite')
      .bindConnectionSecrets(secretPrefix, 'manage');

    const pushConsumer = writeGate(fn('PushConsumer', 'Sends queued chunks to Trendyol', CONSUMER_TIMEOUT))
      .bindTable('shortLived', props.dedupTable, 'readWrite')
      .bindTable('idempotency', props.idempotencyTable, 'readWrite')
      .bindConnectionSecrets(secretPrefix, 'read')
      .bindStateMachineStart(this.workflow.stateMachine)
      .bindQueueConsume(this.queue, {
        batchSize: CONSUMER_BATCH_SIZE,
        reportBatchItemFailures: true,
        maxConcurrency: stage.consumerMaxConcurrency,
      });

    const catalogSync = writeGate(
      fn('CatalogSync', 'Pushes what changed in the catalog on a schedule', Duration.minutes(5)),
    )
      .bindQueueSend(this.queue)
      .bindTable('shortLived', props.dedupTable, 'readWrite')
      // Drift reconciliation reads values back from Trendyol with the connection's credentials.
      .bindConnectionSecrets(secretPrefix, 'read');

    const releaseScheduled = fn(
      'ReleaseScheduled',
      'Enqueues deferred revert jobs whose 15-minute window has passed',
      Duration.seconds(60),
      256,
    )
      .bindQueueSend(this.queue)
      .bindTable('shortLived', props.dedupTable, 'readWrite')
      // An unknown outcome is resolved by reading the values back before anything is sent again.
      .bindConnectionSecrets(secretPrefix, 'read');

    this.functions = { api, pushConsumer, pollBatch, catalogSync, releaseScheduled };

    new events.Rule(this, 'CatalogSyncSchedule', {
      description: `ECI ${stage.name}: catalog sync every ${stage.catalogSyncRateMinutes} min`,
      schedule: events.Schedule.rate(Duration.minutes(stage.catalogSyncRateMinutes)),
      targets: [
        new targets.LambdaFunction(catalogSync.function, {
          retryAttempts: 2,
          maxEventAge: Duration.minutes(10),
        }),
      ],
    });
    new events.Rule(this, 'ReleaseScheduledSchedule', {
      description: `ECI ${stage.name}: release deferred reverts every minute`,
      schedule: events.Schedule.rate(Duration.minutes(1)),
      // A missed minute is caught up by the next run; retrying would only pile up overlapping runs.
      targets: [new targets.LambdaFunction(releaseScheduled.function, { retryAttempts: 0 })],
    });

    this.api = this.restApi(stage, api);

    this.observability = new Observability(this, 'Observability', {
      stage,
      api: this.api,
      queue: this.queue,
      deadLetterQueue: this.deadLetterQueue,
      functions: this.functions,
      databaseFunctions: Object.values(this.functions),
      stateMachine: this.workflow.stateMachine,
      signalledErrors: { pollBatch: POLL_SIGNALS_METRIC },
    });

    new CfnOutput(this, 'ConfirmationStateMachineArn', { value: this.workflow.stateMachine.stateMachineArn });
    new CfnOutput(this, 'PushQueueUrl', { value: this.queue.queueUrl });
    new CfnOutput(this, 'PushDlqUrl', { value: this.deadLetterQueue.queueUrl });
  }

  private restApi(stage: StageConfig, handler: EciFunction): apigw.RestApi {
    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', {
      retention: stage.logRetention,
      removalPolicy: stage.removalPolicy,
    });
    const api = new apigw.RestApi(this, 'RestApi', {
      restApiName: `eci-${stage.name}`,
      description: `ECI ${stage.name} HTTP API`,
      endpointTypes: [apigw.EndpointType.REGIONAL],
      apiKeySourceType: apigw.ApiKeySourceType.HEADER,
      // The account-level role API Gateway needs to write execution logs. Retained: it is shared by
      // every REST API in the account and region, and deleting it would break their logging.
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: stage.removalPolicy,
      deployOptions: {
        stageName: stage.name,
        tracingEnabled: true,
        metricsEnabled: true,
        loggingLevel: apigw.MethodLoggingLevel.ERROR,
        // Data trace would log request bodies, and connection bodies carry Trendyol credentials.
        dataTraceEnabled: false,
        accessLogDestination: new apigw.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigw.AccessLogFormat.jsonWithStandardFields({
          caller: false,
          httpMethod: true,
          ip: true,
          protocol: true,
          requestTime: true,
          resourcePath: true,
          responseLength: true,
          status: true,
          user: false,
        }),
        throttlingRateLimit: stage.apiThrottleRateLimit,
        throttlingBurstLimit: stage.apiThrottleBurstLimit,
      },
    });

    // API Gateway caps payloads at 10 MB (413 REQUEST_TOO_LARGE); the handler enforces ECI's own,
    // smaller body limit and the per-route schemas (zod), so the validator here checks only the
    // declared parameters. It exists so malformed requests never reach (and bill) the function.
    const validator = api.addRequestValidator('RequestValidator', {
      requestValidatorName: 'params-and-body',
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    const integration = new apigw.LambdaIntegration(handler.function, {
      proxy: true,
      timeout: Duration.seconds(29),
    });

    const health = api.root.addResource('health');
    health.addMethod('GET', integration, { apiKeyRequired: false, requestValidator: validator });
    // Public like /health: the API's OpenAPI document, and the status page (its data calls go to /v1
    // with the key the operator types in; the page itself holds no data).
    api.root
      .addResource('openapi.json')
      .addMethod('GET', integration, { apiKeyRequired: false, requestValidator: validator });
    api.root.addMethod('GET', integration, { apiKeyRequired: false, requestValidator: validator });

    const v1 = api.root.addResource('v1');
    // An explicit {proxy+} resource rather than addProxy(): addProxy drops the request validator.
    v1.addResource('{proxy+}').addMethod('ANY', integration, {
      apiKeyRequired: true,
      requestValidator: validator,
      requestParameters: { 'method.request.path.proxy': true },
    });

    // Errors API Gateway answers itself get ECI's error body, with the codes and messages the Api
    // function (and so `npm start`) answers for the same request: one error shape whoever answers.
    // `$context.path` is the request path, which API Gateway fills into a gateway response.
    const errorBody = (code: string, message: string) => ({
      'application/json': JSON.stringify({ ok: false, error: { code, message, details: [] } }),
    });
    // A missing or wrong key: one response type on API Gateway (the Api function words the two apart).
    api.addGatewayResponse('InvalidApiKey', {
      type: apigw.ResponseType.INVALID_API_KEY,
      statusCode: '401',
      templates: errorBody('UNAUTHORIZED', 'Send your API key in the x-api-key header.'),
    });
    // No resource/method for the request (outside /health and /v1/*, or a method /health lacks).
    api.addGatewayResponse('MissingToken', {
      type: apigw.ResponseType.MISSING_AUTHENTICATION_TOKEN,
      statusCode: '404',
      templates: errorBody('ROUTE_NOT_FOUND', 'No route for $context.path.'),
    });
    api.addGatewayResponse('TooLarge', {
      type: apigw.ResponseType.REQUEST_TOO_LARGE,
      statusCode: '413',
      templates: errorBody('PAYLOAD_TOO_LARGE', 'Body over 10 MB.'),
    });
    api.addGatewayResponse('Throttled', {
      type: apigw.ResponseType.THROTTLED,
      statusCode: '429',
      templates: errorBody('RATE_LIMITED', 'Too many requests; retry after a pause.'),
    });
    api.addGatewayResponse('QuotaExceeded', {
      type: apigw.ResponseType.QUOTA_EXCEEDED,
      statusCode: '429',
      templates: errorBody('RATE_LIMITED', "The API key's quota for this period is used up."),
    });

    const key = api.addApiKey('DefaultKey', { description: `ECI ${stage.name} default client key` });
    const plan = api.addUsagePlan('UsagePlan', {
      name: `eci-${stage.name}`,
      throttle: { rateLimit: stage.apiThrottleRateLimit, burstLimit: stage.apiThrottleBurstLimit },
    });
    plan.addApiKey(key);
    plan.addApiStage({ stage: api.deploymentStage });

    Validations.of(api).acknowledge(
      {
        id: 'AwsSolutions-APIG3',
        reason:
          'No WAF: clients authenticate with API keys and the usage plan throttles them; WAF is a later cost decision.',
      },
      {
        id: 'AwsSolutions-APIG4',
        reason:
          '/v1 is protected by API keys + usage plan (the compatibility contract); /health, /openapi.json and the status page shell at / are public by design (they hold no seller data).',
      },
      {
        id: 'AwsSolutions-COG4',
        reason: 'Machine clients (ERP, shop backend, CLI) use API keys, not Cognito users.',
      },
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        reason: 'AWS managed policy scoped to what API Gateway needs to write its execution logs.',
      },
    );

    new CfnOutput(this, 'ApiUrl', { value: api.url });
    new CfnOutput(this, 'ApiKeyId', {
      value: key.keyId,
      description: 'aws apigateway get-api-key --include-value --api-key <id> --query value --output text',
    });
    return api;
  }
}
