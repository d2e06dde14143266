import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ArnFormat, Duration, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource, type SqsEventSourceProps } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { DatabaseCluster } from 'aws-cdk-lib/aws-rds';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { StageConfig } from '../config/stage-config.js';

/** Repository root, resolved from this file so synth works from any working directory. */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Handler entry points live here; each exports `handler`. */
export const HANDLERS_DIR = path.join(PROJECT_ROOT, 'lambdas', 'handlers');

// The bundle is ESM, but some dependencies still call `require` (CJS inside ESM); this shim gives
// them one. `__dirname`-style globals are not shimmed on purpose: no handler may depend on its path.
const ESM_REQUIRE_BANNER =
  "import { createRequire as __eciCreateRequire } from 'node:module';" +
  'const require = __eciCreateRequire(import.meta.url);';

/** Access a function needs on a DynamoDB table. */
export type TableAccess = 'read' | 'readWrite';

/** Access a function needs on connection credentials in Secrets Manager. */
export type SecretAccess = 'read' | 'manage';

export interface EciFunctionProps {
  /** Stage whose settings (log level, retention, name) the function follows. */
  readonly stage: StageConfig;
  /** File name of the handler under `lambdas/handlers/`, e.g. `api.ts`. */
  readonly entry: string;
  /** What the function is for; shown in the console and in alarms. */
  readonly description: string;
  /**
   * Maximum run time of one invocation.
   * @default Duration.seconds(30)
   */
  readonly timeout?: Duration;
  /**
   * Memory in MB; arm64 CPU share grows with it.
   * @default 512
   */
  readonly memorySize?: number;
  /**
   * Lambda runtime; must be Node.js 22 or newer.
   * @default lambda.Runtime.NODEJS_24_X
   */
  readonly runtime?: lambda.Runtime;
  /**
   * Reserved concurrency.
   * @default - unreserved, shares the account pool
   */
  readonly reservedConcurrentExecutions?: number;
  /**
   * Extra esbuild hooks (e.g. copying migration SQL files next to the bundle).
   * @default - none
   */
  readonly commandHooks?: nodejs.ICommandHooks;
}

/**
 * ECI's only way to declare a Lambda function: Node.js 22+ on arm64, bundled locally by esbuild as
 * minified ESM with source maps, an explicit log group with the stage's retention, X-Ray tracing and
 * the Powertools settings. Permissions come only through the `bind*` helpers, each of which sets the
 * environment variable the handler reads AND grants the least privilege that variable implies, so
 * a handler can never see a resource it may not use (or be allowed something it is not told about).
 */
export class EciFunction extends Construct {
  readonly function: nodejs.NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  private readonly boundEnv = new Set<string>();

