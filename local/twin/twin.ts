import '../polyfills';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { SFNClient } from '@aws-sdk/client-sfn';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { PGlite } from '@electric-sql/pglite';
import { build } from 'esbuild';
import { createSqsServer } from 'local-aws-sqs';
import { createDataApiDatabase, PostgresJobRepository } from '../../lambdas/adapters/postgres';
import { SqsChunkQueue } from '../../lambdas/adapters/sqs/sqs-chunk-queue';
import { StepFunctionsConfirmationWorkflow } from '../../lambdas/adapters/stepfunctions/step-functions-workflow';
import { ENV } from '../../lambdas/config/env-names';
import { createEciApp, stackNames } from '../../lib/eci-app';
import {
  type EmulatedExecution,
  nodePostgresSession,
  pgliteSession,
  type SqlSession,
  startRdsDataEmulator,
  startSecretsManagerEmulator,
  startStepFunctionsEmulator,
  type TaskHandler,
} from '../emulators';
import {
  closeServer,
  ensureShortLivedTable,
  localAwsClientConfig,
  serverEndpoint,
  startDynalite,
} from '../engines';
import {
  DEFAULT_API_KEY,
  DEMO_CONNECTION_NAME,
  DEMO_SELLER,
  demoConnectionInput,
} from '../runtime/local-stack';
import { type ResumeReport, resumeUnfinishedWork } from '../runtime/resume-unfinished-work';
import type { SqsEventSource } from '../runtime/sqs-event-source';
import { createTrendyolSimulator } from '../simulator/simulator';
import { startTwinGateway } from './api-gateway';
import { startQueueEventSources, startSchedules } from './event-sources';
import { InvocationFailed, LambdaFunctionPool, type TwinFunctionSpec } from './function-pool';
import {
  type LocalValues,
  readSynthesizedStack,
  TemplateResolver,
  TWIN_ACCOUNT_ID,
  TWIN_REGION,
} from './template';

export interface TwinOptions {
  /** API port; 0 picks a free one. @default 3000 */
  port?: number;
  /** Simulator port; 0 picks a free one. @default 4010 */
  simulatorPort?: number;
  /** Data directory; the twin keeps its state under `<dataDir>/twin`. @default .eci */
  dataDir?: string;
  /** A PostgreSQL server to stand behind the Data API emulator instead of PGlite (DATABASE_URL). */
  databaseUrl?: string;
  /** Nothing on disk (tests). @default false */
  inMemory?: boolean;
  /** The value of the stage's API key (`x-api-key`). @default eci-local-dev-key */
  apiKey?: string;
  /** A cloud assembly already synthesized with bundling (tests share one); unset → synthesize now. */
  assemblyDir?: string;
  /** Wait state name → ms, to shorten the confirmation workflow's waits (tests). */
  waitOverridesMs?: Record<string, number>;
  /** Simulator processing delay for new batches. @default 1500 */
  simulatorProcessingDelayMs?: number;
  /**
   * New values for variables the template already gives a function (never new keys), as a deploy
   * with changed stage settings would: `npm run twin` passes TRENDYOL_WRITE_ENABLED and
   * TRENDYOL_FORCE_WRITE_ALLOWED from its own environment, like `npm start`. ECI_LOCAL_BASE_URLS
   * (empty in the template) always becomes the simulator's origin.
   */
  templateEnvOverrides?: Record<string, string>;
  /** Where progress goes. @default console.log */
  log?: (line: string) => void;
}

