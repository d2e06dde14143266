import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { getStageConfig, type StageConfig } from './config/stage-config.js';
import { ServiceStack } from './stacks/service-stack.js';
import { StatefulStack } from './stacks/stateful-stack.js';

/**
 * Feature flags pinned in code (not only in cdk.json) so that `cdk synth`, the infra tests and the
 * local runtime's in-memory synth all produce the same templates.
 */
export const FEATURE_FLAGS: Readonly<Record<string, unknown>> = {
  '@aws-cdk/aws-iam:minimizePolicies': true,
  '@aws-cdk/core:checkSecretUsage': true,
  '@aws-cdk/aws-lambda:recognizeLayerVersion': true,
  '@aws-cdk/aws-rds:lowercaseDbIdentifier': true,
  '@aws-cdk/core:target-partitions': ['aws'],
  // Explicit: keeps today's producer-protecting exports (a stateful export in use cannot be removed).
  '@aws-cdk/core:defaultCrossStackReferences': 'strong',
};

/** Context key telling CDK which stacks to bundle assets for; `[]` skips esbuild entirely. */
export const BUNDLING_STACKS_CONTEXT = 'aws:cdk:bundling-stacks';

export interface EciStage {
  readonly config: StageConfig;
  readonly stateful: StatefulStack;
  readonly service: ServiceStack;
}

/** Stack names per stage; the CLI selects stacks by these. */
export function stackNames(stage: string): { stateful: string; service: string } {
  return { stateful: `Eci-${stage}-Stateful`, service: `Eci-${stage}-Service` };
}

/** Adds one stage (stateful + service stacks) to an app. */
export function addEciStage(app: App, config: StageConfig): EciStage {
  const env =
    config.account !== undefined || config.region !== undefined
      ? { account: config.account, region: config.region }
      : undefined;
  const names = stackNames(config.name);
  const stateful = new StatefulStack(app, names.stateful, {
    stage: config,
    env,
    description: `ECI ${config.name}: database, tables, network, migrations`,
    terminationProtection: config.deletionProtection,
  });
  const service = new ServiceStack(app, names.service, {
    stage: config,
    env,
    description: `ECI ${config.name}: API, functions, queue, confirmation workflow, alarms`,
    cluster: stateful.cluster,
    databaseSecret: stateful.databaseSecret,
    databaseName: stateful.databaseName,
    dedupTable: stateful.dedupTable,
    idempotencyTable: stateful.idempotencyTable,
  });
  service.addStackDependency(stateful);
  Tags.of(stateful).add('project', 'eci');
  Tags.of(stateful).add('stage', config.name);
  Tags.of(service).add('project', 'eci');
  Tags.of(service).add('stage', config.name);
  return { config, stateful, service };
}

export interface CreateEciAppOptions {
  /** Stage name (`dev`, `prod`, …); validated against the stage configs. */
  readonly stage: string;
  /**
   * Skip esbuild bundling (tests, definition synthesis); assets become placeholders.
   * @default false
   */
  readonly skipBundling?: boolean;
  /**
   * Run the cdk-nag AwsSolutions pack at synth.
   * @default true
   */
  readonly nag?: boolean;
  /**
   * Run aws-cdk-lib's built-in CloudFormation schema validation at synth. It is thorough but costs
   * ~10 s per stage, so callers that only read one resource (the local runtime) turn it off.
   * @default true
   */
  readonly cfnValidation?: boolean;
  /**
   * Cloud assembly directory.
   * @default - a fresh temporary directory
   */
  readonly outdir?: string;
}

/** Builds a whole ECI app in memory, the same way `lib/app.ts` does for the CLI. */
export function createEciApp(options: CreateEciAppOptions): { app: App } & EciStage {
  const config = getStageConfig(options.stage);
  const context: Record<string, unknown> = { ...FEATURE_FLAGS, stage: options.stage };
  if (options.skipBundling === true) context[BUNDLING_STACKS_CONTEXT] = [];
  const app = new App({
    context,
    builtinCloudFormationValidation: options.cfnValidation !== false,
    ...(options.outdir ? { outdir: options.outdir } : {}),
  });
  const stage = addEciStage(app, config);
  if (options.nag !== false) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, ...stage };
}
