import { beforeAll, describe, expect, it } from 'vitest';
import { FUNCTION_NAMES, type FunctionName } from '../../lambdas/config/contracts';
import {
  buildFunctionBundle,
  bundleSources,
  envReads,
  type FunctionBundle,
  localOnlyProblems,
  undeclaredEnvReads,
} from '../../lib/lambda-bundles.js';

// Every function bundled exactly as `cdk synth` bundles it (the construct's own esbuild settings),
// once for the whole file.
const bundles = new Map<FunctionName, FunctionBundle>();
beforeAll(async () => {
  for (const name of FUNCTION_NAMES) bundles.set(name, await buildFunctionBundle(name));
});
const bundleOf = (name: FunctionName) => bundles.get(name) as FunctionBundle;

describe('Lambda bundles hold no local-only code', () => {
  it.each(FUNCTION_NAMES)('%s: no PGlite, pg, emulator, simulator or local/ module', (name) => {
    expect(localOnlyProblems(bundleOf(name))).toEqual([]);
    expect(bundleOf(name).bytes).toBeGreaterThan(0);
  });

  it('names the function, the module and the import chain when a bundle imports PGlite', async () => {
    const planted = await buildFunctionBundle(
      'PollBatch',
      "export { handler } from './poll-batch';\nexport { PGlite } from '@electric-sql/pglite';\n",
    );
    const problems = localOnlyProblems(planted);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^PollBatch: bundle contains PGlite: node_modules\/@electric-sql\/pglite\//);
    expect(problems[0]).toContain(
      'via lambdas/handlers/planted-PollBatch.ts → node_modules/@electric-sql/pglite/',
    );
  });

  it('also catches local code reached through a project file (the local database module)', async () => {
    const planted = await buildFunctionBundle(
      'Migrate',
      "export { createDatabase } from '../../local/engines/database';\n",
    );
    const problems = localOnlyProblems(planted).join('\n');
    expect(problems).toContain('Migrate: bundle contains PGlite');
    expect(problems).toContain('Migrate: bundle contains node-postgres (pg)');
    expect(problems).toContain('via lambdas/handlers/planted-Migrate.ts → local/engines/database.ts →');
  });
});

/** Issue 12's bundle budget: each function's minified `index.mjs` (bytes, source map not counted). */
const BUNDLE_BUDGET_BYTES = 1_000_000;

describe('each bundle stays within its size budget', () => {
  // A cold start loads and parses the whole file. Importing zod as `import { z } from 'zod'` once
  // pulled all of zod (446 KB, every locale) into the Api and CatalogSync bundles: 1.26 MB.
  it.each(FUNCTION_NAMES)(
    `%s: index.mjs is at most ${BUNDLE_BUDGET_BYTES.toLocaleString('en')} bytes`,
    (name) => {
      expect(bundleOf(name).bytes).toBeLessThanOrEqual(BUNDLE_BUDGET_BYTES);
    },
  );
});

describe('each function reads only the variables its contract declares', () => {
  it.each(FUNCTION_NAMES)('%s: every env read in its bundled sources is declared', (name) => {
    const sources = bundleSources(bundleOf(name));
    expect(sources.some((s) => s.path.startsWith('lambdas/handlers/'))).toBe(true);
    expect(undeclaredEnvReads(name, sources)).toEqual([]);
  });

  it('catches a handler that reads a variable its contract does not declare', () => {
    const sources = [
      ...bundleSources(bundleOf('PollBatch')),
      {
        path: 'lambdas/handlers/poll-batch.ts',
        text: "const table = process.env.IDEMPOTENCY_TABLE_NAME;\nconst { PUSH_QUEUE_URL: url } = env;\nenv['CONNECTION_SECRET_PREFIX'];",
      },
    ];
    expect(undeclaredEnvReads('PollBatch', sources)).toEqual([
      'PollBatch: lambdas/handlers/poll-batch.ts reads IDEMPOTENCY_TABLE_NAME, which its contract does not declare',
      'PollBatch: lambdas/handlers/poll-batch.ts reads PUSH_QUEUE_URL, which its contract does not declare',
    ]);
  });

  it('sees reads by property, by string index and by destructuring', () => {
    expect(
      envReads(
        "process.env.A_B; env['C']; const { D, E: e } = process.env; env.lower; process.env[name]",
      ).sort(),
    ).toEqual(['A_B', 'C', 'D', 'E']);
  });
});
