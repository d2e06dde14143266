import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TrendyolHttpClient, userAgentFor } from '../../../lambdas/adapters/trendyol/trendyol-http-client';
import type { BatchOutcome, ReadBackOutcome, UpdateOutcome } from '../../../lambdas/ports/marketplace';
import type { Connection } from '../../../lambdas/ports/repositories';
import type { ConnectionCredentials } from '../../../lambdas/ports/secret-store';
import {
  createManualClock,
  createTrendyolSimulator,
  DUPLICATE_REQUEST_MESSAGE,
  type ManualClock,
  type SimRequestRecord,
  type TrendyolSimulator,
} from '../../../local/simulator/simulator';

// The adapter against the real simulator over HTTP: every classification of the port, and what
// Trendyol (the simulator) actually received. The manual clock drives the 15-minute and 4-hour rules.

const SELLER_ID = 100001;
const CREDENTIALS: ConnectionCredentials = { apiKey: 'it-api-key', apiSecret: 'it-api-secret' };
const BASIC = `Basic ${Buffer.from('it-api-key:it-api-secret').toString('base64')}`;
const LOCKED_BARCODE = 'LOCKED-1';
const BATCH_ID = /^[0-9a-f-]{36}-\d+$/;
const UPDATE_PATH = `/integration/inventory/sellers/${SELLER_ID}/products/price-and-inventory`;
const BATCH_PATH = `/integration/product/sellers/${SELLER_ID}/products/batch-requests/`;
const READ_BACK_PATH = `/integration/product/sellers/${SELLER_ID}/products/approved/inventory-and-price`;
const STAGE_BASE_URL = 'https://stageapigw.trendyol.com/integration';

let clock: ManualClock;
let sim: TrendyolSimulator;

beforeAll(async () => {
  clock = createManualClock(Date.UTC(2026, 9, 1));
  sim = await createTrendyolSimulator({
    clock,
    seed: 42,
    sellers: [
      {
        sellerId: SELLER_ID,
        apiKey: CREDENTIALS.apiKey,
        apiSecret: CREDENTIALS.apiSecret,
        approvedBarcodes: 'any',
        lockedBarcodes: [LOCKED_BARCODE],
      },
    ],
  });
});

afterAll(async () => {
  await sim?.close();
});

beforeEach(() => {
  sim.reset();
  sim.clearFaults();
});

function connection(overrides: Partial<Connection> = {}): Connection {
  return {
    id: 'conn-it-1',
    type: 'trendyol',
    name: 'Integration shop',
    sellerId: SELLER_ID,
    baseUrl: sim.url,
    integratorName: 'EciTest',
    secretRef: 'secret/conn-it-1',
    status: 'active',
    writeRateLimitPerMinute: 350,
    createdAt: '2026-10-01T00:00:00.000Z',
    updatedAt: '2026-10-01T00:00:00.000Z',
    ...overrides,
  };
}

interface BodyItem {
  barcode: string;
  quantity?: number;
  salePrice?: number;
  listPrice?: number;
}

function bodyOf(items: BodyItem[]): string {
  return JSON.stringify({ items });
}

function expectKind<T extends { kind: string }, K extends T['kind']>(
  outcome: T,
  kind: K,
): Extract<T, { kind: K }> {
  expect(outcome).toMatchObject({ kind });
  return outcome as Extract<T, { kind: K }>;
}

function onlyRequest(): SimRequestRecord {
  expect(sim.requests).toHaveLength(1);
  return requestAt(0);
}

function requestAt(index: number): SimRequestRecord {
  const record = sim.requests.at(index);
  if (!record) throw new Error(`the simulator received no request #${index}`);
  return record;
}

async function accept(client: TrendyolHttpClient, body: string, conn = connection()): Promise<string> {
  return expectKind(await client.updatePriceAndInventory(conn, CREDENTIALS, body), 'accepted').batchRequestId;
}

