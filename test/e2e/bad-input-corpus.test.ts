import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionCredentials, SecretStore } from '../../lambdas/ports/secret-store';
import { type LocalStack, startLocalStack } from '../../local/runtime/local-stack';
import { apiClient } from '../support/local-stack-client';
import { BAD_INPUT_CORPUS, type CorpusContext } from './bad-input-corpus';

/** The secret store port over a Map, recording every write so the test can prove there was none. */
class RecordingSecretStore implements SecretStore {
  readonly entries = new Map<string, ConnectionCredentials>();
  writes = 0;
  async put(connectionId: string, credentials: ConnectionCredentials) {
    this.writes += 1;
    const ref = `local/${connectionId}`;
    this.entries.set(ref, { ...credentials });
    return ref;
  }
  async get(ref: string) {
    const found = this.entries.get(ref);
    if (!found) throw new Error(`no secret ${ref}`);
    return { ...found };
  }
  async delete(ref: string) {
    this.writes += 1;
    this.entries.delete(ref);
  }
}

let stack: LocalStack;
let api: ReturnType<typeof apiClient>;
let ctx: CorpusContext;
const secrets = new RecordingSecretStore();
let before: { connections: string; secrets: string; secretWrites: number; simulatorRequests: number };

beforeAll(async () => {
  // Writes enabled: anything that slipped past the edge would really be sent to the simulator.
  stack = await startLocalStack({
    port: 0,
    simulatorPort: 0,
    inMemory: true,
    autoConsume: false,
    writeEnabled: true,
    overrides: { secrets },
  });
  api = apiClient(stack);
  const paused = await api.post('/v1/connections', {
    type: 'trendyol',
    name: 'Paused shop',
    sellerId: '100001',
    apiKey: 'demo-key',
    apiSecret: 'demo-secret',
    baseUrl: stack.simulator.url,
  });
  expect(paused.status).toBe(201);
  const pausedConnectionId = String(paused.body.id);
  expect(
    (await api.call('PATCH', `/v1/connections/${pausedConnectionId}`, { body: { status: 'paused' } })).status,
  ).toBe(200);
  ctx = {
    connectionId: stack.demoConnectionId,
    pausedConnectionId,
    apiOrigin: stack.apiUrl,
    simulatorOrigin: new URL(stack.simulator.url).origin,
  };
  before = {
    connections: JSON.stringify(await stack.container.connections.list()),
    secrets: JSON.stringify([...secrets.entries]),
    secretWrites: secrets.writes,
    simulatorRequests: stack.simulator.requests.length,
  };
});

afterAll(async () => {
  await stack?.stop();
});

