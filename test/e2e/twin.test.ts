import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stackNames } from '../../lib/eci-app';
import { InvocationFailed, LambdaFunctionPool } from '../../local/twin/function-pool';
import { startTwin, synthesizeTwinAssembly, type Twin } from '../../local/twin/twin';
import { apiClient } from '../support/local-stack-client';

// `npm run twin` over HTTP: the synthesized dev stage, every function running from its built bundle
// in its own processes with its template environment, on local AWS endpoints. The seed's scenario
// must pass against it exactly as against `npm start` (push-api.test.ts). One synth for the file.
const SEED_ITEM = {
  listPrice: 0.0,
  quantity: 0,
  currencyType: 'TRY',
  barcode: '8696947006698',
  salePrice: 0.0,
};
const SEED_BODY = '{"items":[{"barcode":"8696947006698","quantity":0,"salePrice":0,"listPrice":0}]}';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const assemblyDir = mkdtempSync(path.join(tmpdir(), 'eci-twin-test-'));
let twin: Twin;
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
  synthesizeTwinAssembly('dev', assemblyDir);
  twin = await startTwin({
    port: 0,
    simulatorPort: 0,
    inMemory: true,
    assemblyDir,
    simulatorProcessingDelayMs: 0,
    waitOverridesMs: { PollBatch: 0 },
    // The schedules have no forceWrite: the catalog sync reaches the simulator only with writes on.
    templateEnvOverrides: { TRENDYOL_WRITE_ENABLED: 'true' },
    log: () => undefined,
  });
  api = apiClient(twin);
});

afterAll(async () => {
  await twin?.stop();
  rmSync(assemblyDir, { recursive: true, force: true });
});

/** The Lambda functions and their environment variables, read straight from the synthesized templates. */
function templateFunctions(): Map<string, { keys: string[]; s3Key: string }> {
  const names = stackNames('dev');
  const found = new Map<string, { keys: string[]; s3Key: string }>();
  for (const stack of [names.stateful, names.service]) {
    const template = JSON.parse(readFileSync(path.join(assemblyDir, `${stack}.template.json`), 'utf8'));
    for (const [id, resource] of Object.entries<{ Type: string; Properties: Record<string, never> }>(
      template.Resources,
    )) {
      if (resource.Type !== 'AWS::Lambda::Function' || resource.Properties.Handler !== 'index.handler')
        continue;
      const variables =
        (resource.Properties.Environment as { Variables?: object } | undefined)?.Variables ?? {};
      found.set(`${stack}-${id}`, {
        keys: Object.keys(variables).sort(),
        s3Key: (resource.Properties.Code as unknown as { S3Key: string }).S3Key,
      });
    }
  }
  return found;
}

/** Set by the twin (as the Lambda runtime sets them) or pointing the SDK at local endpoints. */
const RUNTIME_KEYS = [
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'LAMBDA_TASK_ROOT',
  '_HANDLER',
  'TZ',
  'AWS_ENDPOINT_URL_SQS',
  'AWS_ENDPOINT_URL_DYNAMODB',
  'AWS_ENDPOINT_URL_SFN',
  'AWS_ENDPOINT_URL_SECRETS_MANAGER',
  'AWS_ENDPOINT_URL_RDS_DATA',
  'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED',
];

describe('the twin runs what AWS would run', () => {
  it('runs every function of the template from its built asset with exactly its template variables', () => {
    const expected = templateFunctions();
    expect([...twin.functions.keys()].sort()).toEqual([...expected.keys()].sort());
    expect(expected.size).toBeGreaterThanOrEqual(6);
    for (const [name, pool] of twin.functions) {
      const template = expected.get(name);
      // The asset the template's Code points at (its hash is the S3 key), not the TypeScript source.
      expect(pool.spec.assetDir).toBe(
        path.join(assemblyDir, `asset.${template?.s3Key.replace(/\.zip$/, '')}`),
      );
      const own = Object.keys(pool.spec.env).filter((key) => !RUNTIME_KEYS.includes(key));
      expect(own.sort(), name).toEqual(template?.keys);
      for (const value of Object.values(pool.spec.env)) expect(value).not.toMatch(/\[object|Fn::|"Ref"/);
    }
  });

  it('answers like API Gateway: /health public, /v1 behind x-api-key, unknown routes 404', async () => {
    expect(await api.call('GET', '/health', { apiKey: null })).toEqual({ status: 200, body: { ok: true } });
    const noKey = await api.call('GET', '/v1/connections', { apiKey: null });
    expect(noKey.status).toBe(401);
    // Gateway answers in ECI's error shape, as the Api function (npm start) answers the same requests.
    expect(noKey.body).toEqual({
      ok: false,
      error: { code: 'UNAUTHORIZED', message: 'Send your API key in the x-api-key header.', details: [] },
    });
    expect((await api.call('GET', '/v1/connections', { apiKey: 'wrong' })).status).toBe(401);
    expect(await api.call('GET', '/nope')).toEqual({
      status: 404,
      body: { ok: false, error: { code: 'ROUTE_NOT_FOUND', message: 'No route for /nope.', details: [] } },
    });
    // API Gateway passes a malformed percent-escape to the function, whose router answers the 400.
    const malformed = await api.get('/v1/jobs/%E0%A4%A');
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED', details: [{ path: 'path.id' }] },
    });
    expect(JSON.stringify(malformed.body)).not.toMatch(/URIError/);
    const listed = await api.get<Array<{ id: string; name: string }>>('/v1/connections');
    expect(listed.body.map((c) => c.id)).toEqual([twin.demoConnectionId]);
  });
});

