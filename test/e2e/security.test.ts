import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../lambdas/handlers/http/request-schemas';
import { type LocalStack, startLocalStack } from '../../local/runtime/local-stack';
import { apiClient } from '../support/local-stack-client';

// The proof scenario's steps (connection, pushes, job, batch, dedup, state, credential rotation, a
// failing push) on a stack that logs to a file, then every response and every log line is searched for
// the credentials, plain and Basic-encoded.

const SELLER = { sellerId: 200002, apiKey: 'leakcheck-key-7f3a', apiSecret: 'leakcheck-secret-91bd' };
const ROTATED = { apiKey: 'leakcheck-rotated-key-c0de', apiSecret: 'leakcheck-rotated-secret-beef' };
const basic = (c: { apiKey: string; apiSecret: string }) =>
  Buffer.from(`${c.apiKey}:${c.apiSecret}`).toString('base64');
const SECRETS = [
  SELLER.apiKey,
  SELLER.apiSecret,
  basic(SELLER),
  ROTATED.apiKey,
  ROTATED.apiSecret,
  basic(ROTATED),
  'demo-secret',
  basic({ apiKey: 'demo-key', apiSecret: 'demo-secret' }),
];

let stack: LocalStack;
type Res = { status: number; body: Record<string, unknown> };
let api: {
  call: (...args: Parameters<ReturnType<typeof apiClient>['call']>) => Promise<Res>;
  get: (p: string) => Promise<Res>;
  post: (p: string, body: unknown) => Promise<Res>;
  push: (connectionId: string, items: unknown[], query?: string) => Promise<Res>;
};
let dataDir: string;
const responses: string[] = [];

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'eci-security-'));
  stack = await startLocalStack({
    port: 0,
    simulatorPort: 0,
    dataDir,
    writeEnabled: true,
    simulatorProcessingDelayMs: 0,
    waitOverridesMs: { PollBatch: 0 },
  });
  stack.simulator.addSeller({ ...SELLER, approvedBarcodes: 'any' });
  const client = apiClient(stack);
  // Every answer is kept for the scan at the end.
  const call = async (...args: Parameters<typeof client.call>): Promise<Res> => {
    const res = await client.call<Record<string, unknown>>(...args);
    responses.push(JSON.stringify(res.body));
    return res;
  };
  api = {
    call,
    get: (p: string) => call('GET', p),
    post: (p: string, body: unknown) => call('POST', p, { body }),
    push: (connectionId: string, items: unknown[], query = '') =>
      call('POST', `/v1/inventory/push${query}`, { body: { connectionId, items } }),
  };
});

afterAll(async () => {
  await stack?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('security', () => {
  it.each(Object.values(ROUTES).filter((r) => r.auth))(
    '$method $path answers 401 without a key',
    async (route) => {
      const res = await api.call(route.method, route.path.replace(/:[A-Za-z]+/g, 'x1'), {
        apiKey: null,
        ...(route.method !== 'GET' && { body: {} }),
      });
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    },
  );

  it('a full scenario leaks no credential into any response or log line', async () => {
    const created = await api.post('/v1/connections', {
      type: 'trendyol',
      name: 'Leak check',
      baseUrl: stack.simulator.url,
      ...SELLER,
    });
    expect(created.status).toBe(201);
    const id = String(created.body.id);
    // A refused create carrying credentials must not echo them either.
    expect((await api.post('/v1/connections', { ...SELLER, type: 'trendyol', name: '\u0000' })).status).toBe(
      400,
    );
    expect(
      (
        await api.call('POST', '/v1/connections', {
          rawBody: `{"apiKey":"${SELLER.apiKey}","apiSecret":"${SELLER.apiSecret}" oops}`,
          headers: { 'content-type': 'application/json' },
        })
      ).status,
    ).toBe(400);

    const pushed = await api.push(id, [
      { barcode: 'LEAK-1', quantity: 5, salePrice: 10, listPrice: 12 },
      { barcode: 'LEAK-2', quantity: 1 },
    ]);
    expect(pushed.status).toBe(202);
    await stack.settle();
    const jobId = String((pushed.body.jobs as Array<{ jobId: string }>)[0]?.jobId);
    const job = await api.get(`/v1/jobs/${jobId}`);
    expect(job.body.status).toBe('success');
    const batch = await api.get(`/v1/inventory/batch/${String(job.body.batchRequestId)}`);
    expect(batch.status).toBe(200);
    // Only Trendyol's batch-result fields (and ECI's own summary) come back.
    for (const key of Object.keys(batch.body)) {
      expect([
        'batchRequestId',
        'items',
        'creationDate',
        'lastModification',
        'sourceType',
        'itemCount',
        'failedItemCount',
        'batchRequestType',
        '_eci',
      ]).toContain(key);
    }
    await api.get(`/v1/inventory/dedup?connectionId=${id}&bodyHash=${String(job.body.bodyHash)}`);
    await api.get(`/v1/inventory/state?connectionId=${id}`);
    await api.get(`/v1/connections/${id}`);
    await api.get(`/v1/connections/${id}/status`);
    await api.get('/v1/connections');

    // Rotated credentials the simulator does not know: the next push fails with an auth error.
    expect((await api.call('PATCH', `/v1/connections/${id}`, { body: ROTATED })).status).toBe(200);
    const failing = await api.push(id, [{ barcode: 'LEAK-1', quantity: 6 }]);
    await stack.settle();
    const failedJob = await api.get(
      `/v1/jobs/${String((failing.body.jobs as Array<{ jobId: string }>)[0]?.jobId)}`,
    );
    expect(failedJob.body.error).toMatchObject({ code: 'TRENDYOL_AUTH' });
    await api.get(`/v1/connections/${id}/status`);

    const log = readFileSync(stack.logFile ?? '', 'utf8');
    expect(log.length).toBeGreaterThan(0);
    expect(log).toContain(jobId);
    const everything = [...responses, log].join('\n');
    for (const secret of SECRETS) expect(everything).not.toContain(secret);
  });
});
