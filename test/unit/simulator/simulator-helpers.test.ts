import { describe, expect, it } from 'vitest';
import { centsToNumber, toCents } from '../../../local/simulator/money';
import { mulberry32, uuidV4From } from '../../../local/simulator/prng';
import { RollingWindowLimiter } from '../../../local/simulator/rate-limiter';
import { DEFAULT_SYNC_VALIDATION, parseUpdateBody } from '../../../local/simulator/validation';

describe('money', () => {
  it('parses prices to integer cents without float drift', () => {
    expect(toCents(112.85)).toBe(11285);
    expect(toCents(0.1 + 0.2)).toBeUndefined();
    expect(toCents(10)).toBe(1000);
    expect(toCents(10.5)).toBe(1050);
    expect(toCents(1.005)).toBeUndefined();
    expect(toCents(-1)).toBeUndefined();
    expect(toCents(1e21)).toBeUndefined();
    expect(centsToNumber(11285)).toBe(112.85);
  });
});

describe('prng', () => {
  it('produces reproducible v4-shaped uuids', () => {
    const a = uuidV4From(mulberry32(7));
    expect(a).toBe(uuidV4From(mulberry32(7)));
    expect(a).not.toBe(uuidV4From(mulberry32(8)));
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('rolling window limiter', () => {
  it('charges all rules or none and reports when a slot frees up', () => {
    const limiter = new RollingWindowLimiter();
    const rules = [
      { key: 'burst', limit: 2, windowMs: 1000 },
      { key: 'group', limit: 3, windowMs: 10_000 },
    ];
    expect(limiter.take(rules, 0).ok).toBe(true);
    expect(limiter.take(rules, 500).ok).toBe(true);
    expect(limiter.take(rules, 900)).toEqual({ ok: false, retryAfterMs: 100 });
    expect(limiter.take(rules, 1000).ok).toBe(true);
    // the burst allows it again, the group does not; the burst is not charged
    expect(limiter.take(rules, 2600)).toEqual({ ok: false, retryAfterMs: 7400 });
    expect(limiter.take([{ key: 'burst', limit: 2, windowMs: 1000 }], 2600).ok).toBe(true);
  });
});

describe('update body validation', () => {
  it('keeps stock-only and price-only items and echoes absent fields as null', () => {
    const result = parseUpdateBody(
      {
        items: [
          { barcode: 'A', quantity: 0 },
          { barcode: 'B', salePrice: 5 },
        ],
      },
      DEFAULT_SYNC_VALIDATION,
    );
    expect(result).toEqual({
      ok: true,
      items: [
        { barcode: 'A', quantity: 0, echo: { barcode: 'A', quantity: 0, salePrice: null, listPrice: null } },
        {
          barcode: 'B',
          salePriceCents: 500,
          echo: { barcode: 'B', quantity: null, salePrice: 5, listPrice: null },
        },
      ],
    });
  });

  it('refuses explicit nulls and unknown fields', () => {
    expect(parseUpdateBody({ items: [{ barcode: 'A', quantity: null }] }, DEFAULT_SYNC_VALIDATION).ok).toBe(
      false,
    );
    expect(
      parseUpdateBody({ items: [{ barcode: 'A', currencyType: 'TRY' }] }, DEFAULT_SYNC_VALIDATION).ok,
    ).toBe(false);
  });
});
