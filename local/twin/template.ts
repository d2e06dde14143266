import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The account and region every local ARN is built with (cosmetic: nothing checks them). */
export const TWIN_ACCOUNT_ID = '123456789012';
export const TWIN_REGION = 'us-east-1';

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
}

export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, { Value: unknown; Export?: { Name: unknown } }>;
}

/** One synthesized stack: its template and where each asset hash was built. */
export interface SynthesizedStack {
  name: string;
  template: CfnTemplate;
  /** Asset hash (the S3 object key without `.zip`) → absolute directory of the built asset. */
  assetDirs: Map<string, string>;
}

/** Reads a stack's template and asset manifest from a cloud assembly directory (`cdk.out`). */
export function readSynthesizedStack(assemblyDir: string, stackName: string): SynthesizedStack {
  const template = JSON.parse(readFileSync(path.join(assemblyDir, `${stackName}.template.json`), 'utf8'));
  const assets = JSON.parse(readFileSync(path.join(assemblyDir, `${stackName}.assets.json`), 'utf8')) as {
    files: Record<string, { source: { path: string } }>;
  };
  const assetDirs = new Map(
    Object.entries(assets.files).map(([hash, file]) => [hash, path.resolve(assemblyDir, file.source.path)]),
  );
  return { name: stackName, template, assetDirs };
}

/** What a resource's `Ref` / `Fn::GetAtt` stands for locally; the twin fills it for queues. */
export type LocalValues = Map<string, { ref?: string; attributes?: Record<string, string> }>;

const SERVICE_OF_TYPE: Record<string, string> = {
  'AWS::DynamoDB::Table': 'dynamodb',
  'AWS::SQS::Queue': 'sqs',
  'AWS::Lambda::Function': 'lambda',
  'AWS::StepFunctions::StateMachine': 'states',
  'AWS::SecretsManager::Secret': 'secretsmanager',
  'AWS::SecretsManager::SecretTargetAttachment': 'secretsmanager',
};

/**
 * Resolves CloudFormation intrinsics (Ref, Fn::GetAtt, Fn::Join, Fn::Sub, Fn::Select, Fn::Split,
 * Fn::ImportValue and the pseudo parameters) to local names and URLs, across the stacks of one stage:
 * an `Fn::ImportValue` is followed to the exporting stack's output. Local physical names follow the
 * logical id (a table `DedupTable8CDC25BD` is named `Eci-dev-Stateful-DedupTable8CDC25BD`), ARNs use
 * {@link TWIN_ACCOUNT_ID} and {@link TWIN_REGION}; `localValues` overrides what only the running twin
 * knows (queue URLs). Anything it cannot resolve throws, naming the expression, so a template the
 * twin does not understand fails at start rather than handing a function `[object Object]`.
 */
export class TemplateResolver {
  private readonly exports = new Map<string, { stack: SynthesizedStack; value: unknown }>();

  constructor(
    private readonly stacks: SynthesizedStack[],
    private readonly localValues: LocalValues = new Map(),
  ) {
    for (const stack of stacks) {
      for (const output of Object.values(stack.template.Outputs ?? {})) {
        if (output.Export) this.exports.set(String(output.Export.Name), { stack, value: output.Value });
      }
    }
  }

  /** The stack that declares `logicalId` (logical ids are unique across ECI's two stacks). */
  stackOf(logicalId: string): SynthesizedStack {
    const stack = this.stacks.find((s) => s.template.Resources[logicalId]);
    if (!stack)
      throw new Error(`twin: no resource ${logicalId} in ${this.stacks.map((s) => s.name).join(', ')}`);
    return stack;
  }

  resource(logicalId: string): CfnResource {
    return this.stackOf(logicalId).template.Resources[logicalId] as CfnResource;
  }

  /** Every resource of a CloudFormation type, across the stacks, as [logicalId, resource]. */
  resourcesOfType(type: string): Array<[string, CfnResource]> {
    return this.stacks.flatMap((s) =>
      Object.entries(s.template.Resources).filter(([, r]) => r.Type === type),
    );
  }

  /** The local physical name of a resource (what `Ref` gives for tables, functions, clusters). */
  physicalName(logicalId: string): string {
    const resource = this.resource(logicalId);
    if (
      resource.Type === 'AWS::RDS::DBCluster' &&
      typeof resource.Properties?.DBClusterIdentifier === 'string'
    ) {
      return resource.Properties.DBClusterIdentifier;
    }
    return `${this.stackOf(logicalId).name}-${logicalId}`;
  }

