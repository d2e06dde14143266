import { Duration } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import { beforeAll, describe, expect, it } from 'vitest';
import { COMPOSERS } from '../../lambdas/composition/functions.js';
import { awsPlatform } from '../../lambdas/composition/platform.js';
import { CONTRACTS, FUNCTION_NAMES } from '../../lambdas/config/contracts.js';
import { catalogSyncIntervalMs, getStageConfig } from '../../lib/config/stage-config.js';
import { CONFIRMATION_STATES } from '../../lib/constructs/confirmation-workflow.js';
import { CONSUMER_BATCH_SIZE, MAX_RECEIVE_COUNT } from '../../lib/stacks/service-stack.js';
import {
  eciFunctions,
  environmentProblems,
  resolvedEnvironment,
  type TemplateJson,
} from './function-contracts.js';
import {
  acknowledgements,
  actionsOf,
  allStatements,
  asArray,
  type CfnResourceJson,
  functionStatements,
  logicalId,
  resources,
  type SynthesizedStage,
  single,
  statementsOn,
  synthStage,
  validationReport,
} from './support.js';

/** Each service function's variables, straight from its configuration contract (no hand-kept table). */
const SERVICE_FUNCTIONS = FUNCTION_NAMES.filter((name) => name !== 'Migrate');

type Env = Record<string, unknown>;
const envOf = (r: CfnResourceJson | undefined): Env =>
  ((r?.Properties?.Environment as { Variables?: Env } | undefined)?.Variables ?? {}) as Env;

