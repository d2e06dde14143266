import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrendyolHttpClient } from '../../../lambdas/adapters/trendyol/trendyol-http-client';
import type { UpdateOutcome } from '../../../lambdas/ports/marketplace';
import type { Connection } from '../../../lambdas/ports/repositories';
import { createTrendyolSimulator, type TrendyolSimulator } from '../../../local/simulator/simulator';

// Transport-level outcomes of the Trendyol client: what failed below HTTP is named (DNS, refused, TLS),
// redirects are never followed, and link-local/metadata addresses are never called.

const CREDENTIALS = { apiKey: 'tr-key', apiSecret: 'tr-secret' };
let sim: TrendyolSimulator;
let redirector: Server;
let redirectorUrl: string;

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? `http://127.0.0.1:${address.port}` : '');
    }),
  );
}

beforeAll(async () => {
  sim = await createTrendyolSimulator({
    sellers: [{ sellerId: 7, ...CREDENTIALS, approvedBarcodes: 'any' }],
    processingDelayMs: 0,
  });
  // Answers every request with a redirect to the simulator: a client that followed it would send the
  // credentials and the body there.
  redirector = createHttpServer((req, res) => {
    res.writeHead(307, { location: `${sim.url}${(req.url ?? '').replace(/^\/integration/, '')}` });
    res.end();
  });
  redirectorUrl = `${await listen(redirector)}/integration`;
});

afterAll(async () => {
  await sim?.close();
  await new Promise<void>((resolve) => redirector?.close(() => resolve()));
});

function connection(baseUrl: string): Connection {
  return {
    id: 'conn-transport',
    type: 'trendyol',
    name: 'Transport',
    sellerId: 7,
    baseUrl,
    integratorName: null,
    secretRef: 'secret/conn-transport',
    status: 'active',
    writeRateLimitPerMinute: 350,
    createdAt: '2026-10-01T00:00:00.000Z',
    updatedAt: '2026-10-01T00:00:00.000Z',
  };
}

async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${address.port}/integration`;
}

const body = JSON.stringify({ items: [{ barcode: 'T-1', quantity: 1 }] });

function transportError(outcome: UpdateOutcome): string {
  expect(outcome).toMatchObject({ kind: 'server-error', httpStatus: 0 });
  return String((outcome as { body: unknown }).body);
}

describe('TrendyolHttpClient transport errors', () => {
  const client = new TrendyolHttpClient({ updateTimeoutMs: 5000, readTimeoutMs: 5000 });

  it('names a refused connection with its address', async () => {
    const url = await closedPortUrl();
    const message = transportError(await client.updatePriceAndInventory(connection(url), CREDENTIALS, body));
    expect(message).toMatch(/^connection refused by 127\.0\.0\.1:\d+ \(ECONNREFUSED\)$/);
  });

  it('names a DNS failure with the host', async () => {
    const outcome = await client.updatePriceAndInventory(
      connection('https://eci-no-such-host.invalid/integration'),
      CREDENTIALS,
      body,
    );
    expect(transportError(outcome)).toMatch(
      /^(ENOTFOUND|EAI_AGAIN) eci-no-such-host\.invalid \(DNS lookup failed\)$/,
    );
  });

  it('names a TLS failure (https towards a plain-http server)', async () => {
    const https = sim.url.replace('http://', 'https://');
    const message = transportError(
      await client.updatePriceAndInventory(connection(https), CREDENTIALS, body),
    );
    expect(message).toMatch(/^TLS error talking to 127\.0\.0\.1:\d+: /);
  });

  it('never follows a redirect: the target receives nothing, the outcome says why', async () => {
    const before = sim.requests.length;
    const update = transportError(
      await client.updatePriceAndInventory(connection(redirectorUrl), CREDENTIALS, body),
    );
    expect(update).toMatch(/^HTTP 307 redirect to http:\/\/127\.0\.0\.1:\d+\/.* not followed/);
    const batch = await client.getBatchResult(connection(redirectorUrl), CREDENTIALS, 'abc-1');
    expect(batch).toMatchObject({ kind: 'server-error', httpStatus: 0 });
    const readBack = await client.readBack(connection(redirectorUrl), CREDENTIALS, ['T-1']);
    expect(readBack).toMatchObject({ kind: 'server-error', httpStatus: 0 });
    expect(sim.requests.length).toBe(before);
  });

  it.each([
    'http://169.254.169.254/latest',
    'http://[fd00:ec2::254]/latest',
    'http://metadata.google.internal/x',
  ])('never calls %s, even for a connection stored before the rule', async (baseUrl) => {
    let called = false;
    const guarded = new TrendyolHttpClient({
      fetch: async () => {
        called = true;
        throw new Error('must not be called');
      },
    });
    const message = transportError(
      await guarded.updatePriceAndInventory(connection(baseUrl), CREDENTIALS, body),
    );
    expect(message).toMatch(/^not called: .*(link-local|metadata)/);
    expect(called).toBe(false);
  });

  it('never calls a custom host name that resolves to a metadata address', async () => {
    let called = false;
    const guarded = new TrendyolHttpClient({
      lookup: async () => ['169.254.169.254'],
      fetch: async () => {
        called = true;
        throw new Error('must not be called');
      },
    });
    const message = transportError(
      await guarded.updatePriceAndInventory(
        connection('https://sim.example.com/integration'),
        CREDENTIALS,
        body,
      ),
    );
    expect(message).toMatch(/^not called: sim\.example\.com resolves to 169\.254\.169\.254/);
    expect(called).toBe(false);
  });

  // Review finding: `http://vm:3320` (a name in /etc/hosts) and `http://localhost.:22` passed the
  // base-URL rule by name and then reached ECI's own API and local ports.
  it.each([
    ['a name for loopback', 'http://vm:3320', ['127.0.0.1']],
    ['localhost with the root dot', 'http://localhost.:22', ['127.0.0.1']],
    ['a name for a private address', 'https://intranet.example.com', ['10.1.2.3']],
    ['a name for IPv6 loopback', 'https://six.example.com', ['::1']],
  ])(
    'never calls %s (only a literal local origin the stage allowed is called)',
    async (_what, baseUrl, addresses) => {
      let called = false;
      const guarded = new TrendyolHttpClient({
        lookup: async () => addresses,
        fetch: async () => {
          called = true;
          throw new Error('must not be called');
        },
      });
      const message = transportError(
        await guarded.updatePriceAndInventory(connection(baseUrl), CREDENTIALS, body),
      );
      expect(message).toMatch(/^not called: .* resolves to the loopback or private address/);
      expect(called).toBe(false);
    },
  );
});
