import { CONTRACTS, type FunctionName } from '../../lambdas/config/contracts';
import { ENV } from '../../lambdas/config/env-names';

/** A synthesized template as JSON (what `Template.toJSON()` or cdk.out holds). */
export interface TemplateJson {
  Resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
}

/** One ECI function as a template declares it: which contract (its ECI_FUNCTION) and its environment. */
export interface TemplateFunction {
  logicalId: string;
  name: string;
  variables: Record<string, unknown>;
}

/** Every Lambda function of the templates that carries ECI_FUNCTION (CDK's own helper functions do not). */
export function eciFunctions(templates: readonly TemplateJson[]): TemplateFunction[] {
  const out: TemplateFunction[] = [];
  for (const template of templates) {
    for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
      if (resource.Type !== 'AWS::Lambda::Function') continue;
      const env = resource.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined;
      const variables = env?.Variables ?? {};
      const name = variables[ENV.ECI_FUNCTION];
      if (typeof name === 'string') out.push({ logicalId, name, variables });
    }
  }
  return out;
}

/**
 * Compares each function's synthesized Environment.Variables keys with its configuration contract.
 * Returns one line per problem, naming the function and the variable; [] when every function of
 * `expected` appears once with exactly its contract's keys.
 */
export function environmentProblems(
  templates: readonly TemplateJson[],
  expected: readonly FunctionName[] = Object.keys(CONTRACTS) as FunctionName[],
): string[] {
  const problems: string[] = [];
  const functions = eciFunctions(templates);
  for (const name of expected) {
    const found = functions.filter((f) => f.name === name);
    if (found.length !== 1) {
      problems.push(`${name}: expected one function in the templates, found ${found.length}`);
      continue;
    }
    const [fn] = found as [TemplateFunction];
    const declared = new Set(CONTRACTS[name].variables);
    const set = new Set(Object.keys(fn.variables));
    for (const variable of declared) {
      if (!set.has(variable))
        problems.push(`${name}: ${variable} is in its contract but not set by the stack (${fn.logicalId})`);
    }
    for (const variable of set) {
      if (!declared.has(variable))
        problems.push(
          `${name}: ${variable} is set by the stack but not declared by its contract (${fn.logicalId})`,
        );
    }
  }
  for (const fn of functions) {
    if (!(fn.name in CONTRACTS)) problems.push(`${fn.name}: a function without a configuration contract`);
  }
  return problems;
}

/**
 * A function's environment as the deployed function would see it: strings stay, references
 * (Ref / Fn::GetAtt / Fn::Join…) become a placeholder string, as they would be some string on AWS.
 */
export function resolvedEnvironment(fn: TemplateFunction): Record<string, string> {
  return Object.fromEntries(
    Object.entries(fn.variables).map(([k, v]) => [
      k,
      typeof v === 'string' ? v : `resolved:${JSON.stringify(v)}`,
    ]),
  );
}