/** Registers every infrastructure invariant for one stage; the stage is synthesized once. */
export function defineStageSuite(stageName: string): void {
  const config = getStageConfig(stageName);
  const isProd = stageName === 'prod';
  let s: SynthesizedStage;

  beforeAll(() => {
    s = synthStage(stageName);
  });

  const serviceFunctionIds = (): Record<string, string> =>
    Object.fromEntries(
      Object.values(s.service.functions).map((f) => [f.node.id, logicalId(s.service, f.function)]),
    );

  describe(`${stageName}: stateful stack`, () => {
    it('has a VPC with isolated subnets only (no IGW, no NAT)', () => {
      const t = s.statefulTemplate;
      t.resourceCountIs('AWS::EC2::InternetGateway', 0);
      t.resourceCountIs('AWS::EC2::NatGateway', 0);
      t.resourceCountIs('AWS::EC2::Route', 0);
      for (const subnet of Object.values(resources(t, 'AWS::EC2::Subnet'))) {
        expect(subnet.Properties?.MapPublicIpOnLaunch).toBe(false);
      }
      t.resourceCountIs('AWS::EC2::FlowLog', 1);
    });

    it('runs Aurora PostgreSQL Serverless v2 with the Data API, encrypted, per-stage protection', () => {
      const [, cluster] = single(s.statefulTemplate, 'AWS::RDS::DBCluster');
      const p = cluster.Properties ?? {};
      expect(p.Engine).toBe('aurora-postgresql');
      expect(p.EngineMode).toBeUndefined();
      expect(p.EnableHttpEndpoint).toBe(true);
      expect(p.StorageEncrypted).toBe(true);
      expect(p.DeletionProtection).toBe(isProd);
      const scaling = p.ServerlessV2ScalingConfiguration as Record<string, number>;
      expect(scaling.MinCapacity).toBe(config.dbMinCapacity);
      expect(scaling.MaxCapacity).toBe(config.dbMaxCapacity);
      if (!isProd) {
        expect(scaling.MinCapacity).toBe(0);
        expect(scaling.SecondsUntilAutoPause).toBe(config.dbSecondsUntilAutoPause);
      }
      expect(p.BackupRetentionPeriod).toBe(config.dbBackupRetentionDays);
      expect(cluster.DeletionPolicy).toBe(isProd ? 'Retain' : 'Delete');
      expect(p.DBSubnetGroupName).toBeDefined();
      const [, instance] = single(s.statefulTemplate, 'AWS::RDS::DBInstance');
      expect(instance.Properties?.DBInstanceClass).toBe('db.serverless');
      expect(instance.Properties?.PubliclyAccessible).toBe(false);
    });

    it('keeps short-lived records in on-demand DynamoDB tables with TTL (PITR in prod)', () => {
      const tables = Object.values(resources(s.statefulTemplate, 'AWS::DynamoDB::Table'));
      expect(tables).toHaveLength(2);
      const byKey = Object.fromEntries(
        tables.map((t) => [
          (t.Properties?.KeySchema as { AttributeName: string }[] | undefined)?.[0]?.AttributeName,
          t,
        ]),
      );
      const expectTable = (key: string, ttl: string) => {
        const t = byKey[key];
        expect(t, `table keyed by ${key}`).toBeDefined();
        const p = t?.Properties ?? {};
        expect(p.KeySchema).toEqual([{ AttributeName: key, KeyType: 'HASH' }]);
        expect(p.AttributeDefinitions).toEqual([{ AttributeName: key, AttributeType: 'S' }]);
        expect(p.TimeToLiveSpecification).toEqual({ AttributeName: ttl, Enabled: true });
        expect(p.BillingMode).toBe('PAY_PER_REQUEST');
        // SSEEnabled with no key id = the AWS managed key (aws/dynamodb).
        expect(p.SSESpecification).toEqual({ SSEEnabled: true });
        expect(p.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: isProd });
        expect(p.DeletionProtectionEnabled ?? false).toBe(isProd);
        expect(t?.DeletionPolicy).toBe(isProd ? 'Retain' : 'Delete');
      };
      expectTable('pk', 'expiresAt');
      expectTable('id', 'expiration');
    });

    it('applies migrations on deploy through the Data API after the cluster exists', () => {
      const migrateId = logicalId(s.stateful, s.stateful.migrateFunction.function);
      const fn = resources(s.statefulTemplate)[migrateId];
      expect(Object.keys(envOf(fn)).sort()).toEqual([...CONTRACTS.Migrate.variables]);
      const [, trigger] = single(s.statefulTemplate, 'Custom::Trigger');
      expect(JSON.stringify(trigger.Properties?.HandlerArn)).toContain('MigrateFunctionCurrentVersion');
      expect(trigger.Properties?.InvocationType).toBe('RequestResponse');
      const clusterId = single(s.statefulTemplate, 'AWS::RDS::DBCluster')[0];
      expect(asArray(trigger.DependsOn)).toContain(clusterId);
      const actions = actionsOf(functionStatements(s.statefulTemplate, migrateId));
      expect(actions).toContain('rds-data:ExecuteStatement');
      expect(actions).toContain('secretsmanager:GetSecretValue');
      expect([...actions].filter((a) => a.startsWith('sqs:') || a.startsWith('dynamodb:'))).toEqual([]);
    });
  });

  describe(`${stageName}: functions`, () => {
    it('runs every function on Node.js 22+; every ECI function on arm64 with tracing and its own log group', () => {
      for (const template of [s.statefulTemplate, s.serviceTemplate]) {
        for (const [id, fn] of Object.entries(resources(template, 'AWS::Lambda::Function'))) {
          const runtime = String(fn.Properties?.Runtime);
          const major = Number(/^nodejs(\d+)\.x$/.exec(runtime)?.[1] ?? 0);
          expect(major, `${id} runtime ${runtime}`).toBeGreaterThanOrEqual(22);
          // CDK's own Trigger provider is the only function ECI does not declare.
          if (id.startsWith('AWSCDKTrigger')) continue;
          expect(fn.Properties?.Architectures, id).toEqual(['arm64']);
          expect(fn.Properties?.TracingConfig, id).toEqual({ Mode: 'Active' });
          expect((fn.Properties?.LoggingConfig as { LogGroup?: unknown })?.LogGroup, id).toBeDefined();
          const env = envOf(fn);
          expect(env.POWERTOOLS_SERVICE_NAME).toBe('eci');
          expect(env.POWERTOOLS_METRICS_NAMESPACE).toBe('ECI');
          expect(env.POWERTOOLS_LOG_LEVEL).toBe(config.logLevel);
          expect(env.NODE_OPTIONS).toBe('--enable-source-maps');
          expect(env.ECI_STAGE).toBe(stageName);
        }
      }
      expect(Object.keys(resources(s.serviceTemplate, 'AWS::Lambda::Function'))).toHaveLength(5);
    });

    it('gives every log group the stage retention', () => {
      for (const template of [s.statefulTemplate, s.serviceTemplate]) {
        for (const [id, lg] of Object.entries(resources(template, 'AWS::Logs::LogGroup'))) {
          expect(lg.Properties?.RetentionInDays, id).toBe(config.logRetention);
        }
      }
    });

    it('sets exactly the contract env vars on each service function, with stage values', () => {
      const ids = serviceFunctionIds();
      expect(Object.keys(ids).sort()).toEqual([...SERVICE_FUNCTIONS].sort());
      for (const name of SERVICE_FUNCTIONS) {
        const env = envOf(resources(s.serviceTemplate)[ids[name] ?? '']);
        expect(Object.keys(env).sort(), name).toEqual([...CONTRACTS[name].variables]);
        expect(env.ECI_FUNCTION).toBe(name);
        expect(env.DB_NAME).toBe('eci');
        if ('TRENDYOL_WRITE_ENABLED' in env) {
          expect(env.TRENDYOL_WRITE_ENABLED).toBe(String(config.writeEnabled));
          expect(env.TRENDYOL_FORCE_WRITE_ALLOWED).toBe(String(config.forceWriteAllowed));
        }
        if ('ALLOW_CUSTOM_BASE_URL' in env) {
          expect(env.ALLOW_CUSTOM_BASE_URL).toBe(String(config.allowCustomBaseUrl));
        }
        if ('CONNECTION_SECRET_PREFIX' in env) {
          expect(env.CONNECTION_SECRET_PREFIX).toBe(`eci/${stageName}/connections/`);
        }
      }
      expect(config.allowCustomBaseUrl).toBe(!isProd);
    });

    it('grants each function exactly what its env vars imply', () => {
      const ids = serviceFunctionIds();
      const queueId = logicalId(s.service, s.service.queue);
      const smId = logicalId(s.service, s.service.workflow.stateMachine);
      for (const name of SERVICE_FUNCTIONS) {
        const expected = CONTRACTS[name].variables;
        const statements = functionStatements(s.serviceTemplate, ids[name] ?? '');
        const has = (needle: string, action: string) =>
          actionsOf(statementsOn(statements, needle)).has(action);
        expect(has('ExportsOutput', 'rds-data:ExecuteStatement'), `${name} data api`).toBe(true);
        const sends = name !== 'PushConsumer' && expected.includes('PUSH_QUEUE_URL');
        expect(has(queueId, 'sqs:SendMessage'), `${name} send`).toBe(sends);
        expect(has(queueId, 'sqs:ReceiveMessage'), `${name} consume`).toBe(name === 'PushConsumer');
        expect(has('DedupTable', 'dynamodb:PutItem'), `${name} dedup`).toBe(
          expected.includes('DEDUP_TABLE_NAME'),
        );
        expect(has('IdempotencyTable', 'dynamodb:PutItem'), `${name} idem`).toBe(
          expected.includes('IDEMPOTENCY_TABLE_NAME'),
        );
        const prefix = `secret:eci/${stageName}/connections/*`;
        expect(has(prefix, 'secretsmanager:GetSecretValue'), `${name} secrets read`).toBe(
          expected.includes('CONNECTION_SECRET_PREFIX'),
        );
        expect(has(prefix, 'secretsmanager:CreateSecret'), `${name} secrets manage`).toBe(name === 'Api');
        expect(has(smId, 'states:StartExecution'), `${name} start`).toBe(
          expected.includes('CONFIRMATION_STATE_MACHINE_ARN'),
        );
        if (name === 'PollBatch') {
          // Only the calls its rate limiter and a correction's dedup look-up make, on their own items.
          const table = statementsOn(statements, 'DedupTable');
          const tableArn = table[0]?.Resource;
          expect(table).toEqual([
            {
              Effect: 'Allow',
              Action: ['dynamodb:GetItem', 'dynamodb:PutItem'],
              Resource: tableArn,
              Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['rate#*'] } },
            },
            {
              Effect: 'Allow',
              Action: 'dynamodb:GetItem',
              Resource: tableArn,
              Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['dedup#*'] } },
            },
          ]);
          expect(JSON.stringify(tableArn)).toMatch(/DedupTable.*Arn/);
        }
        // Nothing grants table administration or scans beyond the item API.
        expect(
          [...actionsOf(statements)].filter((a) => /^dynamodb:(Create|Delete|Update)Table$/.test(a)),
        ).toEqual([]);
      }
    });
  });

  describe(`${stageName}: configuration contracts`, () => {
    const templates = (): TemplateJson[] => [
      s.statefulTemplate.toJSON() as TemplateJson,
      s.serviceTemplate.toJSON() as TemplateJson,
    ];

    it('gives every function exactly the variables its contract declares (keys derived from CONTRACTS)', () => {
      expect(environmentProblems(templates())).toEqual([]);
    });

    it('catches a variable removed from one function’s stack binding, naming function and variable', () => {
      const broken = structuredClone(templates());
      const poll = eciFunctions(broken).find((f) => f.name === 'PollBatch');
      expect(poll).toBeDefined();
      delete poll?.variables.CONNECTION_SECRET_PREFIX;
      const extra = eciFunctions(broken).find((f) => f.name === 'ReleaseScheduled');
      if (extra) extra.variables.IDEMPOTENCY_TABLE_NAME = 'x';
      expect(environmentProblems(broken)).toEqual([
        expect.stringMatching(
          /^PollBatch: CONNECTION_SECRET_PREFIX is in its contract but not set by the stack/,
        ),
        expect.stringMatching(
          /^ReleaseScheduled: IDEMPOTENCY_TABLE_NAME is set by the stack but not declared/,
        ),
      ]);
    });

    // The defect this guards: the one shared container required DEDUP_TABLE_NAME of every function,
    // the stack gave none to PollBatch, and the cached rejection failed every poll on AWS.
    it.each(FUNCTION_NAMES)(
      '%s composes from exactly the environment its template gives it, reading nothing undeclared',
      async (name) => {
        const fn = eciFunctions(templates()).find((f) => f.name === name);
        if (!fn) throw new Error(`${name} is not in the templates`);
        const declared = new Set(CONTRACTS[name].variables);
        const reads: string[] = [];
        // Reads of undeclared variables fail the test (Lambda's own AWS_* runtime variables aside).
        const env = new Proxy(resolvedEnvironment(fn), {
          get(target, key) {
            if (typeof key === 'string' && !declared.has(key) && !key.startsWith('AWS_')) reads.push(key);
            return Reflect.get(target, key);
          },
        });
        const deps = COMPOSERS[name](env, awsPlatform(env)) as unknown as Record<string, unknown>;
        expect(reads, `${name} read variables its contract does not declare`).toEqual([]);
        await (deps.database as { close(): Promise<void> }).close();
        if (name === 'PollBatch') {
          for (const absent of ['queue', 'workflow'])
            expect(deps, `PollBatch builds no ${absent}`).not.toHaveProperty(absent);
          // A correction looks up its body's dedup record and takes ids from the platform.
          expect(deps).toHaveProperty('dedup');
          expect(deps).toHaveProperty('ids');
          // Its reads (batch results, read-back) take slots of the seller's shared read budget.
          expect(deps).toHaveProperty('rateLimiter');
        }
      },
    );
  });

  describe(`${stageName}: queue and consumer`, () => {
    it('uses a FIFO queue with a FIFO DLQ, encryption, TLS only, visibility ≥ 6× consumer timeout', () => {
      const queues = resources(s.serviceTemplate, 'AWS::SQS::Queue');
      const queueId = logicalId(s.service, s.service.queue);
      const dlqId = logicalId(s.service, s.service.deadLetterQueue);
      const queue = queues[queueId]?.Properties ?? {};
      const dlq = queues[dlqId]?.Properties ?? {};
      expect(queue.FifoQueue).toBe(true);
      expect(dlq.FifoQueue).toBe(true);
      expect(queue.SqsManagedSseEnabled).toBe(true);
      expect(dlq.SqsManagedSseEnabled).toBe(true);
      expect(queue.RedrivePolicy).toEqual({
        deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] },
        maxReceiveCount: MAX_RECEIVE_COUNT,
      });
      const consumerId = logicalId(s.service, s.service.functions.pushConsumer.function);
      const consumerTimeout = resources(s.serviceTemplate)[consumerId]?.Properties?.Timeout as number;
      expect(queue.VisibilityTimeout as number).toBeGreaterThanOrEqual(6 * consumerTimeout);
      for (const id of [queueId, dlqId]) {
        s.serviceTemplate.hasResourceProperties('AWS::SQS::QueuePolicy', {
          Queues: [{ Ref: id }],
          PolicyDocument: {
            Statement: Match.arrayWith([
              Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            ]),
          },
        });
      }
    });

    it('maps the queue to the consumer: batch ≤ 10, partial batch responses, max concurrency', () => {
      const [, esm] = single(s.serviceTemplate, 'AWS::Lambda::EventSourceMapping');
      const p = esm.Properties ?? {};
      expect(p.BatchSize as number).toBeLessThanOrEqual(10);
      expect(p.BatchSize).toBe(CONSUMER_BATCH_SIZE);
      expect(p.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
      expect(p.ScalingConfig).toEqual({ MaximumConcurrency: config.consumerMaxConcurrency });
      expect(p.EventSourceArn).toEqual({ 'Fn::GetAtt': [logicalId(s.service, s.service.queue), 'Arn'] });
      expect(p.FunctionName).toEqual({
        Ref: logicalId(s.service, s.service.functions.pushConsumer.function),
      });
    });
  });

  describe(`${stageName}: confirmation state machine`, () => {
    it('is Standard, logged, traced, times out under 4 hours, with the contract states', () => {
      const [, sm] = single(s.serviceTemplate, 'AWS::StepFunctions::StateMachine');
      const p = sm.Properties ?? {};
      expect(p.StateMachineType).toBe('STANDARD');
      expect(p.TracingConfiguration).toEqual({ Enabled: true });
      const logging = p.LoggingConfiguration as { Level: string; Destinations: unknown[] };
      expect(['ALL', 'ERROR']).toContain(logging.Level);
      expect(logging.Destinations).toHaveLength(1);
      const join = (p.DefinitionString as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
      const text = join.map((part) => (typeof part === 'string' ? part : '"ARN"')).join('');
      const definition = JSON.parse(text.replace('""ARN""', '"ARN"')) as {
        StartAt: string;
        TimeoutSeconds: number;
        QueryLanguage?: string;
        States: Record<string, Record<string, unknown>>;
      };
      expect(definition.TimeoutSeconds).toBeLessThan(4 * 3600);
      expect(definition.StartAt).toBe(CONFIRMATION_STATES.pollBatch);
      expect(Object.keys(definition.States).sort()).toEqual(Object.values(CONFIRMATION_STATES).sort());
      expect(definition.QueryLanguage ?? 'JSONPath').toBe('JSONPath');
      expect(text).not.toContain('JSONata');
      expect(text).not.toContain('"Assign"');
    });
  });

  describe(`${stageName}: API`, () => {
    it('requires an API key on /v1 and not on /health, /openapi.json or the page at /', () => {
      const t = s.serviceTemplate;
      const methods = Object.values(resources(t, 'AWS::ApiGateway::Method'));
      const byPath = (part: string) => {
        const res = Object.entries(resources(t, 'AWS::ApiGateway::Resource')).find(
          ([, r]) => r.Properties?.PathPart === part,
        );
        return methods.filter(
          (m) => JSON.stringify(m.Properties?.ResourceId) === JSON.stringify({ Ref: res?.[0] }),
        );
      };
      const health = byPath('health');
      const proxy = byPath('{proxy+}');
      expect(health).toHaveLength(1);
      expect(health[0]?.Properties?.HttpMethod).toBe('GET');
      expect(health[0]?.Properties?.ApiKeyRequired).toBe(false);
      expect(proxy).toHaveLength(1);
      expect(proxy[0]?.Properties?.HttpMethod).toBe('ANY');
      expect(proxy[0]?.Properties?.ApiKeyRequired).toBe(true);
      const openApi = byPath('openapi.json');
      expect(openApi).toHaveLength(1);
      expect(openApi[0]?.Properties?.ApiKeyRequired).toBe(false);
      // The status page at / (GET on the root resource, which has no PathPart).
      const root = methods.filter((m) => !JSON.stringify(m.Properties?.ResourceId).includes('"Ref"'));
      expect(root.map((m) => [m.Properties?.HttpMethod, m.Properties?.ApiKeyRequired])).toEqual([
        ['GET', false],
      ]);
      for (const m of methods) expect(m.Properties?.RequestValidatorId).toBeDefined();
      expect(methods).toHaveLength(4);
    });

    it('throttles through the usage plan and the stage, logs access, traces', () => {
      const t = s.serviceTemplate;
      t.hasResourceProperties('AWS::ApiGateway::UsagePlan', {
        Throttle: { RateLimit: config.apiThrottleRateLimit, BurstLimit: config.apiThrottleBurstLimit },
        ApiStages: Match.arrayWith([Match.objectLike({ Stage: Match.anyValue() })]),
      });
      t.resourceCountIs('AWS::ApiGateway::UsagePlanKey', 1);
      t.resourceCountIs('AWS::ApiGateway::ApiKey', 1);
      t.hasResourceProperties('AWS::ApiGateway::Stage', {
        StageName: stageName,
        TracingEnabled: true,
        AccessLogSetting: { DestinationArn: Match.anyValue(), Format: Match.anyValue() },
        MethodSettings: Match.arrayWith([
          Match.objectLike({
            DataTraceEnabled: false,
            LoggingLevel: 'ERROR',
            ThrottlingRateLimit: config.apiThrottleRateLimit,
            ThrottlingBurstLimit: config.apiThrottleBurstLimit,
          }),
        ]),
      });
      t.hasResourceProperties('AWS::ApiGateway::RequestValidator', {
        ValidateRequestBody: true,
        ValidateRequestParameters: true,
      });
      // ECI's error shape, with the Api function's codes and messages (the twin serves these bodies).
      t.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
        ResponseType: 'INVALID_API_KEY',
        StatusCode: '401',
        ResponseTemplates: {
          'application/json': JSON.stringify({
            ok: false,
            error: {
              code: 'UNAUTHORIZED',
              message: 'Send your API key in the x-api-key header.',
              details: [],
            },
          }),
        },
      });
      t.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
        ResponseType: 'MISSING_AUTHENTICATION_TOKEN',
        StatusCode: '404',
        ResponseTemplates: {
          'application/json': Match.stringLikeRegexp('"code":"ROUTE_NOT_FOUND".*"details":\\[\\]'),
        },
      });
      t.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
        ResponseType: 'REQUEST_TOO_LARGE',
        StatusCode: '413',
      });
    });
  });

  describe(`${stageName}: schedules`, () => {
    it('runs catalog sync at the stage rate and release-scheduled every minute', () => {
      const fns = serviceFunctionIds();
      const rules = Object.values(resources(s.serviceTemplate, 'AWS::Events::Rule'));
      const target = (id: string | undefined) =>
        rules.find((r) => JSON.stringify(r.Properties?.Targets).includes(`"${id}"`));
      const expected = events.Schedule.rate(Duration.minutes(config.catalogSyncRateMinutes)).expressionString;
      expect(target(fns.CatalogSync)?.Properties?.ScheduleExpression).toBe(expected);
      expect(target(fns.ReleaseScheduled)?.Properties?.ScheduleExpression).toBe('rate(1 minute)');
      expect(rules).toHaveLength(2);
    });

    it('the local timer (npm start) reads the same catalog-sync period the rule synthesizes', () => {
      const fns = serviceFunctionIds();
      const rules = Object.values(resources(s.serviceTemplate, 'AWS::Events::Rule'));
      const rule = rules.find((r) => JSON.stringify(r.Properties?.Targets).includes(`"${fns.CatalogSync}"`));
      // EventBridge writes the largest whole unit: rate(15 minutes), rate(1 hour), rate(2 days).
      const match = /^rate\((\d+) (minute|hour|day)s?\)$/.exec(String(rule?.Properties?.ScheduleExpression));
      expect(match).not.toBeNull();
      const unitMs = { minute: 60_000, hour: 3_600_000, day: 86_400_000 }[match?.[2] as 'minute'];
      expect(Number(match?.[1]) * unitMs).toBe(catalogSyncIntervalMs(stageName));
    });
  });

  describe(`${stageName}: observability`, () => {
    it('alarms on DLQ depth, consumer errors, unconfirmed batches, API 5xx and database resuming', () => {
      const t = s.serviceTemplate;
      const topicId = single(t, 'AWS::SNS::Topic')[0];
      const alarms = Object.values(resources(t, 'AWS::CloudWatch::Alarm')).map((a) => a.Properties ?? {});
      const find = (metric: string, dims?: string) =>
        alarms.filter(
          (a) =>
            a.MetricName === metric && (dims === undefined || JSON.stringify(a.Dimensions).includes(dims)),
        );
      const dlq = find('ApproximateNumberOfMessagesVisible', logicalId(s.service, s.service.deadLetterQueue));
      expect(dlq).toHaveLength(1);
      expect(dlq[0]).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
      expect(find('Errors', logicalId(s.service, s.service.functions.pushConsumer.function))).toHaveLength(1);
      expect(find('ExecutionsFailed', logicalId(s.service, s.service.workflow.stateMachine))).toHaveLength(1);
      // The poll function throws BatchPending on purpose: its alarm counts only errors beyond those.
      const pollFn = logicalId(s.service, s.service.functions.pollBatch.function);
      expect(find('Errors', pollFn)).toHaveLength(0);
      const pollAlarms = alarms.filter((a) => JSON.stringify(a.Metrics ?? null).includes(pollFn));
      expect(pollAlarms).toHaveLength(1);
      expect(pollAlarms[0]).toMatchObject({
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        // An error and its signal landing in adjacent 5-minute periods breach one period only.
        EvaluationPeriods: 3,
        DatapointsToAlarm: 2,
      });
      expect(pollAlarms[0]?.Metrics).toEqual([
        {
          Expression: 'errors - FILL(signals, 0)',
          Id: 'expr_1',
          Label: 'pollBatch unexpected errors',
          ReturnData: true,
        },
        {
          Id: 'errors',
          MetricStat: {
            Metric: {
              Dimensions: [{ Name: 'FunctionName', Value: { Ref: pollFn } }],
              MetricName: 'Errors',
              Namespace: 'AWS/Lambda',
            },
            Period: 300,
            Stat: 'Sum',
          },
          ReturnData: false,
        },
        {
          Id: 'signals',
          MetricStat: {
            Metric: {
              Dimensions: [{ Name: 'service', Value: 'eci' }],
              MetricName: 'PollSignals',
              Namespace: 'ECI',
            },
            Period: 300,
            Stat: 'Sum',
          },
          ReturnData: false,
        },
      ]);
      expect(find('5XXError')).toHaveLength(1);
      expect(find('DatabaseResuming')).toHaveLength(1);
      expect(find('DatabaseResuming')[0]?.Namespace).toBe('ECI');
      for (const a of alarms) expect(a.AlarmActions).toEqual([{ Ref: topicId }]);
      const filters = Object.values(resources(t, 'AWS::Logs::MetricFilter'));
      expect(filters.length).toBeGreaterThan(0);
      for (const f of filters) {
        expect(f.Properties?.FilterPattern).toContain('DatabaseResumingException');
      }
      t.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
      if (config.alarmEmail === undefined) t.resourceCountIs('AWS::SNS::Subscription', 0);
    });
  });

  describe(`${stageName}: IAM and cdk-nag`, () => {
    it('grants no `*` or `service:*` action anywhere; `Resource: *` only where AWS requires it', () => {
      // Deny statements (TLS-only queue/topic policies) legitimately use `sqs:*`; they grant nothing.
      const wildcardResourceOk =
        /^(xray:|logs:(Create|Delete|Get|Update)LogDelivery$|logs:ListLogDeliveries$|logs:Describe|logs:PutResourcePolicy$)/;
      for (const template of [s.statefulTemplate, s.serviceTemplate]) {
        for (const { owner, statement } of allStatements(template)) {
          if (statement.Effect !== 'Allow') continue;
          for (const action of asArray(statement.Action)) {
            expect(action, owner).not.toBe('*');
            expect(action, owner).not.toMatch(/^[\w-]+:\*$/);
            expect(action, owner).not.toContain('*');
          }
          if (asArray(statement.Resource).includes('*')) {
            for (const action of asArray(statement.Action)) expect(action, owner).toMatch(wildcardResourceOk);
          }
        }
      }
    });

    it('passes cdk-nag AwsSolutions and CloudFormation validation with no unacknowledged finding', () => {
      const report = validationReport(s.assembly);
      const open = report.pluginReports.flatMap((r) =>
        r.violations.map((v) => `${r.pluginName}: ${v.severity} ${v.ruleName}`),
      );
      expect(open).toEqual([]);
    });

    it('gives every acknowledgement a reason', () => {
      // CDK acknowledges a few of its own CloudFormation-Validate findings; only ours are checked.
      const acks = acknowledgements(s.root).filter((a) => a.id.startsWith('AwsSolutions'));
      expect(acks.length).toBeGreaterThan(0);
      for (const a of acks) {
        expect(a.id, a.path).toMatch(/^AwsSolutions-[A-Z]+\d+/);
        expect(a.reason.trim().length, `${a.path} ${a.id}`).toBeGreaterThan(20);
      }
      const ids = new Set(acks.map((a) => a.id.replace(/\[.*$/, '')));
      // Dev-only acknowledgements must not leak into prod (where the finding is fixed instead).
      expect(ids.has('AwsSolutions-RDS10')).toBe(!isProd);
      expect(ids.has('AwsSolutions-DDB3')).toBe(!isProd);
    });
  });
}
