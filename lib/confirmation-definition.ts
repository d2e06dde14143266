import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CfnElement } from 'aws-cdk-lib';
import { createEciApp } from './eci-app.js';

/** Stand-in for the poll-batch function ARN in a locally executed definition. */
export const POLL_BATCH_PLACEHOLDER_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:eci-poll-batch';

/** Values pseudo parameters resolve to in a locally executed definition. */
const PSEUDO_PARAMETERS: Readonly<Record<string, string>> = {
  'AWS::Partition': 'aws',
  'AWS::Region': 'us-east-1',
  'AWS::AccountId': '000000000000',
  'AWS::URLSuffix': 'amazonaws.com',
};

/** A parsed Amazon States Language document (JSONPath). */
export interface AslDefinition {
  readonly StartAt: string;
  readonly States: Record<string, Record<string, unknown>>;
  readonly TimeoutSeconds?: number;
  readonly Comment?: string;
  readonly [key: string]: unknown;
}

interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
}

export interface SynthesizeDefinitionOptions {
  /**
   * ARN to put where the definition references a Lambda function, keyed by the function's construct
   * id in the service stack (e.g. `PollBatch`).
   * @default { PollBatch: POLL_BATCH_PLACEHOLDER_ARN }
   */
  readonly functionArns?: Readonly<Record<string, string>>;
}

/**
 * Synthesizes the stage in memory (no bundling, no cdk-nag, no schema validation: ~2 s) and returns
 * the confirmation state machine exactly as CloudFormation would deploy it, with the intrinsic
 * functions in `DefinitionString` resolved to local placeholders. This is the only source of the
 * definition the local runtime executes, so it can never drift from the deployed one.
 *
 * @throws when the stage is unknown or the definition references something it cannot resolve.
 */
export function synthesizeConfirmationDefinition(
  stage: string,
  options: SynthesizeDefinitionOptions = {},
): AslDefinition {
  const functionArns = options.functionArns ?? { PollBatch: POLL_BATCH_PLACEHOLDER_ARN };
  const outdir = mkdtempSync(path.join(tmpdir(), 'eci-definition-'));
  try {
    const { app, service } = createEciApp({
      stage,
      skipBundling: true,
      nag: false,
      cfnValidation: false,
      outdir,
    });
    const assembly = app.synth();
    const template = assembly.getStackByName(service.stackName).template as {
      Resources: Record<string, CfnResource>;
    };
    // Logical id of each function → the ARN the caller keyed by the function's construct id.
    const arnsByLogicalId = new Map<string, string>();
    for (const fn of Object.values(service.functions)) {
      const arn = functionArns[fn.node.id];
      const cfn = fn.function.node.defaultChild;
      if (arn !== undefined && cfn instanceof CfnElement)
        arnsByLogicalId.set(service.resolve(cfn.logicalId), arn);
    }
    return extractStateMachineDefinition(template.Resources, (logicalId) => arnsByLogicalId.get(logicalId));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * Finds the single state machine among CloudFormation resources and resolves its definition.
 * `resolveArn` maps a referenced logical id (`Fn::GetAtt [id, Arn]` or `Ref id`) to a string.
 */
export function extractStateMachineDefinition(
  resources: Readonly<Record<string, CfnResource>>,
  resolveArn: (logicalId: string) => string | undefined,
): AslDefinition {
  const machines = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::StepFunctions::StateMachine');
  const machine = machines[0];
  if (machines.length !== 1 || machine === undefined) {
    throw new Error(`expected exactly one state machine, found ${machines.length}`);
  }
  const [logicalId, resource] = machine;
  const raw = resource.Properties?.DefinitionString;
  if (raw === undefined) throw new Error(`${logicalId} has no DefinitionString`);
  return JSON.parse(resolveIntrinsic(raw, resolveArn)) as AslDefinition;
}

function resolveIntrinsic(value: unknown, resolveArn: (logicalId: string) => string | undefined): string {
  if (typeof value === 'string') return value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`cannot resolve ${JSON.stringify(value)}`);
  }
  const entries = Object.entries(value);
  const [fn, args] = entries[0] ?? [];
  if (entries.length !== 1 || fn === undefined) throw new Error(`cannot resolve ${JSON.stringify(value)}`);
  if (fn === 'Fn::Join' && Array.isArray(args) && typeof args[0] === 'string' && Array.isArray(args[1])) {
    const separator = args[0];
    return args[1].map((part: unknown) => resolveIntrinsic(part, resolveArn)).join(separator);
  }
  if (fn === 'Ref' && typeof args === 'string') {
    const resolved = PSEUDO_PARAMETERS[args] ?? resolveArn(args);
    if (resolved === undefined) throw new Error(`cannot resolve Ref ${args}`);
    return resolved;
  }
  if (fn === 'Fn::GetAtt' && Array.isArray(args) && typeof args[0] === 'string' && args[1] === 'Arn') {
    const resolved = resolveArn(args[0]);
    if (resolved === undefined) throw new Error(`cannot resolve Fn::GetAtt ${args[0]}.Arn`);
    return resolved;
  }
  throw new Error(`unsupported intrinsic ${fn} in state machine definition`);
}