describe('the EventBridge schedules, fired now', () => {
  it('CatalogSyncSchedule runs CatalogSync from its bundle: a catalog row reaches the simulator', async () => {
    const barcode = 'TWIN-SYNC-1';
    const put = await api.call('PUT', '/v1/catalog/variants', {
      body: {
        connectionId: twin.demoConnectionId,
        variants: [{ barcode, quantity: 7, salePrice: '149.90', listPrice: '199.90' }],
      },
    });
    expect(put.status).toBe(200);
    const catalogSync = [...twin.functions.values()].find((p) => p.spec.logicalId.startsWith('CatalogSync'));
    const before = catalogSync?.invocations ?? 0;

    await twin.fireRule('CatalogSyncSchedule');
    await twin.settle();

    expect(catalogSync?.invocations).toBe(before + 1);
    const sent = twin.simulator.requests
      .filter((r) => r.endpoint === 'update' && r.status === 200)
      .flatMap((r) => (JSON.parse(r.body) as { items: Array<Record<string, unknown>> }).items)
      .filter((item) => item.barcode === barcode);
    expect(sent).toEqual([
      expect.objectContaining({ barcode, quantity: 7, salePrice: 149.9, listPrice: 199.9 }),
    ]);
  });

  it('ReleaseScheduledSchedule runs ReleaseScheduled from its bundle and the invocation succeeds', async () => {
    const release = [...twin.functions.values()].find((p) => p.spec.logicalId.startsWith('ReleaseScheduled'));
    const before = release?.invocations ?? 0;
    await expect(twin.fireRule('ReleaseScheduledSchedule')).resolves.toHaveLength(1);
    expect(release?.invocations).toBe(before + 1);
  });
});

