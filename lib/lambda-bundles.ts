import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type BuildOptions, build, type Metafile } from 'esbuild';
import { CONTRACTS, type FunctionName } from '../lambdas/config/contracts.js';
import { HANDLERS_DIR, lambdaBundling, PROJECT_ROOT } from './constructs/eci-function.js';

/**
 * esbuild options equal to what `cdk synth` runs for an EciFunction: `lambdaBundling()` (the
 * construct's own settings) translated the way NodejsFunction passes them to esbuild (bundle for the
 * node platform, one `index.mjs`). Used by the bundle test and `npm run bench`; nothing is written.
 */
export function functionBuildOptions(): BuildOptions {
  const bundling = lambdaBundling();
  return {
    bundle: true,
    platform: 'node',
    format: bundling.format,
    target: bundling.target,
    mainFields: bundling.mainFields,
    minify: bundling.minify,
    sourcemap: bundling.sourceMap,
    sourcesContent: bundling.sourcesContent,
    external: bundling.externalModules,
    banner: { js: bundling.banner },
    absWorkingDir: PROJECT_ROOT,
    outfile: path.join(PROJECT_ROOT, 'cdk.out', 'bundle-check', 'index.mjs'),
    write: false,
    metafile: true,
    logLevel: 'silent',
  };
}

export interface FunctionBundle {
  name: string;
  /** Size of the bundled `index.mjs` in bytes (source map not counted). */
  bytes: number;
  metafile: Metafile;
  /** The metafile's key of the entry (`lambdas/handlers/<entry>`, or `lambdas/handlers/planted-<name>.ts`). */
  entry: string;
}

/**
 * Bundles one function as CDK would. `source` replaces the entry with inline code resolved from the
 * handlers folder (tests plant faults this way without touching the tree).
 */
export async function buildFunctionBundle(
  name: FunctionName | string,
  source?: string,
): Promise<FunctionBundle> {
  const options = functionBuildOptions();
  const contract = CONTRACTS[name as FunctionName];
  const result = await build({
    ...options,
    ...(source !== undefined
      ? {
          stdin: {
            contents: source,
            resolveDir: HANDLERS_DIR,
            sourcefile: `planted-${name}.ts`,
            loader: 'ts',
          },
        }
      : { entryPoints: [path.join(HANDLERS_DIR, contract?.entry ?? `${name}.ts`)] }),
  });
  const js = result.outputFiles?.find((f) => f.path.endsWith('.mjs'));
  const metafile = result.metafile as Metafile;
  const entry = path.relative(
    PROJECT_ROOT,
    path.join(HANDLERS_DIR, source !== undefined ? `planted-${name}.ts` : contract.entry),
  );
  return { name, bytes: js?.contents.byteLength ?? 0, metafile, entry };
}

/** Modules only `npm start` / tests use; finding one in a Lambda bundle is a defect. */
export const LOCAL_ONLY_MODULES: readonly { label: string; pattern: RegExp }[] = [
  { label: 'PGlite', pattern: /node_modules\/@electric-sql\/pglite\// },
  { label: "Drizzle's PGlite driver", pattern: /node_modules\/drizzle-orm\/pglite\// },
  { label: 'node-postgres (pg)', pattern: /node_modules\/pg(-[a-z-]+)?\// },
  { label: "Drizzle's node-postgres driver", pattern: /node_modules\/drizzle-orm\/node-postgres\// },
  { label: 'the dynalite emulator', pattern: /node_modules\/dynalite\// },
  { label: 'the local-aws-sqs emulator', pattern: /node_modules\/local-aws-sqs\// },
  { label: 'the aws-local-stepfunctions emulator', pattern: /node_modules\/aws-local-stepfunctions\// },
  { label: 'local-only code (local/: runtime, engines, Trendyol simulator)', pattern: /^local\// },
  { label: 'test code', pattern: /^test\// },
];

/** The import chain from the entry to `target`, through the metafile's import graph (breadth first). */
function importChain(metafile: Metafile, entry: string, target: string): string[] {
  const parent = new Map<string, string>([[entry, '']]);
  const queue = [entry];
  while (queue.length > 0) {
    const current = queue.shift() as string;
    if (current === target) break;
    for (const imported of metafile.inputs[current]?.imports ?? []) {
      if (imported.external || parent.has(imported.path)) continue;
      parent.set(imported.path, current);
      queue.push(imported.path);
    }
  }
  const chain: string[] = [];
  for (let at: string | undefined = target; at; at = parent.get(at)) chain.unshift(at);
  return chain;
}

/**
 * Local-only modules in a bundle, one line per offending group: the function, what it is, the first
 * such module and how the entry reaches it. [] for a clean bundle.
 */
export function localOnlyProblems(bundle: Pick<FunctionBundle, 'name' | 'metafile' | 'entry'>): string[] {
  const inputs = Object.keys(bundle.metafile.inputs);
  const problems: string[] = [];
  for (const { label, pattern } of LOCAL_ONLY_MODULES) {
    const hit = inputs.find((input) => pattern.test(input));
    if (hit === undefined) continue;
    const chain = importChain(bundle.metafile, bundle.entry, hit)
      .filter((p) => !p.startsWith('node_modules/') || p === hit)
      .join(' → ');
    problems.push(`${bundle.name}: bundle contains ${label}: ${hit} (via ${chain})`);
  }
  return problems;
}

/** Variables set by the Lambda runtime itself (not by the stack), which any code may read. */
const RUNTIME_VARIABLE = /^(AWS_|_X_AMZN_TRACE_ID$|LAMBDA_)/;

const ENV_READ =
  /(?:process\.env|\benv)\s*(?:\.\s*([A-Z][A-Z0-9_]*)\b|\[\s*['"`]([A-Z][A-Z0-9_]*)['"`]\s*\])/g;
const ENV_DESTRUCTURE = /\{([^{}]*)\}\s*=\s*(?:process\.env|env)\b/g;

/** Every upper-case variable name `text` reads from `process.env` or an `env` object. */
export function envReads(text: string): string[] {
  const names = new Set<string>();
  for (const m of text.matchAll(ENV_READ)) names.add((m[1] ?? m[2]) as string);
  for (const m of text.matchAll(ENV_DESTRUCTURE)) {
    for (const part of (m[1] ?? '').split(',')) {
      const name = part.split(':')[0]?.trim() ?? '';
      if (/^[A-Z][A-Z0-9_]*$/.test(name)) names.add(name);
    }
  }
  return [...names];
}

/**
 * The function's own sources (project files under lambdas/, from the bundle's metafile) that read a
 * variable its contract does not declare. One line per read, naming function, file and variable.
 */
export function undeclaredEnvReads(
  name: FunctionName,
  sources: readonly { path: string; text: string }[],
): string[] {
  const declared = new Set(CONTRACTS[name].variables);
  const problems: string[] = [];
  for (const source of sources) {
    for (const variable of envReads(source.text)) {
      if (declared.has(variable) || RUNTIME_VARIABLE.test(variable)) continue;
      problems.push(`${name}: ${source.path} reads ${variable}, which its contract does not declare`);
    }
  }
  return problems;
}

/** The project sources (lambdas/**) a bundle was built from, read from disk. */
export function bundleSources(bundle: Pick<FunctionBundle, 'metafile'>): { path: string; text: string }[] {
  return Object.keys(bundle.metafile.inputs)
    .filter((input) => input.startsWith('lambdas/'))
    .map((input) => ({ path: input, text: readFileSync(path.join(PROJECT_ROOT, input), 'utf8') }));
}