export interface Twin {
  apiUrl: string;
  apiKey: string;
  demoConnectionId: string;
  simulator: Awaited<ReturnType<typeof createTrendyolSimulator>>;
  dataDir: string | undefined;
  /** Directory of the per-function logs (undefined in memory). */
  logDir: string | undefined;
  /** The functions as run: name → pool (env, invocation count, recent output). */
  functions: Map<string, LambdaFunctionPool>;
  executions: ReadonlyMap<string, EmulatedExecution>;
  /** Work picked up again from the previous run (queued chunks, batches still to confirm). */
  resumed: ResumeReport;
  /** Runs SQL through the twin's RDS Data API emulator (the same path the functions use). */
  query(
    sql: string,
    parameters?: Record<string, string>,
  ): Promise<Array<Array<string | number | boolean | null>>>;
  /**
   * Fires a scheduled EventBridge rule now, exactly as its schedule would (same targets, same event),
   * by logical id or a prefix of it (`CatalogSyncSchedule`). Resolves with each target's result;
   * rejects with the target's {@link InvocationFailed}.
   */
  fireRule(rule: string): Promise<unknown[]>;
  /** Waits until no message is queued or in flight, no batch is being handled, no execution runs. */
  settle(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

const HOST_SOURCE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'function-host.ts');

/**
 * Synthesizes the stage with real bundling (esbuild, as `cdk deploy` would) into `outdir`, no
 * cdk-nag or schema validation (the infra tests do those): the templates and the asset directories
 * the functions' Code points at. About 5 s.
 */
export function synthesizeTwinAssembly(stage: string, outdir: string): string {
  const { app } = createEciApp({ stage, nag: false, cfnValidation: false, outdir });
  app.synth();
  return outdir;
}

/**
 * `npm run twin`: the deployed shape on this machine. Every Lambda function of the synthesized
 * stage runs from its built bundle in its own processes (./function-pool.ts) with exactly the
 * environment its template gives it (intrinsics resolved to local names and URLs) plus the runtime's
 * reserved variables and `AWS_ENDPOINT_URL_<SERVICE>` for SQS (local-aws-sqs), DynamoDB (dynalite),
 * Step Functions, Secrets Manager and the RDS Data API (ECI's emulators, ../emulators). The event
 * sources are the template's: the migration trigger runs first, then the SQS event source mapping,
 * the EventBridge schedules, and last the REST API (routes, API key check, proxy events).
 *
 * @throws when synthesis fails, the template holds something the twin cannot run, or the migration
 *   function fails (as a deploy would).
 */
export async function startTwin(options: TwinOptions = {}): Promise<Twin> {
  const log = options.log ?? ((line: string) => console.log(line));
  // Always the dev stage: it is the one stage whose base-URL rule admits the local simulator
  // (prod refuses any origin but Trendyol's, so a prod twin could never create its demo connection).
  const stage = 'dev';
  const dataDir = options.inMemory ? undefined : path.resolve(options.dataDir ?? '.eci');
  const twinDir = dataDir ? path.join(dataDir, 'twin') : undefined;
  const logDir = twinDir ? path.join(twinDir, 'logs') : undefined;
  if (logDir) mkdirSync(logDir, { recursive: true });
  const apiKey = options.apiKey ?? DEFAULT_API_KEY;
  const cleanups: Array<() => Promise<void> | void> = [];
  const stopAll = async () => {
    for (const cleanup of cleanups.splice(0).reverse())
      await Promise.resolve(cleanup()).catch(() => undefined);
  };

  try {
    // 1. The cloud assembly: templates and built bundles.
    let assemblyDir = options.assemblyDir;
    if (!assemblyDir) {
      const outdir = mkdtempSync(path.join(tmpdir(), 'eci-twin-'));
      cleanups.push(() => rmSync(outdir, { recursive: true, force: true }));
      log(`synthesizing stage ${stage} with bundling…`);
      assemblyDir = synthesizeTwinAssembly(stage, outdir);
    }
    const names = stackNames(stage);
    const stacks = [
      readSynthesizedStack(assemblyDir, names.stateful),
      readSynthesizedStack(assemblyDir, names.service),
    ];
    const hostScript = path.join(assemblyDir, 'twin-function-host.mjs');
    await build({
      entryPoints: [HOST_SOURCE],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile: hostScript,
      logLevel: 'error',
    });

    // 2. Local AWS endpoints.
    const bare = new TemplateResolver(stacks);
    const queues = bare.resourcesOfType('AWS::SQS::Queue').map(([id, queue]) => {
      const props = queue.Properties ?? {};
      const name = `${bare.physicalName(id)}${props.FifoQueue ? '.fifo' : ''}`;
      return { id, props, name, arn: `arn:aws:sqs:${TWIN_REGION}:${TWIN_ACCOUNT_ID}:${name}` };
    });
    const queueArnById = new Map(queues.map((q) => [q.id, q.arn]));
    const deadLetterArns = new Set(
      queues.flatMap((q) => {
        const target = (
          q.props.RedrivePolicy as { deadLetterTargetArn?: { 'Fn::GetAtt'?: [string] } } | undefined
        )?.deadLetterTargetArn?.['Fn::GetAtt']?.[0];
        return target ? [queueArnById.get(target) ?? ''] : [];
      }),
    );
    // Dead-letter queues first: a redrive policy may only name an existing queue.
    queues.sort((a, b) => Number(Boolean(a.props.RedrivePolicy)) - Number(Boolean(b.props.RedrivePolicy)));
    const sqsServer = await createSqsServer({
      port: 0,
      hostname: '127.0.0.1',
      region: TWIN_REGION,
      accountId: TWIN_ACCOUNT_ID,
      queues: queues.map(({ props, name }) => {
        const redrive = props.RedrivePolicy as
          | { deadLetterTargetArn: { 'Fn::GetAtt': [string] }; maxReceiveCount: number }
          | undefined;
        return {
          QueueName: name,
          Attributes: {
            ...(props.FifoQueue ? { FifoQueue: true, DeduplicationScope: 'queue' as const } : {}),
            ...(props.ContentBasedDeduplication !== undefined && {
              ContentBasedDeduplication: Boolean(props.ContentBasedDeduplication),
            }),
            ...(props.VisibilityTimeout !== undefined && {
              VisibilityTimeout: Number(props.VisibilityTimeout),
            }),
            ...(props.MessageRetentionPeriod !== undefined && {
              MessageRetentionPeriod: Number(props.MessageRetentionPeriod),
            }),
            ...(redrive && {
              RedrivePolicy: JSON.stringify({
                maxReceiveCount: redrive.maxReceiveCount,
                deadLetterTargetArn: queueArnById.get(redrive.deadLetterTargetArn['Fn::GetAtt'][0]),
              }),
            }),
          },
        };
      }) as never,
    });
    cleanups.push(() => closeServer(sqsServer));
    const sqsEndpoint = serverEndpoint(sqsServer);
    const localValues: LocalValues = new Map(
      queues.map((q) => [
        q.id,
        { ref: `${sqsEndpoint}/${TWIN_ACCOUNT_ID}/${q.name}`, attributes: { Arn: q.arn, QueueName: q.name } },
      ]),
    );
    const queueUrlByArn = new Map(queues.map((q) => [q.arn, `${sqsEndpoint}/${TWIN_ACCOUNT_ID}/${q.name}`]));
    const resolver = new TemplateResolver(stacks, localValues);

    const dynamo = await startDynalite(twinDir ? { path: path.join(twinDir, 'dynamodb') } : {});
    cleanups.push(() => dynamo.close());
    const dynamoClient = new DynamoDBClient(localAwsClientConfig(dynamo.endpoint));
    cleanups.push(() => dynamoClient.destroy());
    for (const [id, table] of resolver.resourcesOfType('AWS::DynamoDB::Table')) {
      const props = table.Properties ?? {};
      const key = (props.KeySchema as Array<{ AttributeName: string; KeyType: string }>).find(
        (k) => k.KeyType === 'HASH',
      );
      const ttl = props.TimeToLiveSpecification as { AttributeName?: string } | undefined;
      await ensureShortLivedTable(dynamoClient, resolver.physicalName(id), {
        ...(key && { partitionKey: key.AttributeName }),
        ...(ttl?.AttributeName && { ttlAttribute: ttl.AttributeName }),
      });
    }

    const secrets = await startSecretsManagerEmulator({
      region: TWIN_REGION,
      accountId: TWIN_ACCOUNT_ID,
      ...(twinDir && { filePath: path.join(twinDir, 'secrets-manager.json') }),
    });
    cleanups.push(() => secrets.close());

    // The Aurora cluster: a PostgreSQL server when DATABASE_URL is set (as for npm start), else PGlite.
    let session: SqlSession;
    if (options.databaseUrl) {
      const server = await nodePostgresSession(options.databaseUrl);
      cleanups.push(() => server.close());
      session = server;
    } else {
      const pg = new PGlite(twinDir ? path.join(twinDir, 'pgdata') : undefined);
      cleanups.push(() => pg.close());
      session = pgliteSession(pg);
    }
    const rdsData = await startRdsDataEmulator(session);
    cleanups.push(() => rdsData.close());

    const simulator = await createTrendyolSimulator({
      port: options.simulatorPort ?? 4010,
      sellers: [{ ...DEMO_SELLER, approvedBarcodes: 'any' }],
      processingDelayMs: options.simulatorProcessingDelayMs ?? 1500,
    });
    cleanups.push(() => simulator.close());

    // 3. The functions, each with exactly its template environment.
    const serviceTokens = new Set(
      resolver
        .resourcesOfType('Custom::Trigger')
        .concat(resolver.resourcesOfType('AWS::CloudFormation::CustomResource'))
        .map(([, r]) => JSON.stringify(r.Properties?.ServiceToken)),
    );
    let sfnEndpoint = '';
    const functions = new Map<string, LambdaFunctionPool>();
    const byArn = new Map<string, LambdaFunctionPool>();
    const functionSpecs: TwinFunctionSpec[] = [];
    for (const stack of stacks) {
      for (const [id, resource] of Object.entries(stack.template.Resources)) {
        if (resource.Type !== 'AWS::Lambda::Function') continue;
        // CloudFormation's custom-resource providers only exist for deploy time.
        if (serviceTokens.has(JSON.stringify({ 'Fn::GetAtt': [id, 'Arn'] }))) continue;
        const props = resource.Properties ?? {};
        const code = props.Code as { S3Key?: string };
        const assetDir = stack.assetDirs.get(String(code.S3Key ?? '').replace(/\.zip$/, ''));
        if (!assetDir) throw new Error(`twin: function ${id} has no built asset`);
        const variables =
          (props.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
        const name = resolver.physicalName(id);
        // On one machine the simulator is a loopback http origin: the one value the twin fills into a key
        // the template leaves empty on every AWS stage (ECI_LOCAL_BASE_URLS, see domain/base-url.ts).
        const overrides: Record<string, string> = {
          [ENV.ECI_LOCAL_BASE_URLS]: new URL(simulator.url).origin,
          ...options.templateEnvOverrides,
        };
        const templateEnv = Object.fromEntries(
          Object.entries(variables).map(([key, value]) => [key, overrides[key] ?? resolver.resolve(value)]),
        );
        functionSpecs.push({
          logicalId: id,
          name,
          arn: resolver.arn(id),
          assetDir,
          handler: String(props.Handler),
          timeoutSeconds: Number(props.Timeout ?? 3),
          memoryMb: Number(props.MemorySize ?? 128),
          env: templateEnv,
        });
      }
    }

    // 4. Step Functions, with each task's Lambda ARN mapped to the local function.
    const invoke = async (functionArn: string, event: unknown) => {
      const pool = byArn.get(functionArn.replace(/:(\d+|\$LATEST)$/, ''));
      if (!pool) throw new Error(`twin: no local function for ${functionArn}`);
      return pool.invoke(event);
    };
    const machines = resolver.resourcesOfType('AWS::StepFunctions::StateMachine').map(([id, machine]) => {
      const definition = JSON.parse(resolver.resolve(machine.Properties?.DefinitionString));
      const taskHandlers: Record<string, TaskHandler> = {};
      for (const [stateName, state] of Object.entries(
        definition.States as Record<string, Record<string, unknown>>,
      )) {
        if (state.Type !== 'Task') continue;
        const resource = String(state.Resource);
        if (!resource.startsWith('arn:aws:lambda:')) {
          throw new Error(
            `twin: state ${stateName} calls ${resource}; only direct Lambda tasks are emulated`,
          );
        }
        taskHandlers[stateName] = async (input) =>
          (await invoke(resource, input)) as Awaited<ReturnType<TaskHandler>>;
      }
      return { arn: resolver.arn(id), definition, taskHandlers };
    });
    const stepFunctions = await startStepFunctionsEmulator({
      stateMachines: machines,
      ...(options.waitOverridesMs && { waitOverridesMs: options.waitOverridesMs }),
      onExecutionEnded: (execution) => {
        if (execution.status === 'FAILED')
          log(`execution ${execution.name} FAILED: ${execution.error} ${execution.cause}`);
      },
    });
    cleanups.push(() => stepFunctions.close());
    cleanups.push(() => stepFunctions.abortAll());
    sfnEndpoint = stepFunctions.endpoint;

    for (const spec of functionSpecs) {
      spec.env = {
        ...spec.env,
        // What the Lambda runtime itself sets in every execution environment.
        AWS_REGION: TWIN_REGION,
        AWS_DEFAULT_REGION: TWIN_REGION,
        AWS_ACCESS_KEY_ID: 'twin',
        AWS_SECRET_ACCESS_KEY: 'twin',
        AWS_LAMBDA_FUNCTION_NAME: spec.name,
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memoryMb),
        LAMBDA_TASK_ROOT: spec.assetDir,
        _HANDLER: spec.handler,
        TZ: 'UTC',
        // The local endpoints (AWS SDK v3 reads AWS_ENDPOINT_URL_<SERVICE_ID>).
        AWS_ENDPOINT_URL_SQS: sqsEndpoint,
        AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
        AWS_ENDPOINT_URL_SFN: sfnEndpoint,
        AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
        AWS_ENDPOINT_URL_RDS_DATA: rdsData.endpoint,
        // Node 20 here, nodejs24.x on Lambda: the SDK's Node-version notice is noise in the twin.
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      };
      const pool = new LambdaFunctionPool(spec, {
        hostScript,
        ...(logDir && { logFile: path.join(logDir, `${spec.name}.log`) }),
      });
      functions.set(spec.name, pool);
      byArn.set(spec.arn, pool);
      cleanups.push(() => pool.stop());
    }

    // 4b. Every function's bundle loads (Lambda's init phase) before the twin says it runs them: a
    // bundle that throws on import fails the start here, not at its first schedule an hour later.
    await Promise.all(
      [...functions.values()].map((pool) =>
        pool.load().catch((error: unknown) => {
          throw new Error(
            `function ${pool.spec.logicalId} (${pool.spec.name}) failed to load its bundle: ${
              error instanceof InvocationFailed ? error.message : String(error)
            }\n${pool.recentOutput().join('\n')}`,
          );
        }),
      ),
    );

    // 5. Deploy-time triggers (the migration) before anything else may run.
    for (const [id, trigger] of resolver.resourcesOfType('Custom::Trigger')) {
      const handlerArn = resolver.resolve(trigger.Properties?.HandlerArn);
      try {
        await invoke(handlerArn, {});
      } catch (error) {
        const pool = byArn.get(handlerArn.replace(/:\d+$/, ''));
        throw new Error(`trigger ${id} failed: ${String(error)}\n${pool?.recentOutput().join('\n') ?? ''}`);
      }
      log(`trigger ${id} ran ${handlerArn.split(':').slice(-2, -1)[0]}`);
    }

    // 5b. What the previous run left unfinished: local-aws-sqs and the Step Functions emulator keep
    // nothing on disk (SQS and Step Functions would), so queued chunks are enqueued again and accepted
    // batches followed again, as `npm start` does, through the same SDK calls over the local endpoints.
    const resumed = await resumeThroughEndpoints({
      resolver,
      functionSpecs,
      queueUrlByArn,
      stateMachineArns: machines.map((m) => m.arn),
      endpoints: { sqs: sqsEndpoint, sfn: sfnEndpoint, rdsData: rdsData.endpoint },
    });

    // 6. Event sources: the SQS mapping(s), the schedules, the REST API.
    const sqsClient = new SQSClient(localAwsClientConfig(sqsEndpoint));
    cleanups.push(() => sqsClient.destroy());
    const reportError = (what: string) => (error: unknown) =>
      log(`${what}: ${error instanceof InvocationFailed ? error.message : String(error)}`);
    const eventSources: SqsEventSource[] = startQueueEventSources(resolver, {
      client: sqsClient,
      queueUrlByArn,
      invoke,
      onError: reportError('event source mapping'),
    });
    cleanups.push(async () => {
      await Promise.all(eventSources.map((s) => s.stop()));
    });
    const schedules = startSchedules(resolver, { invoke, onError: reportError('schedule') });
    cleanups.push(() => schedules.stop());

    // The function the gateway last invoked: when start-up's own API calls fail, its log says why.
    let lastApiFunctionArn = '';
    const gateway = await startTwinGateway(resolver, {
      port: options.port ?? 3000,
      apiKey,
      invoke: (functionArn, event) => {
        lastApiFunctionArn = functionArn;
        return invoke(functionArn, event);
      },
      onError: reportError('api'),
    });
    cleanups.push(() => gateway.close());

    // 7. The demo connection, created through the API as a client would.
    const call = async (method: string, route: string, body?: unknown) => {
      const response = await fetch(`${gateway.url}${route}`, {
        method,
        headers: { 'x-api-key': apiKey, 'content-type': 'application/json' },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      if (!response.ok) {
        const pool = byArn.get(lastApiFunctionArn.replace(/:(\d+|\$LATEST)$/, ''));
        const logFile = pool && logDir ? path.join(logDir, `${pool.spec.name}.log`) : undefined;
        throw new Error(
          [
            `${method} ${route} answered ${response.status}: ${text}`,
            ...(pool
              ? [`${pool.spec.logicalId} logged (last lines):`, ...pool.recentOutput().slice(-10)]
              : []),
            ...(logFile ? [`full log: ${logFile}`] : []),
          ].join('\n'),
        );
      }
      return JSON.parse(text);
    };
    const query = async (sql: string, parameters: Record<string, string> = {}) => {
      const out = await rdsData.api.executeStatement({
        resourceArn: 'twin',
        secretArn: 'twin',
        sql,
        parameters: Object.entries(parameters).map(([name, value]) => ({
          name,
          value: { stringValue: value },
        })),
      });
      return (out.records ?? []).map((record) =>
        record.map((field) =>
          field.isNull
            ? null
            : (field.stringValue ?? field.longValue ?? field.doubleValue ?? field.booleanValue ?? null),
        ),
      );
    };
    const listed = (await call('GET', '/v1/connections')) as Array<{ id: string; name: string }>;
    const existing = listed.find((c) => c.name === DEMO_CONNECTION_NAME);
    let demoConnectionId: string;
    if (existing) {
      demoConnectionId = existing.id;
      // A later start keeps the demo connection pointed at the simulator, which may listen elsewhere
      // now; the API has no field for that (baseUrl is fixed at creation), so it is set in the database.
      await query('UPDATE connections SET base_url = :url WHERE id = :id', {
        url: simulator.url,
        id: existing.id,
      });
    } else {
      const created = await call('POST', '/v1/connections', demoConnectionInput(simulator.url));
      demoConnectionId = created.id;
    }

    const messagesLeft = async () => {
      let total = 0;
      for (const [arn, url] of queueUrlByArn) {
        // A dead-letter queue keeps what failed for good: nothing there is still to be handled.
        if (deadLetterArns.has(arn)) continue;
        const out = await sqsClient.send(
          new GetQueueAttributesCommand({
            QueueUrl: url,
            AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
          }),
        );
        total +=
          Number(out.Attributes?.ApproximateNumberOfMessages ?? 0) +
          Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
      }
      return total;
    };

    return {
      apiUrl: gateway.url,
      apiKey,
      demoConnectionId,
      simulator,
      dataDir,
      logDir,
      functions,
      executions: stepFunctions.executions,
      query,
      resumed,
      fireRule: (rule) => schedules.fire(rule),
      settle: async (timeoutMs = 60_000) => {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          await stepFunctions.drain();
          const busy = eventSources.some((s) => !s.idle);
          if (
            !busy &&
            (await messagesLeft()) === 0 &&
            [...stepFunctions.executions.values()].every((e) => e.status !== 'RUNNING')
          )
            return;
          if (Date.now() > deadline) throw new Error('twin did not settle in time');
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/**
 * Re-enqueues the chunks and re-follows the batches a stopped twin left behind
 * (../runtime/resume-unfinished-work.ts), with ECI's own adapters over the local endpoints: the jobs
 * through the Data API, the chunks to the queue the SQS event source mapping reads, the executions on
 * the stage's state machine.
 */
async function resumeThroughEndpoints(input: {
  resolver: TemplateResolver;
  functionSpecs: TwinFunctionSpec[];
  queueUrlByArn: Map<string, string>;
  stateMachineArns: string[];
  endpoints: { sqs: string; sfn: string; rdsData: string };
}): Promise<ResumeReport> {
  const target = input.functionSpecs.find((f) => f.env.DB_CLUSTER_ARN)?.env;
  const consumed = input.resolver
    .resourcesOfType('AWS::Lambda::EventSourceMapping')
    .map(([, mapping]) =>
      input.queueUrlByArn.get(input.resolver.resolve(mapping.Properties?.EventSourceArn)),
    );
  const [queueUrl] = consumed;
  const [stateMachineArn] = input.stateMachineArns;
  if (!target?.DB_CLUSTER_ARN || !target.DB_SECRET_ARN || !target.DB_NAME || !queueUrl || !stateMachineArn) {
    return { requeued: 0, followed: 0 };
  }
  const rdsData = new RDSDataClient(localAwsClientConfig(input.endpoints.rdsData));
  const sqs = new SQSClient(localAwsClientConfig(input.endpoints.sqs));
  const sfn = new SFNClient(localAwsClientConfig(input.endpoints.sfn));
  const database = createDataApiDatabase({
    resourceArn: target.DB_CLUSTER_ARN,
    secretArn: target.DB_SECRET_ARN,
    database: target.DB_NAME,
    client: rdsData,
  });
  try {
    return await resumeUnfinishedWork({
      jobs: new PostgresJobRepository(database.db),
      queue: new SqsChunkQueue({ client: sqs, queueUrl }),
      workflow: new StepFunctionsConfirmationWorkflow({ client: sfn, stateMachineArn }),
    });
  } finally {
    await database.close();
    rdsData.destroy();
    sqs.destroy();
    sfn.destroy();
  }
}