describe(`bad-input corpus (${BAD_INPUT_CORPUS.length} cases): each answers its 4xx and code`, () => {
  it('has at least 300 cases, each named once', () => {
    expect(BAD_INPUT_CORPUS.length).toBeGreaterThanOrEqual(300);
    expect(new Set(BAD_INPUT_CORPUS.map((c) => c.name)).size).toBe(BAD_INPUT_CORPUS.length);
  });

  it.each(BAD_INPUT_CORPUS.map((c) => [c.name, c] as const))('%s', async (_name, corpusCase) => {
    const request = corpusCase.request(ctx);
    const res = await api.call(request.method, request.path, {
      ...(request.body !== undefined && { body: request.body }),
      ...(request.rawBody !== undefined && { rawBody: request.rawBody }),
      ...(request.headers && { headers: request.headers }),
      ...(request.apiKey !== undefined && { apiKey: request.apiKey }),
    });
    const body = res.body as {
      ok: boolean;
      error: { code: string; message: string; details: Array<{ path: string; message: string }> };
    };
    expect({ status: res.status, code: body?.error?.code }).toEqual({
      status: corpusCase.status,
      code: corpusCase.code,
    });
    expect(body.ok).toBe(false);
    expect(body.error.message.length).toBeGreaterThan(0);
    if (corpusCase.detailPath !== undefined) {
      expect(body.error.details.map((d) => d.path)).toContain(corpusCase.detailPath);
    }
  });

  // The issue's own examples: each message names the problem, not only the details.
  const connectionBody = (c: CorpusContext, extra: Record<string, unknown>) => ({
    type: 'trendyol',
    name: 'Example',
    sellerId: 1,
    apiKey: 'k',
    apiSecret: 's',
    baseUrl: `${c.simulatorOrigin}/integration`,
    ...extra,
  });
  it.each([
    ['?dryrun=1', (c: CorpusContext) => ['POST', '/v1/inventory/push?dryrun=1', c.connectionId], /"dryrun"/],
    [
      '?dryRun=on',
      (c: CorpusContext) => ['POST', '/v1/inventory/push?dryRun=on', c.connectionId],
      /query\.dryRun must be 1, 0, true or false/,
    ],
    [
      '?dryRun=1&dryRun=0',
      (c: CorpusContext) => ['POST', '/v1/inventory/push?dryRun=1&dryRun=0', c.connectionId],
      /query\.dryRun given 2 times/,
    ],
    ['a malformed escape', () => ['GET', '/v1/jobs/%E0%A4%A'], /%E0%A4%A.*not valid percent-encoded/],
    ['a NUL in an id', () => ['GET', '/v1/jobs/c%00x'], /path\.id must not contain NUL/],
    [
      'a NUL in a query value',
      (c: CorpusContext) => ['GET', `/v1/inventory/state?connectionId=${c.connectionId}&barcode=A%00`],
      /query\.barcode must not contain NUL/,
    ],
    [
      'sellerId true',
      (c: CorpusContext) => ['POST', '/v1/connections', connectionBody(c, { sellerId: true })],
      /sellerId must be a positive integer/,
    ],
    [
      'sellerId "0x10"',
      (c: CorpusContext) => ['POST', '/v1/connections', connectionBody(c, { sellerId: '0x10' })],
      /sellerId must be a positive integer/,
    ],
    [
      'a metadata base URL',
      (c: CorpusContext) => [
        'POST',
        '/v1/connections',
        connectionBody(c, { baseUrl: 'http://169.254.169.254/' }),
      ],
      /baseUrl must not point at 169\.254\.169\.254 .*link-local/,
    ],
    [
      'localhost:22',
      (c: CorpusContext) => [
        'POST',
        '/v1/connections',
        connectionBody(c, { baseUrl: 'http://localhost:22' }),
      ],
      /baseUrl may point at http:\/\/localhost:22 only if/,
    ],
    [
      'userinfo',
      (c: CorpusContext) => [
        'POST',
        '/v1/connections',
        connectionBody(c, { baseUrl: `${c.simulatorOrigin.replace('//', '//u:p@')}` }),
      ],
      /user:password/,
    ],
  ] as const)('the example %s is answered with a message naming it', async (_name, build, pattern) => {
    const [method, path, arg] = build(ctx) as [string, string, unknown];
    const body =
      method === 'POST' && path.startsWith('/v1/inventory/push')
        ? { connectionId: arg, items: [{ barcode: 'EX-1', quantity: 1 }] }
        : arg;
    const res = await api.call(method, path, body === undefined ? {} : { body });
    expect(res.status).toBe(400);
    const error = (
      res.body as { error: { message: string; details: Array<{ path: string; message: string }> } }
    ).error;
    const said = `${error.message} | ${error.details.map((d) => `${d.path} ${d.message}`).join(' | ')}`;
    expect(said).toMatch(pattern);
  });

  it('left nothing behind: no connection changed, no secret written, no job, no value, nothing queued, nothing sent', async () => {
    expect(JSON.stringify(await stack.container.connections.list())).toBe(before.connections);
    expect(secrets.writes).toBe(before.secretWrites);
    expect(JSON.stringify([...secrets.entries])).toBe(before.secrets);
    for (const id of [ctx.connectionId, ctx.pausedConnectionId]) {
      expect(await stack.container.jobs.latestForConnection(id)).toBeUndefined();
      expect(await stack.container.inventory.listBarcodes(id, null, 10)).toEqual([]);
    }
    for (const queueUrl of [stack.queueUrl, stack.dlqUrl]) {
      const queued = await stack.sqsClient.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
      );
      expect(queued.Messages ?? []).toEqual([]);
    }
    await stack.settle();
    expect(stack.simulator.requests.length).toBe(before.simulatorRequests);
  });
});
