import { describe, expect, it } from 'vitest';
import { decideSendOutcome } from '../../../lambdas/domain/send-outcome';
import { trendyolErrorDetails } from '../../../lambdas/domain/trendyol-error';

describe('trendyolErrorDetails', () => {
  it("keeps Trendyol's documented envelope, strings only", () => {
    expect(
      trendyolErrorDetails({
        errors: [{ key: 'item.quantity.negative', message: 'Stok negatif olamaz', errorCode: '400', x: 1 }],
        timestamp: 1,
      }),
    ).toEqual({
      errors: [{ key: 'item.quantity.negative', message: 'Stok negatif olamaz', errorCode: '400' }],
    });
  });

  // Review finding: an endpoint that echoed the request headers had the seller's Basic credentials
  // shown by GET /v1/jobs/:id and the connection status.
  it('drops whatever else an endpoint sends back (an echo of the request headers)', () => {
    const echo = {
      method: 'POST',
      headers: { authorization: 'Basic dmljdGltLWtleTp2aWN0aW0tc2VjcmV0', 'user-agent': '100001 - ECI' },
      url: '/integration/inventory/sellers/100001/products/price-and-inventory',
    };
    expect(trendyolErrorDetails(echo)).toBeNull();
    expect(JSON.stringify(trendyolErrorDetails({ ...echo, message: 'bad' }))).not.toContain('Basic');
  });

  it('summarises text and HTML, and cuts long or many entries', () => {
    const page = '<html><title>403 Forbidden</title><body>x</body></html>';
    expect(trendyolErrorDetails(page)).toEqual({
      summary: `HTML page (${page.length} chars): 403 Forbidden`,
    });
    const many = trendyolErrorDetails({
      errors: Array.from({ length: 50 }, () => ({ message: 'x'.repeat(500) })),
    });
    const errors = (many as { errors: Array<{ message: string }> }).errors;
    expect(errors).toHaveLength(20);
    expect(errors[0]?.message.length).toBe(200);
  });
});

describe('decideSendOutcome', () => {
  it('a refused chunk fails with only the parsed error envelope as details', () => {
    const action = decideSendOutcome({
      outcome: {
        kind: 'validation',
        httpStatus: 400,
        body: { errors: [{ key: 'k', message: 'm' }], headers: { authorization: 'Basic abc' } },
      },
      attempt: 1,
      attempts: 3,
      connectionId: 'c1',
      random: () => 0.5,
    });
    expect(action).toMatchObject({
      kind: 'fail',
      code: 'TRENDYOL_VALIDATION',
      details: { errors: [{ key: 'k', message: 'm' }] },
    });
    expect(JSON.stringify(action)).not.toContain('Basic');
  });
});
