import * as path from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import * as triggers from 'aws-cdk-lib/triggers';
import type { Construct } from 'constructs';
import { TABLE_ROLES } from '../../lambdas/config/index.js';
import type { StageConfig } from '../config/stage-config.js';
import { EciFunction } from '../constructs/eci-function.js';

/** Where the generated SQL migrations live, relative to the repository root. */
export const MIGRATIONS_SOURCE_DIR = path.join('lambdas', 'adapters', 'postgres', 'migrations');

/** Database created inside the cluster; handlers receive it as `DB_NAME`. */
export const DATABASE_NAME = 'eci';

export interface StatefulStackProps extends StackProps {
  readonly stage: StageConfig;
}

/**
 * Everything that holds data and must outlive a redeploy of the code: network, Aurora, DynamoDB
 * tables, and the migration run that keeps the schema in step with the code. Kept apart from the
 * service stack so replacing or deleting the service never risks the data.
 */
export class StatefulStack extends Stack {
  readonly vpc: ec2.Vpc;
  readonly cluster: rds.DatabaseCluster;
  readonly databaseSecret: ISecret;
  readonly databaseName = DATABASE_NAME;
  /** 15-minute push dedup records and per-seller rate limiter windows (`pk`, TTL `expiresAt`). */
  readonly dedupTable: dynamodb.Table;
  /** Powertools idempotency records (`id`, TTL `expiration`). */
  readonly idempotencyTable: dynamodb.Table;
  readonly migrateFunction: EciFunction;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const { stage } = props;

    // Isolated subnets only: nothing here needs the internet, and the Lambdas reach the database
    // through the Data API (HTTPS to the RDS service), so there is no NAT gateway to pay for.
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      restrictDefaultSecurityGroup: false,
      subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
    });
    const flowLogGroup = new logs.LogGroup(this, 'VpcFlowLogs', {
      retention: stage.logRetention,
      removalPolicy: stage.removalPolicy,
    });
    this.vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogGroup),
      trafficType: ec2.FlowLogTrafficType.REJECT,
    });

    const clusterIdentifier = `eci-${stage.name}`;
    // Created up front so the exported PostgreSQL log follows the stage retention; RDS would
    // otherwise create it itself with infinite retention.
    const dbLogGroup = new logs.LogGroup(this, 'DatabaseLogs', {
      logGroupName: `/aws/rds/cluster/${clusterIdentifier}/postgresql`,
      retention: stage.logRetention,
      removalPolicy: stage.removalPolicy,
    });

    this.cluster = new rds.DatabaseCluster(this, 'Database', {
      clusterIdentifier,
      engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_6 }),
      writer: rds.ClusterInstance.serverlessV2('writer', { autoMinorVersionUpgrade: true }),
      serverlessV2MinCapacity: stage.dbMinCapacity,
      serverlessV2MaxCapacity: stage.dbMaxCapacity,
      ...(stage.dbMinCapacity === 0
        ? { serverlessV2AutoPauseDuration: Duration.seconds(stage.dbSecondsUntilAutoPause) }
        : {}),
      vpc: this.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      credentials: rds.Credentials.fromGeneratedSecret('eci_admin', {
        secretName: `eci/${stage.name}/database`,
      }),
      defaultDatabaseName: DATABASE_NAME,
      enableDataApi: true,
      storageEncrypted: true,
      deletionProtection: stage.deletionProtection,
      // SNAPSHOT would leave a paid snapshot behind every dev teardown; prod keeps the live cluster.
      removalPolicy:
        stage.removalPolicy === RemovalPolicy.RETAIN ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      backup: { retention: Duration.days(stage.dbBackupRetentionDays), preferredWindow: '02:00-03:00' },
      preferredMaintenanceWindow: 'Sun:03:30-Sun:04:30',
      cloudwatchLogsExports: ['postgresql'],
      copyTagsToSnapshot: true,
    });
    this.cluster.node.addDependency(dbLogGroup);
    const secret = this.cluster.secret;
    if (secret === undefined) throw new Error('database cluster has no generated secret');
    this.databaseSecret = secret;

    Validations.of(this.cluster).acknowledge(
      {
        id: 'AwsSolutions-RDS6',
        reason:
          'Access is only through the Data API with the Secrets Manager secret; IAM DB auth does not apply.',
      },
      {
        id: 'AwsSolutions-SMG4',
        reason:
          'Rotation needs a VPC Lambda and a Secrets Manager interface endpoint in the isolated subnets; ' +
          'the secret is only used by the Data API inside AWS. Rotation is a tracked follow-up.',
      },
    );
    if (!stage.deletionProtection) {
      Validations.of(this.cluster).acknowledge({
        id: 'AwsSolutions-RDS10',
        reason: `Stage ${stage.name} is disposable; deletion protection is on in prod.`,
      });
    }

    this.dedupTable = this.table('DedupTable', TABLE_ROLES.shortLived, stage);
    this.idempotencyTable = this.table('IdempotencyTable', TABLE_ROLES.idempotency, stage);

    this.migrateFunction = new EciFunction(this, 'Migrate', {
      stage,
      contract: 'Migrate',
      description: 'Applies the SQL migrations through the Data API on every deploy that changes them',
      timeout: Duration.minutes(5),
      memorySize: 256,
      commandHooks: {
        beforeBundling: () => [],
        beforeInstall: () => [],
        // The migrator reads SQL files (and Drizzle's journal) at run time; esbuild only follows imports.
        afterBundling: (inputDir: string, outputDir: string) => [
          `cp -R "${path.join(inputDir, MIGRATIONS_SOURCE_DIR)}" "${path.join(outputDir, 'migrations')}"`,
        ],
      },
    }).bindDatabase(this.cluster, this.databaseSecret, DATABASE_NAME);

    // A Trigger runs the function synchronously during the deploy, after the cluster is up, and again
    // whenever the bundle (code or migration files) changes; a failed migration fails the deploy.
    new triggers.Trigger(this, 'MigrateOnDeploy', {
      handler: this.migrateFunction.function,
      executeAfter: [this.cluster],
      executeOnHandlerChange: true,
      invocationType: triggers.InvocationType.REQUEST_RESPONSE,
      timeout: Duration.minutes(6),
    });

    new CfnOutput(this, 'DatabaseClusterArn', { value: this.cluster.clusterArn });
    new CfnOutput(this, 'DatabaseSecretArn', { value: this.databaseSecret.secretArn });
    new CfnOutput(this, 'DedupTableName', { value: this.dedupTable.tableName });
    new CfnOutput(this, 'IdempotencyTableName', { value: this.idempotencyTable.tableName });
  }

  private table(
    id: string,
    { partitionKey, ttlAttribute }: { partitionKey: string; ttlAttribute: string },
    stage: StageConfig,
  ): dynamodb.Table {
    const table = new dynamodb.Table(this, id, {
      partitionKey: { name: partitionKey, type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: ttlAttribute,
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: stage.pitr },
      deletionProtection: stage.deletionProtection,
      removalPolicy: stage.removalPolicy,
    });
    if (!stage.pitr) {
      Validations.of(table).acknowledge({
        id: 'AwsSolutions-DDB3',
        reason: `Stage ${stage.name} holds only short-lived (TTL) records; PITR is on in prod.`,
      });
    }
    return table;
  }
}