/** A port that nothing listens on: bound once, then released. */
async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${address.port}/integration`;
}

interface CapturedCall {
  url: string;
  method: string;
  headers: Headers;
}

/** A fetch that never touches the network: answers every call with `respond()` and records it. */
function fakeFetch(respond: () => Response, calls: CapturedCall[], host = 'stageapigw.trendyol.com') {
  const impl: typeof fetch = async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (new URL(url).hostname !== host) throw new Error(`unexpected host in ${url}`);
    calls.push({ url, method: init?.method ?? 'GET', headers: new Headers(init?.headers) });
    return respond();
  };
  return impl;
}

describe('updatePriceAndInventory: accepted', () => {
  it('returns the batchRequestId and sends Basic auth, the User-Agent, JSON and the exact bytes', async () => {
    const client = new TrendyolHttpClient();
    const body = bodyOf([{ barcode: 'ECI-1', quantity: 100, salePrice: 112.85, listPrice: 113.85 }]);
    const outcome = expectKind(
      await client.updatePriceAndInventory(connection(), CREDENTIALS, body),
      'accepted',
    );
    expect(outcome.batchRequestId).toMatch(BATCH_ID);
    expect(outcome.batchRequestId.endsWith(`-${Math.floor(clock.now().getTime() / 1000)}`)).toBe(true);
    expect(outcome.httpStatus).toBe(200);
    expect(outcome.latencyMs).toBeGreaterThanOrEqual(0);

    const received = onlyRequest();
    expect(received.method).toBe('POST');
    expect(received.path).toBe(UPDATE_PATH);
    expect(received.headers.authorization).toBe(BASIC);
    expect(received.headers['user-agent']).toBe(`${SELLER_ID} - EciTest`);
    expect(received.headers['content-type']).toBe('application/json');
    expect(received.body).toBe(body);
    expect(received.body).not.toContain('currencyType');
    expect(received.status).toBe(200);
    expect(received.batchRequestId).toBe(outcome.batchRequestId);
    expect(sim.batch(outcome.batchRequestId)?.itemCount).toBe(1);
  });

  it('sends "<sellerId> - SelfIntegration" when the connection has no integrator name', async () => {
    const client = new TrendyolHttpClient();
    const conn = connection({ integratorName: null });
    expect(userAgentFor(conn)).toBe(`${SELLER_ID} - SelfIntegration`);
    await accept(client, bodyOf([{ barcode: 'ECI-2', quantity: 1 }]), conn);
    expect(onlyRequest().headers['user-agent']).toBe(`${SELLER_ID} - SelfIntegration`);
  });

  it('sends the body byte for byte, without re-serialising it (spacing, key order, price-only item)', async () => {
    const client = new TrendyolHttpClient();
    const body = '{ "items" : [ {"salePrice":10.5, "barcode":"ECI-3"}, {"barcode":"ŞĞÜ-İ","quantity":1} ] }';
    await accept(client, body);
    expect(onlyRequest().body).toBe(body);
    expect(onlyRequest().headers['content-length']).toBe(String(Buffer.byteLength(body, 'utf8')));
  });
});

describe('updatePriceAndInventory: validation', () => {
  it('classifies more than 1000 items as validation with Trendyol’s body verbatim', async () => {
    const client = new TrendyolHttpClient();
    const items = Array.from({ length: 1001 }, (_, i) => ({ barcode: `BULK-${i}`, quantity: 1 }));
    const body = bodyOf(items);
    const outcome = expectKind(
      await client.updatePriceAndInventory(connection(), CREDENTIALS, body),
      'validation',
    );
    expect(outcome.httpStatus).toBe(400);
    expect(outcome.body).toEqual({
      errors: [
        {
          key: 'items.size.exceeded',
          message: 'Tek istekte en fazla 1000 ürün gönderilebilir',
          errorCode: '400',
        },
      ],
    });
    const received = onlyRequest();
    expect(received.status).toBe(400);
    expect(received.body).toBe(body);
  });

  it('classifies a blank barcode as validation', async () => {
    const client = new TrendyolHttpClient();
    const outcome = expectKind(
      await client.updatePriceAndInventory(
        connection(),
        CREDENTIALS,
        bodyOf([{ barcode: '  ', quantity: 1 }]),
      ),
      'validation',
    );
    expect(outcome.body).toEqual({
      errors: [{ key: 'item.barcode.blank', message: 'items[0].barcode boş olamaz', errorCode: '400' }],
    });
    expect(onlyRequest().status).toBe(400);
  });

  it('classifies a refused extra field (currencyType) as validation, not as a duplicate', async () => {
    const client = new TrendyolHttpClient();
    const body = '{"items":[{"barcode":"ECI-4","salePrice":5,"currencyType":"TRY"}]}';
    const outcome = expectKind(
      await client.updatePriceAndInventory(connection(), CREDENTIALS, body),
      'validation',
    );
    expect(outcome.body).toMatchObject({ errors: [{ key: 'item.unknown.field' }] });
  });
});

describe('updatePriceAndInventory: the 15-minute identical-request rule', () => {
  it('refuses the same body within 15 minutes as duplicate-request and accepts it once the window passed', async () => {
    const client = new TrendyolHttpClient();
    const body = bodyOf([{ barcode: 'DUP-1', quantity: 3, salePrice: 20, listPrice: 25 }]);
    const first = await accept(client, body);

    const refused = expectKind(
      await client.updatePriceAndInventory(connection(), CREDENTIALS, body),
      'duplicate-request',
    );
    expect(refused.httpStatus).toBe(400);
    expect(refused.body).toEqual({
      errors: [{ key: 'request.duplicate', message: DUPLICATE_REQUEST_MESSAGE, errorCode: '400' }],
    });

    // Any other value gets through meanwhile.
    await accept(client, bodyOf([{ barcode: 'DUP-1', quantity: 4, salePrice: 20, listPrice: 25 }]));

    clock.advance(15 * 60_000 - 1_000);
    expectKind(await client.updatePriceAndInventory(connection(), CREDENTIALS, body), 'duplicate-request');
    clock.advance(2_000);
    const again = await accept(client, body);
    expect(again).not.toBe(first);

    expect(sim.requests.map((r) => r.status)).toEqual([200, 400, 200, 400, 200]);
    expect(sim.requests.every((r) => r.method === 'POST' && r.path === UPDATE_PATH)).toBe(true);
    expect(requestAt(1).body).toBe(body);
  });
});

describe('updatePriceAndInventory: auth and blocked', () => {
  it('classifies a wrong secret (401 JSON) as auth', async () => {
    const client = new TrendyolHttpClient();
    const wrong: ConnectionCredentials = { apiKey: CREDENTIALS.apiKey, apiSecret: 'wrong-secret' };
    const outcome = expectKind(
      await client.updatePriceAndInventory(connection(), wrong, bodyOf([{ barcode: 'AUTH-1', quantity: 1 }])),
      'auth',
    );
    expect(outcome.httpStatus).toBe(401);
    expect(outcome.body).toEqual({ exception: 'ClientApiAuthenticationException' });
    const received = onlyRequest();
    expect(received.status).toBe(401);
    expect(received.headers.authorization).toBe(
      `Basic ${Buffer.from(`${CREDENTIALS.apiKey}:wrong-secret`).toString('base64')}`,
    );
  });

  it('classifies a 403 JSON refusal of the User-Agent as auth', async () => {
    const client = new TrendyolHttpClient();
    const conn = connection({ integratorName: 'Not Alnum!' });
    const outcome = expectKind(
      await client.updatePriceAndInventory(conn, CREDENTIALS, bodyOf([{ barcode: 'AUTH-2', quantity: 1 }])),
      'auth',
    );
    expect(outcome.httpStatus).toBe(403);
    expect(outcome.body).toMatchObject({ errors: [{ key: 'user.agent.invalid' }] });
    expect(onlyRequest().headers['user-agent']).toBe(`${SELLER_ID} - Not Alnum!`);
  });

  it.each([401, 403])('classifies an HTML %i (IP not allow-listed) as blocked', async (status) => {
    const calls: CapturedCall[] = [];
    const html = `<html><body><h1>${status} Forbidden</h1></body></html>`;
    const client = new TrendyolHttpClient({
      fetch: fakeFetch(() => new Response(html, { status, headers: { 'content-type': 'text/html' } }), calls),
    });
    const outcome = expectKind(
      await client.updatePriceAndInventory(
        connection({ baseUrl: STAGE_BASE_URL }),
        CREDENTIALS,
        bodyOf([{ barcode: 'STAGE-1', quantity: 1 }]),
      ),
      'blocked',
    );
    expect(outcome.httpStatus).toBe(status);
    // The page is summarised, never kept whole.
    expect(outcome.body).toBe(`HTML page (${html.length} chars): ${status} Forbidden`);
    expect(calls).toHaveLength(1);
    expect(sim.requests).toHaveLength(0);
  });

  it('classifies a 503 from stageapigw.trendyol.com as blocked on all three endpoints', async () => {
    const calls: CapturedCall[] = [];
    const client = new TrendyolHttpClient({
      fetch: fakeFetch(() => new Response('<html>503 Service Unavailable</html>', { status: 503 }), calls),
    });
    const stage = connection({ baseUrl: STAGE_BASE_URL });
    const update = await client.updatePriceAndInventory(
      stage,
      CREDENTIALS,
      bodyOf([{ barcode: 'S-1', quantity: 1 }]),
    );
    const batch = await client.getBatchResult(stage, CREDENTIALS, 'some-batch-id');
    const readBack = await client.readBack(stage, CREDENTIALS, ['S-1']);
    expect(expectKind(update, 'blocked').httpStatus).toBe(503);
    expect(expectKind(batch, 'blocked').httpStatus).toBe(503);
    expect(expectKind(readBack, 'blocked').httpStatus).toBe(503);

    expect(calls.map((c) => [c.method, new URL(c.url).pathname])).toEqual([
      ['POST', `/integration/inventory/sellers/${SELLER_ID}/products/price-and-inventory`],
      ['GET', `/integration/product/sellers/${SELLER_ID}/products/batch-requests/some-batch-id`],
      ['GET', `/integration/product/sellers/${SELLER_ID}/products/approved/inventory-and-price`],
    ]);
    for (const call of calls) {
      expect(call.headers.get('authorization')).toBe(BASIC);
      expect(call.headers.get('user-agent')).toBe(`${SELLER_ID} - EciTest`);
    }
    expect(sim.requests).toHaveLength(0);
  });
});

describe('rate limits', () => {
  it('classifies the 51st update within 10 s as rate-limited, without Retry-After by default', async () => {
    const client = new TrendyolHttpClient();
    for (let i = 0; i < 50; i++) await accept(client, bodyOf([{ barcode: `RL-${i}`, quantity: i }]));
    const outcome = expectKind(
      await client.updatePriceAndInventory(
        connection(),
        CREDENTIALS,
        bodyOf([{ barcode: 'RL-50', quantity: 1 }]),
      ),
      'rate-limited',
    );
    expect(outcome.httpStatus).toBe(429);
    expect(outcome.retryAfterMs).toBeNull();
    expect(sim.requests).toHaveLength(51);
    expect(requestAt(50).status).toBe(429);
    expect(requestAt(50).path).toBe(UPDATE_PATH);
  });

  it('classifies the 51st batch-result read as rate-limited too (the burst is per endpoint)', async () => {
    const client = new TrendyolHttpClient();
    for (let i = 0; i < 50; i++)
      expectKind(await client.getBatchResult(connection(), CREDENTIALS, `id-${i}`), 'found');
    const outcome = expectKind(
      await client.getBatchResult(connection(), CREDENTIALS, 'id-50'),
      'rate-limited',
    );
    expect(outcome.httpStatus).toBe(429);
    expect(requestAt(50).status).toBe(429);
    // Updates still have their own budget.
    await accept(client, bodyOf([{ barcode: 'RL-OTHER', quantity: 1 }]));
  });

  it('turns a Retry-After header into retryAfterMs', async () => {
    const own = await createTrendyolSimulator({
      clock: createManualClock(Date.UTC(2026, 9, 1)),
      seed: 7,
      sellers: [{ sellerId: SELLER_ID, ...CREDENTIALS, approvedBarcodes: 'any' }],
      rateLimits: { retryAfter: true },
    });
    try {
      const client = new TrendyolHttpClient();
      const conn = connection({ baseUrl: own.url });
      for (let i = 0; i < 50; i++) await accept(client, bodyOf([{ barcode: `RA-${i}`, quantity: 1 }]), conn);
      const outcome = expectKind(
        await client.updatePriceAndInventory(conn, CREDENTIALS, bodyOf([{ barcode: 'RA-50', quantity: 1 }])),
        'rate-limited',
      );
      expect(typeof outcome.retryAfterMs).toBe('number');
      expect(outcome.retryAfterMs).toBe(10_000);
      expect(own.requests.at(-1)?.status).toBe(429);
    } finally {
      await own.close();
    }
  });
});

describe('server errors, timeouts and the ambiguous cases', () => {
  it.each([500, 502, 503, 504] as const)('classifies an injected %i as server-error', async (status) => {
    sim.injectFault({ kind: 'status', status, endpoint: 'update' });
    const client = new TrendyolHttpClient();
    const outcome = expectKind(
      await client.updatePriceAndInventory(
        connection(),
        CREDENTIALS,
        bodyOf([{ barcode: 'SE-1', quantity: 1 }]),
      ),
      'server-error',
    );
    expect(outcome.httpStatus).toBe(status);
    if (status === 500) {
      expect(outcome.body).toMatchObject({ exception: 'TrendyolSystemException' });
    } else {
      expect(outcome.body).toEqual(
        expect.stringMatching(new RegExp(`^HTML page \\(\\d+ chars\\): ${status} `)),
      );
    }
    const received = onlyRequest();
    expect(received.fault).toBe('status');
    expect(received.status).toBe(status);
    expect(received.method).toBe('POST');
    // Nothing was queued: the same body goes through afterwards.
    await accept(client, bodyOf([{ barcode: 'SE-1', quantity: 1 }]));
  });

  it('classifies 5xx on the read endpoints as server-error', async () => {
    sim.injectFault({ kind: 'status', status: 500, endpoint: 'batch' });
    sim.injectFault({ kind: 'status', status: 503, endpoint: 'readback' });
    const client = new TrendyolHttpClient();
    expect(
      expectKind(await client.getBatchResult(connection(), CREDENTIALS, 'x'), 'server-error').httpStatus,
    ).toBe(500);
    expect(
      expectKind(await client.readBack(connection(), CREDENTIALS, ['A']), 'server-error').httpStatus,
    ).toBe(503);
    expect(sim.requests.map((r) => [r.method, r.fault, r.status])).toEqual([
      ['GET', 'status', 500],
      ['GET', 'status', 503],
    ]);
  });

  // No wall-clock bound: the simulator holds the answer for 10 s and the test may take 5, so only the
  // client's own 300 ms timeout can end the call in time (else vitest fails the test).
  it('classifies a hanging update as timeout after updateTimeoutMs', { timeout: 5_000 }, async () => {
    sim.injectFault({ kind: 'timeout', ms: 10_000 });
    const client = new TrendyolHttpClient({ updateTimeoutMs: 300 });
    const outcome = expectKind(
      await client.updatePriceAndInventory(
        connection(),
        CREDENTIALS,
        bodyOf([{ barcode: 'TO-1', quantity: 1 }]),
      ),
      'timeout',
    );
    // the latency it reports is the time it waited: at least its timeout
    expect(outcome.latencyMs).toBeGreaterThanOrEqual(250);
    const received = onlyRequest();
    expect(received.fault).toBe('timeout');
    expect(received.status).toBeNull();
    expect(received.path).toBe(UPDATE_PATH);
  });

  it('classifies a hanging batch-result read as timeout after readTimeoutMs', async () => {
    sim.injectFault({ kind: 'timeout', ms: 2000, endpoint: 'batch' });
    const client = new TrendyolHttpClient({ readTimeoutMs: 300 });
    expectKind(await client.getBatchResult(connection(), CREDENTIALS, 'slow'), 'timeout');
    expect(onlyRequest().fault).toBe('timeout');
  });

  it('a timeout whose body was accepted makes the blind retry a duplicate-request', async () => {
    sim.injectFault({ kind: 'timeout', ms: 2000, accept: true });
    const client = new TrendyolHttpClient({ updateTimeoutMs: 300 });
    const body = bodyOf([{ barcode: 'TO-2', quantity: 9 }]);
    expectKind(await client.updatePriceAndInventory(connection(), CREDENTIALS, body), 'timeout');
    expectKind(await client.updatePriceAndInventory(connection(), CREDENTIALS, body), 'duplicate-request');
    expect(requestAt(0).batchRequestId).toMatch(BATCH_ID);
  });

  it('500-after-accept is a server-error, and the retry of the same body is a duplicate-request', async () => {
    sim.injectFault({ kind: '500-after-accept' });
    const client = new TrendyolHttpClient();
    const body = bodyOf([{ barcode: 'AMB-1', quantity: 11, salePrice: 99.9, listPrice: 120 }]);
    const first = expectKind(
      await client.updatePriceAndInventory(connection(), CREDENTIALS, body),
      'server-error',
    );
    expect(first.httpStatus).toBe(500);
    expect(first.body).toMatchObject({ exception: 'TrendyolSystemException' });

    const retry = expectKind(
      await client.updatePriceAndInventory(connection(), CREDENTIALS, body),
      'duplicate-request',
    );
    expect(retry.httpStatus).toBe(400);

    // The first attempt really queued a batch: that is what the consumer must resolve.
    const queued = requestAt(0).batchRequestId;
    expect(queued).toMatch(BATCH_ID);
    expect(sim.batch(queued ?? '')?.itemCount).toBe(1);
    expect(sim.requests.map((r) => [r.fault, r.status, r.body === body])).toEqual([
      ['500-after-accept', 500, true],
      [null, 400, true],
    ]);
  });

  it('classifies a 200 without batchRequestId as no-batch-id', async () => {
    sim.injectFault({ kind: '200-without-batch-id' });
    const client = new TrendyolHttpClient();
    const body = bodyOf([{ barcode: 'NB-1', quantity: 2 }]);
    const outcome = expectKind(
      await client.updatePriceAndInventory(connection(), CREDENTIALS, body),
      'no-batch-id',
    );
    expect(outcome.httpStatus).toBe(200);
    expect(outcome.body).toEqual({});
    const received = onlyRequest();
    expect(received.fault).toBe('200-without-batch-id');
    expect(received.status).toBe(200);
    // The batch exists all the same: a retry is refused as a duplicate.
    expectKind(await client.updatePriceAndInventory(connection(), CREDENTIALS, body), 'duplicate-request');
  });

  it('classifies a 200 without batchRequestId that queued nothing as no-batch-id too', async () => {
    sim.injectFault({ kind: '200-without-batch-id', accept: false });
    const client = new TrendyolHttpClient();
    const body = bodyOf([{ barcode: 'NB-2', quantity: 2 }]);
    expectKind(await client.updatePriceAndInventory(connection(), CREDENTIALS, body), 'no-batch-id');
    await accept(client, body);
  });

  it('classifies a refused connection as server-error with httpStatus 0', async () => {
    const client = new TrendyolHttpClient({ updateTimeoutMs: 2000, readTimeoutMs: 2000 });
    const dead = connection({ baseUrl: await closedPortUrl() });
    const update = expectKind(
      await client.updatePriceAndInventory(dead, CREDENTIALS, bodyOf([{ barcode: 'NET-1', quantity: 1 }])),
      'server-error',
    );
    expect(update.httpStatus).toBe(0);
    expect(typeof update.body).toBe('string');
    expect(expectKind(await client.getBatchResult(dead, CREDENTIALS, 'x'), 'server-error').httpStatus).toBe(
      0,
    );
    expect(expectKind(await client.readBack(dead, CREDENTIALS, ['NET-1']), 'server-error').httpStatus).toBe(
      0,
    );
    expect(sim.requests).toHaveLength(0);
  });
});

describe('getBatchResult', () => {
  it('answers found with no items while the batch is processing, without a top-level status', async () => {
    const client = new TrendyolHttpClient();
    const id = await accept(client, bodyOf([{ barcode: 'BR-1', quantity: 5 }]));
    const outcome = expectKind(await client.getBatchResult(connection(), CREDENTIALS, id), 'found');
    expect(outcome.batch.batchRequestId).toBe(id);
    expect(outcome.batch.items).toEqual([]);
    expect(outcome.batch.raw).not.toHaveProperty('status');
    expect(outcome.batch.raw).toMatchObject({
      batchRequestId: id,
      itemCount: 1,
      batchRequestType: 'ProductInventoryUpdate',
      sourceType: 'API',
    });

    const received = requestAt(1);
    expect(received.method).toBe('GET');
    expect(received.path).toBe(`${BATCH_PATH}${id}`);
    expect(received.headers.authorization).toBe(BASIC);
    expect(received.headers['user-agent']).toBe(`${SELLER_ID} - EciTest`);
    expect(received.headers['content-type']).toBeUndefined();
    expect(received.body).toBe('');
  });

  it('answers SUCCESS items echoing the request once processed', async () => {
    const client = new TrendyolHttpClient();
    const id = await accept(
      client,
      bodyOf([{ barcode: 'BR-2', quantity: 5, salePrice: 112.85, listPrice: 113.85 }]),
    );
    expect(sim.settleAll()).toBe(1);
    const outcome = expectKind(await client.getBatchResult(connection(), CREDENTIALS, id), 'found');
    expect(outcome.batch.items).toHaveLength(1);
    expect(outcome.batch.items[0]).toMatchObject({
      status: 'SUCCESS',
      failureReasons: [],
      requestItem: { barcode: 'BR-2', quantity: 5, salePrice: 112.85, listPrice: 113.85 },
    });
    expect(outcome.batch.raw).not.toHaveProperty('status');
    expect(outcome.batch.raw).toMatchObject({ itemCount: 1, failedItemCount: 0 });
  });

  it('keeps Turkish failure reasons verbatim on a partial failure', async () => {
    const client = new TrendyolHttpClient();
    const id = await accept(
      client,
      bodyOf([
        { barcode: 'BR-OK', quantity: 1 },
        { barcode: LOCKED_BARCODE, quantity: 2 },
        { barcode: 'ABC 123', quantity: 3 },
      ]),
    );
    sim.settleAll();
    const outcome = expectKind(await client.getBatchResult(connection(), CREDENTIALS, id), 'found');
    expect(outcome.batch.items.map((i) => [i.requestItem.barcode, i.status, i.failureReasons])).toEqual([
      ['BR-OK', 'SUCCESS', []],
      [LOCKED_BARCODE, 'FAILED', ['Ürün kilitli olduğu için güncellenemez']],
      ['ABC 123', 'FAILED', ['Barkod formatı geçersiz']],
    ]);
    expect(outcome.batch.raw).toMatchObject({ itemCount: 3, failedItemCount: 2 });
  });

  it('answers gone once the 4-hour retention has passed', async () => {
    const client = new TrendyolHttpClient();
    const id = await accept(client, bodyOf([{ barcode: 'BR-3', quantity: 1 }]));
    sim.settleAll();
    clock.advance(4 * 60 * 60_000 - 1_000);
    expectKind(await client.getBatchResult(connection(), CREDENTIALS, id), 'found');
    clock.advance(2_000);
    const outcome = expectKind(await client.getBatchResult(connection(), CREDENTIALS, id), 'gone');
    expect(outcome.httpStatus).toBe(404);
    expect(requestAt(2).status).toBe(404);
  });

  it('encodes the id into the path and classifies a wrong secret as auth', async () => {
    const client = new TrendyolHttpClient();
    const wrong: ConnectionCredentials = { apiKey: 'nope', apiSecret: 'nope' };
    expectKind(await client.getBatchResult(connection(), wrong, 'a/b c'), 'auth');
    expect(onlyRequest().path).toBe(`${BATCH_PATH}a%2Fb%20c`);
  });
});

describe('readBack', () => {
  it('returns live values in integer cents once the batch was applied', async () => {
    const client = new TrendyolHttpClient();
    await accept(
      client,
      bodyOf([
        { barcode: 'RB-1', quantity: 7, salePrice: 112.85, listPrice: 113.85 },
        { barcode: 'RB-2', quantity: 0, salePrice: 10.5, listPrice: 100 },
        { barcode: 'RB-3', quantity: 1, salePrice: 0.1, listPrice: 19.99 },
      ]),
    );
    const before = expectKind(
      await client.readBack(connection(), CREDENTIALS, ['RB-1', 'RB-2', 'RB-3']),
      'found',
    );
    expect(before.values).toEqual([]);

    sim.settleAll();
    const after = expectKind(
      await client.readBack(connection(), CREDENTIALS, ['RB-1', 'RB-2', 'RB-3']),
      'found',
    );
    expect(after.values).toEqual([
      { barcode: 'RB-1', quantity: 7, salePrice: 11285, listPrice: 11385 },
      { barcode: 'RB-2', quantity: 0, salePrice: 1050, listPrice: 10000 },
      { barcode: 'RB-3', quantity: 1, salePrice: 10, listPrice: 1999 },
    ]);
    expect(sim.liveValue(SELLER_ID, 'RB-1')?.salePriceCents).toBe(11285);

    const received = requestAt(2);
    expect(received.method).toBe('GET');
    const url = new URL(received.path, sim.origin);
    expect(url.pathname).toBe(READ_BACK_PATH);
    expect(url.searchParams.get('barcodes')).toBe('RB-1,RB-2,RB-3');
    expect(url.searchParams.get('page')).toBe('0');
    expect(url.searchParams.get('size')).toBe('50');
    expect(received.headers.authorization).toBe(BASIC);
    expect(received.headers['user-agent']).toBe(`${SELLER_ID} - EciTest`);
  });

  it('reads exactly 50 barcodes and throws before sending more than 50', async () => {
    const client = new TrendyolHttpClient();
    const fifty = Array.from({ length: 50 }, (_, i) => `B-${i}`);
    expectKind(await client.readBack(connection(), CREDENTIALS, fifty), 'found');
    expect(sim.requests).toHaveLength(1);
    await expect(client.readBack(connection(), CREDENTIALS, [...fifty, 'B-50'])).rejects.toThrow(/50/);
    expect(sim.requests).toHaveLength(1);
  });

  it('classifies a wrong secret as auth', async () => {
    const client = new TrendyolHttpClient();
    const outcome: ReadBackOutcome = await client.readBack(connection(), { ...CREDENTIALS, apiSecret: 'x' }, [
      'RB-1',
    ]);
    expect(expectKind(outcome, 'auth').httpStatus).toBe(401);
  });
});

describe('onCall observer', () => {
  it('sees endpoint, kind, httpStatus and latency of every call, and never the credentials', async () => {
    const calls: Array<Record<string, unknown>> = [];
    const client = new TrendyolHttpClient({
      updateTimeoutMs: 300,
      onCall: (call) => {
        calls.push({ ...call });
      },
    });
    const id = await accept(client, bodyOf([{ barcode: 'OBS-1', quantity: 1 }]));
    const batch: BatchOutcome = await client.getBatchResult(connection(), CREDENTIALS, id);
    expectKind(batch, 'found');
    expectKind(await client.readBack(connection(), CREDENTIALS, ['OBS-1']), 'found');
    const wrong = { apiKey: CREDENTIALS.apiKey, apiSecret: 'bad-secret' };
    const denied: UpdateOutcome = await client.updatePriceAndInventory(
      connection(),
      wrong,
      bodyOf([{ barcode: 'OBS-2', quantity: 1 }]),
    );
    expectKind(denied, 'auth');
    sim.injectFault({ kind: 'timeout', ms: 2000 });
    expectKind(
      await client.updatePriceAndInventory(
        connection(),
        CREDENTIALS,
        bodyOf([{ barcode: 'OBS-3', quantity: 1 }]),
      ),
      'timeout',
    );

    expect(calls.map((c) => [c.endpoint, c.kind, c.httpStatus])).toEqual([
      ['update', 'accepted', 200],
      ['batch', 'found', 200],
      ['read-back', 'found', 200],
      ['update', 'auth', 401],
      ['update', 'timeout', 0],
    ]);
    for (const call of calls) {
      expect(Object.keys(call).sort()).toEqual(['endpoint', 'httpStatus', 'kind', 'latencyMs']);
      expect(typeof call.latencyMs).toBe('number');
      expect(call.latencyMs).toBeGreaterThanOrEqual(0);
    }
    const seen = JSON.stringify(calls);
    for (const secret of [CREDENTIALS.apiKey, CREDENTIALS.apiSecret, 'bad-secret', BASIC.slice(6)]) {
      expect(seen).not.toContain(secret);
    }
  });

  it('an observer that throws does not cost the caller its outcome', async () => {
    const client = new TrendyolHttpClient({
      onCall: () => {
        throw new Error('metrics backend down');
      },
    });
    const id = await accept(client, bodyOf([{ barcode: 'OBS-4', quantity: 1 }]));
    expect(id).toMatch(BATCH_ID);
    expectKind(await client.getBatchResult(connection(), CREDENTIALS, id), 'found');
    expectKind(await client.readBack(connection(), CREDENTIALS, ['OBS-4']), 'found');
  });
});
