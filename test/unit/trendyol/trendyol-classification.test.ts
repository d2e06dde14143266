import { describe, expect, it } from 'vitest';
import { TrendyolHttpClient } from '../../../lambdas/adapters/trendyol/trendyol-http-client';
import type { Connection } from '../../../lambdas/ports/repositories';

const connection: Connection = {
  id: 'c1',
  type: 'trendyol',
  name: 'n',
  sellerId: 7,
  baseUrl: 'https://apigw.trendyol.com/integration',
  integratorName: 'ECI',
  secretRef: 's',
  status: 'active',
  writeRateLimitPerMinute: 1000,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};
const credentials = { apiKey: 'k', apiSecret: 's' };

function answering(status: number, body: string, contentType = 'application/json') {
  return new TrendyolHttpClient({
    fetch: async () => new Response(body, { status, headers: { 'content-type': contentType } }),
  });
}

const REFUSAL = JSON.stringify({
  errors: [
    { key: 'request.duplicate', message: '15 dakika boyunca aynı isteği tekrarlı olarak atamazsınız!' },
  ],
});

describe('the 15-minute refusal is recognised by its key or message, whatever the status', () => {
  for (const status of [400, 403, 429]) {
    it(`HTTP ${status}`, async () => {
      const outcome = await answering(status, REFUSAL).updatePriceAndInventory(connection, credentials, '{}');
      expect(outcome).toMatchObject({ kind: 'duplicate-request', httpStatus: status });
    });
  }

  it('a plain 429 or 403 stays a rate limit or an auth refusal', async () => {
    const limited = await answering(
      429,
      JSON.stringify({ errors: [{ key: 'too.many.requests', message: 'Too many requests' }] }),
    ).updatePriceAndInventory(connection, credentials, '{}');
    expect(limited.kind).toBe('rate-limited');
    const auth = await answering(
      403,
      JSON.stringify({ exception: 'ClientApiAuthenticationException' }),
    ).updatePriceAndInventory(connection, credentials, '{}');
    expect(auth.kind).toBe('auth');
  });
});

describe('an HTML error page is summarised, never kept whole', () => {
  it('a gateway 502 page becomes a one-line summary with its title', async () => {
    const page = `<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>${'x'.repeat(5000)}</body></html>`;
    const outcome = await answering(502, page, 'text/html').updatePriceAndInventory(
      connection,
      credentials,
      '{}',
    );
    expect(outcome).toMatchObject({
      kind: 'server-error',
      httpStatus: 502,
      body: `HTML page (${page.length} chars): 502 Bad Gateway`,
    });
  });
});