  arn(logicalId: string): string {
    const resource = this.resource(logicalId);
    const name = this.physicalName(logicalId);
    const prefix = (service: string) => `arn:aws:${service}:${TWIN_REGION}:${TWIN_ACCOUNT_ID}`;
    switch (resource.Type) {
      case 'AWS::DynamoDB::Table':
        return `${prefix('dynamodb')}:table/${name}`;
      case 'AWS::SQS::Queue':
        return this.localValues.get(logicalId)?.attributes?.Arn ?? `${prefix('sqs')}:${name}`;
      case 'AWS::Lambda::Function':
        return `${prefix('lambda')}:function:${name}`;
      case 'AWS::StepFunctions::StateMachine':
        return `${prefix('states')}:stateMachine:${name}`;
      case 'AWS::SecretsManager::Secret':
      case 'AWS::SecretsManager::SecretTargetAttachment':
        return `${prefix('secretsmanager')}:secret:${name}-local0`;
      default:
        return `${prefix(SERVICE_OF_TYPE[resource.Type] ?? 'local')}:${name}`;
    }
  }

  private ref(logicalId: string): string {
    const pseudo: Record<string, string> = {
      'AWS::Region': TWIN_REGION,
      'AWS::AccountId': TWIN_ACCOUNT_ID,
      'AWS::Partition': 'aws',
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::NoValue': '',
    };
    if (pseudo[logicalId] !== undefined) return pseudo[logicalId];
    const local = this.localValues.get(logicalId)?.ref;
    if (local !== undefined) return local;
    const resource = this.resource(logicalId);
    switch (resource.Type) {
      case 'AWS::SQS::Queue':
        throw new Error(`twin: queue ${logicalId} has no local URL`);
      case 'AWS::StepFunctions::StateMachine':
      case 'AWS::SecretsManager::Secret':
      case 'AWS::SecretsManager::SecretTargetAttachment':
        return this.arn(logicalId);
      case 'AWS::Lambda::Version': {
        const fn = resource.Properties?.FunctionName as { Ref?: string } | undefined;
        if (!fn?.Ref) throw new Error(`twin: version ${logicalId} names no function`);
        return `${this.arn(fn.Ref)}:1`;
      }
      default:
        return this.physicalName(logicalId);
    }
  }

  private getAtt(logicalId: string, attribute: string): string {
    const local = this.localValues.get(logicalId)?.attributes?.[attribute];
    if (local !== undefined) return local;
    if (attribute === 'Arn' || attribute.endsWith('Arn')) return this.arn(logicalId);
    if (attribute === 'Name' || attribute === 'QueueName') return this.physicalName(logicalId);
    if (attribute === 'RootResourceId') return `${logicalId}.RootResourceId`;
    throw new Error(`twin: cannot resolve Fn::GetAtt ${logicalId}.${attribute}`);
  }

  /** Resolves `value` to a string (what CloudFormation would hand the resource). */
  resolve(value: unknown): string {
    const resolved = this.resolveAny(value);
    if (typeof resolved === 'string') return resolved;
    if (typeof resolved === 'number' || typeof resolved === 'boolean') return String(resolved);
    throw new Error(`twin: ${JSON.stringify(value)} does not resolve to a string`);
  }

  private resolveAny(value: unknown): unknown {
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map((v) => this.resolveAny(v));
    const entries = Object.entries(value as Record<string, unknown>);
    const [key, arg] = entries[0] ?? [];
    if (entries.length !== 1 || !key || !(key === 'Ref' || key.startsWith('Fn::'))) {
      return Object.fromEntries(entries.map(([k, v]) => [k, this.resolveAny(v)]));
    }
    switch (key) {
      case 'Ref':
        return this.ref(String(arg));
      case 'Fn::GetAtt': {
        const [id, attribute] = Array.isArray(arg) ? arg : String(arg).split('.');
        return this.getAtt(String(id), String(attribute));
      }
      case 'Fn::Join': {
        const [separator, parts] = arg as [string, unknown[]];
        return parts.map((p) => this.resolve(p)).join(separator);
      }
      case 'Fn::Select': {
        const [index, list] = arg as [number, unknown];
        const items = this.resolveAny(list) as unknown[];
        return items[Number(index)];
      }
      case 'Fn::Split': {
        const [separator, text] = arg as [string, unknown];
        return this.resolve(text).split(separator);
      }
      case 'Fn::Sub': {
        const [text, variables] = (Array.isArray(arg) ? arg : [arg, {}]) as [string, Record<string, unknown>];
        return text.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
          if (variables[name] !== undefined) return this.resolve(variables[name]);
          const [id, attribute] = name.split('.');
          return attribute ? this.getAtt(String(id), attribute) : this.ref(String(id));
        });
      }
      case 'Fn::ImportValue': {
        const name = this.resolve(arg);
        const exported = this.exports.get(name);
        if (!exported) throw new Error(`twin: no stack exports ${name}`);
        return this.resolveAny(exported.value);
      }
      default:
        throw new Error(`twin: intrinsic ${key} is not supported`);
    }
  }
}