describe('a twin whose stage settings are invalid', () => {
  it("fails its start with the function's own configuration error and its log path", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'eci-twin-badconfig-'));
    try {
      const failure = await startTwin({
        port: 0,
        simulatorPort: 0,
        dataDir,
        assemblyDir,
        templateEnvOverrides: { TRENDYOL_WRITE_ENABLED: 'maybe' },
        log: () => undefined,
      }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(Error);
      const message = (failure as Error).message;
      expect(message).toMatch(/Api: invalid configuration: TRENDYOL_WRITE_ENABLED must be true or false/);
      expect(message).toContain(path.join(dataDir, 'twin', 'logs'));
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('a function whose bundle cannot load', () => {
  it('fails the load ping the twin sends every function at start, with the bundle error', async () => {
    const real = [...twin.functions.values()].find((p) => p.spec.logicalId.startsWith('CatalogSync'));
    if (!real) throw new Error('no CatalogSync function in the twin');
    const assetDir = mkdtempSync(path.join(tmpdir(), 'eci-twin-broken-'));
    writeFileSync(path.join(assetDir, 'index.mjs'), "throw new Error('bundle broke at import');\n");
    const broken = new LambdaFunctionPool(
      { ...real.spec, assetDir },
      { hostScript: path.join(assemblyDir, 'twin-function-host.mjs') },
    );
    try {
      const failure = await broken.load().catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(InvocationFailed);
      expect((failure as InvocationFailed).message).toMatch(/bundle broke at import/);
      // The real bundle loads.
      await expect(real.load()).resolves.toBeUndefined();
    } finally {
      await broken.stop();
      rmSync(assetDir, { recursive: true, force: true });
    }
  });
});

describe('a function whose binding lacks a variable', () => {
  it('fails its invocation from the bundle with the function and the variable named', async () => {
    const real = [...twin.functions.values()].find((p) => p.spec.logicalId.startsWith('PollBatch'));
    if (!real) throw new Error('no PollBatch function in the twin');
    // The defect issue 8 found, planted again: the stack forgets one of PollBatch's variables.
    const { DB_SECRET_ARN: _removed, ...env } = real.spec.env;
    const broken = new LambdaFunctionPool(
      { ...real.spec, env },
      { hostScript: path.join(assemblyDir, 'twin-function-host.mjs') },
    );
    try {
      const failure = await broken
        .invoke({ connectionId: 'c', jobId: 'j', batchRequestId: 'b', submittedAt: new Date().toISOString() })
        .catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(InvocationFailed);
      expect((failure as InvocationFailed).detail.errorMessage).toMatch(/PollBatch.*DB_SECRET_ARN/);
    } finally {
      await broken.stop();
    }
  });
});

describe('the seed scenario over HTTP against the twin', () => {
  it('push (force=1&forceWrite=1) → job success with a batchRequestId → batch confirmed → state holds the values', async () => {
    const connectionId = twin.demoConnectionId;
    const bodyHash = sha256(SEED_BODY);
    const res = await api.push(connectionId, [SEED_ITEM], '?force=1&forceWrite=1');
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ ok: true, forceWrite: true, enqueuedCount: 1, dedup: false, bodyHash });
    const jobId = String(res.body.jobId);

    // The SQS mapping hands the chunk to PushConsumer, which starts the confirmation execution,
    // whose task is PollBatch: all three in their own processes.
    await twin.settle();
    const job = await api.get<{ status: string; batchRequestId: string | null }>(`/v1/jobs/${jobId}`);
    expect(job.status).toBe(200);
    expect(job.body.status).toBe('success');
    expect(job.body.batchRequestId).toMatch(/\S+/);
    const batchRequestId = String(job.body.batchRequestId);

    const executions = [...twin.executions.values()].filter((e) => e.input.includes(batchRequestId));
    expect(executions.map((e) => e.status)).toEqual(['SUCCEEDED']);
    const pollBatch = [...twin.functions.values()].find((p) => p.spec.logicalId.startsWith('PollBatch'));
    expect(pollBatch?.invocations).toBeGreaterThan(0);

    const batch = await api.get<{ _eci: { confirmedUpserted: number } }>(
      `/v1/inventory/batch/${batchRequestId}`,
    );
    expect(batch.status).toBe(200);
    // Trendyol's batch body, as the simulator answers it, plus ECI's verdict: every item confirmed.
    expect(batch.body).toMatchObject({
      batchRequestId,
      items: [{ status: 'SUCCESS' }],
      _eci: { status: 'SETTLED' },
    });

    const rows = await twin.query(
      'SELECT barcode, quantity, sale_price, list_price, batch_request_id FROM inventory_confirmed_state WHERE connection_id = :id AND barcode = :barcode',
      { id: connectionId, barcode: SEED_ITEM.barcode },
    );
    expect(
      rows.map(([barcode, quantity, sale, list, batchId]) => [
        barcode,
        quantity,
        Number(sale),
        Number(list),
        batchId,
      ]),
    ).toEqual([['8696947006698', 0, 0, 0, batchRequestId]]);

    const again = await api.push(connectionId, [SEED_ITEM], '?force=1&forceWrite=1');
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ dedup: true, jobId, bodyHash, enqueuedCount: 0, dedupCount: 1 });
  });

  it('1001 items with dryRun=1 → chunkCount 2, chunks of 1000 and 1, both jobs done without a remote call', async () => {
    const items = Array.from({ length: 1001 }, (_, i) => ({
      barcode: `CHUNK${String(i).padStart(5, '0')}`,
      quantity: i % 50,
    }));
    const res = await api.push(twin.demoConnectionId, items, '?dryRun=1');
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ dryRun: true, originalCount: 1001, chunkCount: 2, enqueuedCount: 2 });
    const jobs = res.body.jobs as Array<{ itemCount: number; jobId: string; chunkIndex: number }>;
    expect(jobs.map((j) => [j.chunkIndex, j.itemCount])).toEqual([
      [0, 1000],
      [1, 1],
    ]);
    await twin.settle();
    for (const job of jobs) {
      const got = await api.get<{ status: string; summary: { note?: string } }>(`/v1/jobs/${job.jobId}`);
      expect(got.body.status).toBe('success');
      expect(got.body.summary.note).toMatch(/dryRun=1/);
    }
  });
});

describe('a restart of the twin', () => {
  it('enqueues again the chunks the previous run left queued (the local queue keeps nothing on disk)', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'eci-twin-restart-'));
    const start = () =>
      startTwin({
        port: 0,
        simulatorPort: 0,
        dataDir,
        assemblyDir,
        simulatorProcessingDelayMs: 0,
        log: () => undefined,
      });
    try {
      const first = await start();
      const firstApi = apiClient(first);
      const pushed = await firstApi.push(
        first.demoConnectionId,
        [{ barcode: 'RESUME1', quantity: 1 }],
        '?dryRun=1',
      );
      const jobId = String((pushed.body.jobs as Array<{ jobId: string }>)[0]?.jobId);
      await first.settle();
      // As if the twin had stopped before the consumer got the chunk: the job is still queued.
      await first.query("UPDATE jobs SET status = 'queued', finished_at = NULL WHERE id = :id", {
        id: jobId,
      });
      await first.stop();

      const second = await start();
      try {
        expect(second.demoConnectionId).toBe(first.demoConnectionId);
        expect(second.resumed.requeued).toBe(1);
        await second.settle();
        const job = await apiClient(second).get<{ status: string }>(`/v1/jobs/${jobId}`);
        expect(job.body.status).toBe('success');
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
