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
import {
  CONTRACTS,
  ENV,
  type FunctionName,
  TABLE_ROLES,
  type TableRole,
} from '../../lambdas/config/index.js';
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

/**
 * The esbuild settings every ECI function is bundled with (exported so the bundle test builds exactly
 * what `cdk synth` builds): minified ESM for the runtime's Node version, source maps without sources,
 * every dependency bundled.
 */
export function lambdaBundling(runtime: lambda.Runtime = lambda.Runtime.NODEJS_24_X) {
  return {
    format: nodejs.OutputFormat.ESM,
    target: `node${nodeMajor(runtime)}`,
    mainFields: ['module', 'main'],
    minify: true,
    sourceMap: true,
    sourcesContent: false,
    // The SDK is bundled too: the versions pinned in package-lock are the ones tested, not
    // whatever the Lambda runtime happens to ship this month.
    externalModules: [] as string[],
    banner: ESM_REQUIRE_BANNER,
  } satisfies nodejs.BundlingOptions;
}

/** Access a function needs on a DynamoDB table. */
export type TableAccess = 'read' | 'readWrite' | readonly TableItemGrant[];

/**
 * Item actions on only the items whose partition key begins with one of `keyPrefixes` (IAM condition
 * `dynamodb:LeadingKeys`, "Using IAM policy conditions for fine-grained access control", DynamoDB
 * developer guide): for a function that uses a few item calls on one kind of item of a shared table.
 */
export interface TableItemGrant {
  /** DynamoDB item actions without the service prefix, e.g. `GetItem`. */
  readonly actions: readonly ('GetItem' | 'PutItem' | 'UpdateItem' | 'DeleteItem')[];
  readonly keyPrefixes: readonly string[];
}

/** Access a function needs on connection credentials in Secrets Manager. */
export type SecretAccess = 'read' | 'manage';

export interface EciFunctionProps {
  /** Stage whose settings (log level, retention, name) the function follows. */
  readonly stage: StageConfig;
  /**
   * The function's configuration contract (`lambdas/config/contracts.ts`): it names the handler entry
   * under `lambdas/handlers/` and the exact environment the function gets; synth fails if the `bind*`
   * calls set a different set of variables.
   */
  readonly contract: FunctionName;
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
  readonly contract: FunctionName;
  private readonly boundEnv = new Set<string>();

  constructor(scope: Construct, id: string, props: EciFunctionProps) {
    super(scope, id);
    const runtime = props.runtime ?? lambda.Runtime.NODEJS_24_X;
    this.contract = props.contract;
    const contract = CONTRACTS[props.contract];
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
      entry: resolveEntry(this, contract.entry),
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
        ...lambdaBundling(runtime),
        forceDockerBundling: false,
        commandHooks: props.commandHooks,
      },
    });
    this.addEnv(ENV.ECI_FUNCTION, props.contract);
    this.addEnv(ENV.ECI_STAGE, props.stage.name);
    this.addEnv(ENV.POWERTOOLS_SERVICE_NAME, 'eci');
    this.addEnv(ENV.POWERTOOLS_METRICS_NAMESPACE, 'ECI');
    this.addEnv(ENV.POWERTOOLS_LOG_LEVEL, props.stage.logLevel);
    this.addEnv(ENV.NODE_OPTIONS, '--enable-source-maps');

    // The environment must be exactly the contract's: a missing variable fails the function on AWS,
    // an extra one is a resource it may reach without its code declaring it.
    this.node.addValidation({
      validate: () => {
        const declared = new Set(contract.variables);
        return [
          ...contract.variables
            .filter((name) => !this.boundEnv.has(name))
            .map((name) => `${props.contract}: ${name} is in its contract but no bind*/setEnv call sets it`),
          ...[...this.boundEnv]
            .filter((name) => !declared.has(name))
            .map((name) => `${props.contract}: ${name} is set but its contract does not declare it`),
        ];
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
  setEnv(name: (typeof ENV)[keyof typeof ENV], value: string): this {
    this.addEnv(name, value);
    return this;
  }

  /** `PUSH_QUEUE_URL` + permission to send to it (and to use its key, if any). */
  bindQueueSend(queue: IQueue): this {
    this.addEnv(ENV.PUSH_QUEUE_URL, queue.queueUrl);
    queue.grantSendMessages(this.function);
    return this;
  }

  /**
   * An event source mapping on the queue (which grants receive/delete/visibility). No variable: Lambda
   * delivers the messages, the consumer never addresses the queue itself.
   */
  bindQueueConsume(queue: IQueue, options: SqsEventSourceProps): this {
    this.function.addEventSource(new SqsEventSource(queue, options));
    return this;
  }

  /** `DB_CLUSTER_ARN`, `DB_SECRET_ARN`, `DB_NAME` + Data API access and read of the credentials. */
  bindDatabase(cluster: DatabaseCluster, secret: ISecret, databaseName: string): this {
    this.addEnv(ENV.DB_CLUSTER_ARN, cluster.clusterArn);
    this.addEnv(ENV.DB_SECRET_ARN, secret.secretArn);
    this.addEnv(ENV.DB_NAME, databaseName);
    cluster.grantDataApiAccess(this.function);
    secret.grantRead(this.function);
    return this;
  }

  /**
   * The table's name in the variable of its role (`TABLE_ROLES`: shortLived → DEDUP_TABLE_NAME,
   * idempotency → IDEMPOTENCY_TABLE_NAME) + item-level read or read/write (no table management), or
   * only the listed item actions on items under the listed key prefixes.
   */
  bindTable(role: TableRole, table: ITable, access: TableAccess): this {
    this.addEnv(TABLE_ROLES[role].envName, table.tableName);
    if (access === 'read') table.grantReadData(this.function);
    else if (access === 'readWrite') table.grantReadWriteData(this.function);
    else {
      for (const grant of access) {
        this.role.addToPrincipalPolicy(
          new iam.PolicyStatement({
            actions: grant.actions.map((a) => `dynamodb:${a}`),
            resources: [table.tableArn],
            conditions: {
              'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': grant.keyPrefixes.map((p) => `${p}*`) },
            },
          }),
        );
      }
    }
    return this;
  }

  /**
   * `CONNECTION_SECRET_PREFIX` + access to secrets under that prefix only. `read` can fetch values;
   * `manage` can also create, update and delete them (the API owns connection lifecycles).
   */
  bindConnectionSecrets(prefix: string, access: SecretAccess): this {
    if (!prefix.endsWith('/')) throw new Error(`secret prefix must end with "/": ${prefix}`);
    this.addEnv(ENV.CONNECTION_SECRET_PREFIX, prefix);
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
    this.addEnv(ENV.CONFIRMATION_STATE_MACHINE_ARN, stateMachine.stateMachineArn);
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