  constructor(scope: Construct, id: string, props: EciFunctionProps) {
    super(scope, id);
    const runtime = props.runtime ?? lambda.Runtime.NODEJS_24_X;
    if (runtime.family !== lambda.RuntimeFamily.NODEJS || nodeMajor(runtime) < 22) {
      throw new Error(`${id}: runtime ${runtime.name} is not Node.js 22 or newer`);
    }

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.stage.logRetention,
      removalPolicy: props.stage.removalPolicy,
    });

    // An explicit role instead of the default one: the default attaches the AWS managed
    // AWSLambdaBasicExecutionRole, which may write to any log group in the account.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `ECI ${props.stage.name} ${id}`,
    });
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );

    this.function = new nodejs.NodejsFunction(this, 'Function', {
      entry: resolveEntry(this, props.entry),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      runtime,
      architecture: lambda.Architecture.ARM_64,
      description: props.description,
      timeout: props.timeout ?? Duration.seconds(30),
      memorySize: props.memorySize ?? 512,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      tracing: lambda.Tracing.ACTIVE,
      bundling: {
        format: nodejs.OutputFormat.ESM,
        target: `node${nodeMajor(runtime)}`,
        mainFields: ['module', 'main'],
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        // The SDK is bundled too: the versions pinned in package-lock are the ones tested, not
        // whatever the Lambda runtime happens to ship this month.
        externalModules: [],
        banner: ESM_REQUIRE_BANNER,
        forceDockerBundling: false,
        commandHooks: props.commandHooks,
      },
      environment: {
        ECI_STAGE: props.stage.name,
        POWERTOOLS_SERVICE_NAME: 'eci',
        POWERTOOLS_METRICS_NAMESPACE: 'ECI',
        POWERTOOLS_LOG_LEVEL: props.stage.logLevel,
        NODE_OPTIONS: '--enable-source-maps',
      },
    });

    // Active tracing makes CDK add xray:PutTraceSegments/PutTelemetryRecords; X-Ray has no
    // resource-level permissions for them, so `Resource: *` is the only possible value.
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions.',
    });
  }

  /** The function's ARN (for alarms, permissions). */
  get functionArn(): string {
    return this.function.functionArn;
  }

  /** Sets a plain configuration variable (no permission implied). */
  setEnv(name: string, value: string): this {
    this.addEnv(name, value);
    return this;
  }

  /** `PUSH_QUEUE_URL` + permission to send to it (and to use its key, if any). */
  bindQueueSend(queue: IQueue, envName = 'PUSH_QUEUE_URL'): this {
    this.addEnv(envName, queue.queueUrl);
    queue.grantSendMessages(this.function);
    return this;
  }

  /**
   * `PUSH_QUEUE_URL` + an event source mapping on that queue (which grants receive/delete/visibility).
   */
  bindQueueConsume(queue: IQueue, options: SqsEventSourceProps, envName = 'PUSH_QUEUE_URL'): this {
    this.addEnv(envName, queue.queueUrl);
    this.function.addEventSource(new SqsEventSource(queue, options));
    return this;
  }

  /** `DB_CLUSTER_ARN`, `DB_SECRET_ARN`, `DB_NAME` + Data API access and read of the credentials. */
  bindDatabase(cluster: DatabaseCluster, secret: ISecret, databaseName: string): this {
    this.addEnv('DB_CLUSTER_ARN', cluster.clusterArn);
    this.addEnv('DB_SECRET_ARN', secret.secretArn);
    this.addEnv('DB_NAME', databaseName);
    cluster.grantDataApiAccess(this.function);
    secret.grantRead(this.function);
    return this;
  }

  /** `<envName>` = table name + item-level read or read/write (no table management, no scans of other tables). */
  bindTable(envName: string, table: ITable, access: TableAccess): this {
    this.addEnv(envName, table.tableName);
    if (access === 'read') table.grantReadData(this.function);
    else table.grantReadWriteData(this.function);
    return this;
  }

  /**
   * `CONNECTION_SECRET_PREFIX` + access to secrets under that prefix only. `read` can fetch values;
   * `manage` can also create, update and delete them (the API owns connection lifecycles).
   */
  bindConnectionSecrets(prefix: string, access: SecretAccess): this {
    if (!prefix.endsWith('/')) throw new Error(`secret prefix must end with "/": ${prefix}`);
    this.addEnv('CONNECTION_SECRET_PREFIX', prefix);
    const read = ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'];
    const manage = [
      'secretsmanager:CreateSecret',
      'secretsmanager:PutSecretValue',
      'secretsmanager:UpdateSecret',
      'secretsmanager:DeleteSecret',
      'secretsmanager:TagResource',
    ];
    // Secrets Manager appends a random 6-character suffix to every secret ARN, so a prefix
    // wildcard is the narrowest resource that still matches secrets created at run time.
    const resource = Stack.of(this).formatArn({
      service: 'secretsmanager',
      resource: 'secret',
      resourceName: `${prefix}*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: access === 'manage' ? [...read, ...manage] : read,
        resources: [resource],
      }),
    );
    Validations.of(this).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:${prefix}*]`,
      reason:
        'Connection secrets are created at run time with a random ARN suffix; access is limited to the stage prefix.',
    });
    return this;
  }

  /** `CONFIRMATION_STATE_MACHINE_ARN` + permission to start executions of that machine only. */
  bindStateMachineStart(stateMachine: IStateMachine): this {
    this.addEnv('CONFIRMATION_STATE_MACHINE_ARN', stateMachine.stateMachineArn);
    stateMachine.grantStartExecution(this.function);
    return this;
  }

  private addEnv(name: string, value: string): void {
    if (this.boundEnv.has(name)) throw new Error(`${this.node.id}: ${name} bound twice`);
    this.boundEnv.add(name);
    this.function.addEnvironment(name, value);
  }
}

/**
 * NodejsFunction insists that the entry file exists even when bundling is skipped. Template-only
 * synths (infra tests, the local runtime reading the state machine) must not depend on every handler
 * having been written yet, so only then a missing entry is replaced by this (existing) file; the
 * asset is a placeholder anyway. A real synth still fails loudly on a missing handler.
 */
function resolveEntry(scope: Construct, entry: string): string {
  const file = path.join(HANDLERS_DIR, entry);
  if (existsSync(file) || Stack.of(scope).bundlingRequired) return file;
  return fileURLToPath(import.meta.url);
}

function nodeMajor(runtime: lambda.Runtime): number {
  const match = /^nodejs(\d+)/.exec(runtime.name);
  return match?.[1] ? Number(match[1]) : 0;
}
