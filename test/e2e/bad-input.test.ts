import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../local/runtime/local-stack';
import { apiClient } from '../support/local-stack-client';

let stack: LocalStack;
let api: ReturnType<typeof apiClient>;
let connectionId: string;
let pausedConnectionId: string;

beforeAll(async () => {
  stack = await startLocalStack({ port: 0, simulatorPort: 0, inMemory: true, autoConsume: false });
  api = apiClient(stack);
  connectionId = stack.demoConnectionId;
  const created = await api.post('/v1/connections', {
    type: 'trendyol',
    name: 'Paused shop',
    sellerId: 100001,
    apiKey: 'demo-key',
    apiSecret: 'demo-secret',
    baseUrl: stack.simulator.url,
  });
  expect(created.status).toBe(201);
  pausedConnectionId = String(created.body.id);
  const paused = await api.call('PATCH', `/v1/connections/${pausedConnectionId}`, {
    body: { status: 'paused' },
  });
  expect(paused.body).toMatchObject({ status: 'paused' });
});

afterAll(async () => {
  await stack?.stop();
});

const item = (extra: Record<string, unknown> = {}) => ({ barcode: 'BAD-1', quantity: 1, ...extra });
const push = (items: unknown[]) => ({ connectionId, items });

describe('every kind of bad input gets its 4xx and changes nothing', () => {
  const cases: Array<
    [
      name: string,
      request: () => Parameters<ReturnType<typeof apiClient>['call']>,
      status: number,
      code: string,
      path?: string,
    ]
  > = [
    [
      'malformed JSON',
      () => [
        'POST',
        '/v1/inventory/push',
        { rawBody: '{"connectionId":', headers: { 'content-type': 'application/json' } },
      ],
      400,
      'MALFORMED_JSON',
    ],
    [
      'wrong content type',
      () => [
        'POST',
        '/v1/inventory/push',
        { rawBody: JSON.stringify(push([item()])), headers: { 'content-type': 'text/plain' } },
      ],
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    [
      'quantity as a string',
      () => ['POST', '/v1/inventory/push', { body: push([item({ quantity: '5' })]) }],
      400,
      'VALIDATION_FAILED',
      'items.0.quantity',
    ],
    [
      'quantity over 20,000',
      () => ['POST', '/v1/inventory/push', { body: push([item({ quantity: 20001 })]) }],
      400,
      'VALIDATION_FAILED',
      'items.0.quantity',
    ],
    [
      'negative quantity',
      () => ['POST', '/v1/inventory/push', { body: push([item({ quantity: -1 })]) }],
      400,
      'VALIDATION_FAILED',
      'items.0.quantity',
    ],
    [
      'price with 3 decimals',
      () => ['POST', '/v1/inventory/push', { body: push([item({ salePrice: 10.005 })]) }],
      400,
      'VALIDATION_FAILED',
      'items.0.salePrice',
    ],
    [
      'negative price',
      () => ['POST', '/v1/inventory/push', { body: push([item({ listPrice: -5 })]) }],
      400,
      'VALIDATION_FAILED',
      'items.0.listPrice',
    ],
    [
      'listPrice below salePrice',
      () => ['POST', '/v1/inventory/push', { body: push([item({ salePrice: 100, listPrice: 99.99 })]) }],
      400,
      'VALIDATION_FAILED',
      'items.0.listPrice',
    ],
    [
      'blank barcode',
      () => ['POST', '/v1/inventory/push', { body: push([item({ barcode: '   ' })]) }],
      400,
      'VALIDATION_FAILED',
      'items.0.barcode',
    ],
    [
      'nothing to update',
      () => ['POST', '/v1/inventory/push', { body: push([{ barcode: 'BAD-1' }]) }],
      400,
      'VALIDATION_FAILED',
      'items.0',
    ],
    [
      'currency other than TRY',
      () => ['POST', '/v1/inventory/push', { body: push([item({ currencyType: 'USD' })]) }],
      400,
      'VALIDATION_FAILED',
      'items.0.currencyType',
    ],
    ['no items', () => ['POST', '/v1/inventory/push', { body: push([]) }], 400, 'VALIDATION_FAILED', 'items'],
    [
      'too many items',
      () => [
        'POST',
        '/v1/inventory/push',
        { body: push(Array.from({ length: 50_001 }, (_, i) => ({ barcode: `B${i}`, quantity: 1 }))) },
      ],
      400,
      'VALIDATION_FAILED',
      'items',
    ],
    [
      'too large a body',
      () => [
        'POST',
        '/v1/inventory/push',
        { body: { connectionId, items: [item()], padding: 'x'.repeat(5 * 1024 * 1024) } },
      ],
      413,
      'PAYLOAD_TOO_LARGE',
    ],
    [
      'unknown connection',
      () => ['POST', '/v1/inventory/push', { body: { connectionId: 'cnotaconnection', items: [item()] } }],
      404,
      'CONNECTION_NOT_FOUND',
    ],
    [
      'paused connection',
      () => ['POST', '/v1/inventory/push', { body: { connectionId: pausedConnectionId, items: [item()] } }],
      409,
      'CONNECTION_PAUSED',
    ],
    [
      'missing API key',
      () => ['POST', '/v1/inventory/push', { body: push([item()]), apiKey: null }],
      401,
      'UNAUTHORIZED',
    ],
    [
      'wrong API key',
      () => ['POST', '/v1/inventory/push', { body: push([item()]), apiKey: 'not-the-key' }],
      401,
      'UNAUTHORIZED',
    ],
    ['unknown job', () => ['GET', '/v1/jobs/cnotajob', {}], 404, 'JOB_NOT_FOUND'],
    ['wrong method', () => ['DELETE', '/v1/jobs/cnotajob', {}], 405, 'METHOD_NOT_ALLOWED'],
    ['unknown route', () => ['GET', '/v1/nothing-here', {}], 404, 'ROUTE_NOT_FOUND'],
    [
      'connection without secret',
      () => ['POST', '/v1/connections', { body: { type: 'trendyol', name: 'x', sellerId: 1, apiKey: 'k' } }],
      400,
      'VALIDATION_FAILED',
      'apiSecret',
    ],
    [
      'connection with a bad seller id',
      () => [
        'POST',
        '/v1/connections',
        { body: { type: 'trendyol', name: 'x', sellerId: -4, apiKey: 'k', apiSecret: 's' } },
      ],
      400,
      'VALIDATION_FAILED',
      'sellerId',
    ],
    [
      'patch with an unknown status',
      () => ['PATCH', `/v1/connections/${connectionId}`, { body: { status: 'deleted' } }],
      400,
      'VALIDATION_FAILED',
      'status',
    ],
  ];

  it.each(cases)('%s', async (_name, request, status, code, path) => {
    const res = await api.call(...request());
    expect(res.status).toBe(status);
    const body = res.body as {
      ok: boolean;
      error: { code: string; message: string; details: Array<{ path: string }> };
    };
    expect(body.ok).toBe(false);
    expect(body.error.code).toBe(code);
    expect(body.error.message.length).toBeGreaterThan(0);
    expect(Array.isArray(body.error.details)).toBe(true);
    if (path !== undefined) expect(body.error.details.map((d) => d.path)).toContain(path);
  });

  it('left no job, no message, no per-barcode value and no dedup record behind', async () => {
    const queued = await stack.sqsClient.send(
      new ReceiveMessageCommand({ QueueUrl: stack.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    expect(queued.Messages ?? []).toEqual([]);
    expect(await stack.container.jobs.latestForConnection(connectionId)).toBeUndefined();
    expect(await stack.container.jobs.latestForConnection(pausedConnectionId)).toBeUndefined();
    expect((await stack.container.inventory.findKnownValues(connectionId, ['BAD-1'])).size).toBe(0);
    const status = await api.get(`/v1/connections/${connectionId}/status`);
    expect(status.body).toMatchObject({ state: { lastStatus: 'IDLE', lastJobId: null }, lastJob: null });
  });
});
