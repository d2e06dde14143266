import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CfnElement, type Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import type { IConstruct } from 'constructs';
import { createEciApp, type EciStage } from '../../lib/eci-app.js';

/** One synthesized stage, shared by every test of a file (synth with nag + schema checks ≈ 10–15 s). */
export interface SynthesizedStage extends EciStage {
  readonly assembly: CloudAssembly;
  readonly statefulTemplate: Template;
  readonly serviceTemplate: Template;
  readonly root: IConstruct;
}

export function synthStage(stage: string): SynthesizedStage {
  const { app, ...rest } = createEciApp({ stage, skipBundling: true });
  const assembly = app.synth();
  return {
    ...rest,
    assembly,
    root: app,
    statefulTemplate: Template.fromStack(rest.stateful),
    serviceTemplate: Template.fromStack(rest.service),
  };
}

export interface CfnResourceJson {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DependsOn?: string | string[];
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}

export function resources(template: Template, type?: string): Record<string, CfnResourceJson> {
  const all = template.toJSON().Resources as Record<string, CfnResourceJson>;
  if (type === undefined) return all;
  return Object.fromEntries(Object.entries(all).filter(([, r]) => r.Type === type));
}

export function single(template: Template, type: string): [string, CfnResourceJson] {
  const entries = Object.entries(resources(template, type));
  if (entries.length !== 1 || entries[0] === undefined)
    throw new Error(`expected one ${type}, got ${entries.length}`);
  return entries[0];
}

export function logicalId(stack: Stack, construct: IConstruct): string {
  const cfn = construct instanceof CfnElement ? construct : construct.node.defaultChild;
  if (!(cfn instanceof CfnElement)) throw new Error(`${construct.node.path} has no CfnElement`);
  return stack.resolve(cfn.logicalId) as string;
}

export interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource?: unknown;
  readonly Principal?: unknown;
  readonly Condition?: unknown;
}

export const asArray = <T>(v: T | T[] | undefined): T[] =>
  v === undefined ? [] : Array.isArray(v) ? v : [v];

/** Every statement of every identity/resource policy in a template (inline, role, queue, topic…). */
export function allStatements(template: Template): { owner: string; statement: Statement }[] {
  const out: { owner: string; statement: Statement }[] = [];
  for (const [id, r] of Object.entries(resources(template))) {
    const props = r.Properties ?? {};
    const docs: unknown[] = [props.PolicyDocument, props.KeyPolicy];
    for (const p of asArray(props.Policies as { PolicyDocument: unknown }[] | undefined))
      docs.push(p.PolicyDocument);
    for (const doc of docs) {
      if (doc === undefined || doc === null || typeof doc !== 'object') continue;
      for (const statement of asArray((doc as { Statement?: Statement | Statement[] }).Statement)) {
        out.push({ owner: id, statement });
      }
    }
  }
  return out;
}

/** Allow statements attached (via AWS::IAM::Policy) to the role a function runs as. */
export function functionStatements(template: Template, functionLogicalId: string): Statement[] {
  const fn = resources(template)[functionLogicalId];
  const roleArn = fn?.Properties?.Role as { 'Fn::GetAtt'?: [string, string] } | undefined;
  const roleId = roleArn?.['Fn::GetAtt']?.[0];
  if (roleId === undefined) throw new Error(`${functionLogicalId} has no role`);
  const out: Statement[] = [];
  for (const policy of Object.values(resources(template, 'AWS::IAM::Policy'))) {
    const roles = asArray(policy.Properties?.Roles as { Ref: string }[] | undefined);
    if (!roles.some((r) => r.Ref === roleId)) continue;
    const doc = policy.Properties?.PolicyDocument as { Statement: Statement[] };
    out.push(...doc.Statement.filter((s) => s.Effect === 'Allow'));
  }
  return out;
}

export function actionsOf(statements: Statement[]): Set<string> {
  return new Set(statements.flatMap((s) => asArray(s.Action)));
}

/** Statements whose resources mention a logical id (Ref, GetAtt, or an import of it). */
export function statementsOn(statements: Statement[], needle: string): Statement[] {
  return statements.filter((s) => JSON.stringify(s.Resource ?? null).includes(needle));
}

export interface ValidationReport {
  readonly pluginReports: {
    readonly pluginName: string;
    readonly conclusion: string;
    readonly violations: { ruleName: string; severity: string }[];
  }[];
}

export function validationReport(assembly: CloudAssembly): ValidationReport {
  const file = path.join(assembly.directory, 'validation-report.json');
  if (!existsSync(file)) return { pluginReports: [] };
  return JSON.parse(readFileSync(file, 'utf8')) as ValidationReport;
}

export interface Acknowledgement {
  readonly path: string;
  readonly id: string;
  readonly reason: string;
}

/** Every `Validations.of(x).acknowledge(...)` recorded anywhere in the app. */
export function acknowledgements(root: IConstruct): Acknowledgement[] {
  const out: Acknowledgement[] = [];
  for (const c of root.node.findAll()) {
    for (const entry of c.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
        out.push({ path: c.node.path, id: id.replace(/^annotation::/i, ''), reason });
      }
    }
  }
  return out;
}
