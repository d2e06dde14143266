import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../lib/constructs/eci-function.js';

const run = promisify(execFile);
const BIOME = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'biome');

/**
 * Plants `source` as a file in `folder` (under lambdas/), lints it with the repository's biome.json
 * and removes it again. Returns the restricted-import diagnostics' lines.
 */
async function lintPlanted(folder: string, source: string): Promise<string> {
  const file = path.join(PROJECT_ROOT, 'lambdas', folder, `planted-${randomBytes(4).toString('hex')}.ts`);
  writeFileSync(file, source);
  try {
    const result = await run(BIOME, ['lint', '--max-diagnostics=50', file], { cwd: PROJECT_ROOT }).catch(
      (error: { stdout: string; stderr: string }) => error,
    );
    return `${result.stdout}\n${result.stderr}`;
  } finally {
    rmSync(file, { force: true });
  }
}

const SQS_IMPORT = "import { SQSClient } from '@aws-sdk/client-sqs';\nexport const client = SQSClient;\n";

describe('the layer rule (biome noRestrictedImports on lambdas/domain and lambdas/use-cases)', () => {
  it('rejects a use case that imports @aws-sdk/client-sqs', async () => {
    const output = await lintPlanted('use-cases', SQS_IMPORT);
    expect(output).toContain('lint/style/noRestrictedImports');
    expect(output).toContain('@aws-sdk/client-sqs');
    expect(output).toContain('Layer rule');
  });

  it('rejects domain code that imports an adapter, the composition, a driver or middy', async () => {
    const output = await lintPlanted(
      'domain',
      [
        "import { SqsChunkQueue } from '../adapters/sqs/sqs-chunk-queue';",
        "import { COMPOSERS } from '../composition/functions';",
        "import pg from 'pg';",
        "import middy from '@middy/core';",
        'export const all = [SqsChunkQueue, COMPOSERS, pg, middy];',
        '',
      ].join('\n'),
    );
    for (const module of [
      '../adapters/sqs/sqs-chunk-queue',
      '../composition/functions',
      "'pg'",
      '@middy/core',
    ])
      expect(output).toContain(module);
    expect(output.match(/lint\/style\/noRestrictedImports/g)?.length).toBe(4);
  });

  it('rejects deep subpaths and the local emulators (no bypass through dist files or PGlite)', async () => {
    const modules = [
      '@aws-sdk/client-sqs/dist-cjs/index.js',
      '@middy/core/index.js',
      'dynalite',
      'local-aws-sqs',
      'aws-local-stepfunctions',
      '@electric-sql/pglite',
      'pg/lib/client',
      'drizzle-orm/pg-core',
    ];
    const output = await lintPlanted(
      'use-cases',
      `${modules.map((m, i) => `import * as m${i} from '${m}';`).join('\n')}\nexport const all = [${modules
        .map((_, i) => `m${i}`)
        .join(', ')}];\n`,
    );
    for (const module of modules) expect(output).toContain(module);
    expect(output.match(/lint\/style\/noRestrictedImports/g)?.length).toBe(modules.length);
  });

  it('applies to lambdas/ports too: a port cannot re-export the SDK for a use case', async () => {
    const output = await lintPlanted(
      'ports',
      "export { SQSClient } from '@aws-sdk/client-sqs';\nexport type { Database } from '../adapters/postgres/database';\n",
    );
    expect(output.match(/lint\/style\/noRestrictedImports/g)?.length).toBe(2);
    expect(output).toContain('Layer rule');
  });

  it('lets an adapter import the SDK (the rule is scoped to the inner layers)', async () => {
    const output = await lintPlanted('adapters', SQS_IMPORT);
    expect(output).not.toContain('noRestrictedImports');
  });
});

describe('env reads go through the contract (biome noProcessEnv on lambdas/, but for lambda-entry.ts)', () => {
  it('rejects a handler that reads process.env by index or through an alias', async () => {
    const output = await lintPlanted(
      'handlers',
      [
        "import { ENV } from '../config/env-names';",
        'export const table = process.env[ENV.DEDUP_TABLE_NAME];',
        'const e = process.env;',
        'export const url = e.PUSH_QUEUE_URL;',
        '',
      ].join('\n'),
    );
    expect(output.match(/lint\/style\/noProcessEnv/g)?.length).toBe(2);
  });

  it('rejects it in an adapter too, and allows only the composition entry that hands env to readConfig', async () => {
    expect(await lintPlanted('adapters', 'export const region = process.env.AWS_REGION;\n')).toContain(
      'lint/style/noProcessEnv',
    );
    const entry = path.join(PROJECT_ROOT, 'lambdas', 'composition', 'lambda-entry.ts');
    const result = await run(BIOME, ['lint', entry], { cwd: PROJECT_ROOT }).catch(
      (error: { stdout: string; stderr: string }) => error,
    );
    expect(`${result.stdout}\n${result.stderr}`).not.toContain('noProcessEnv');
  });
});
