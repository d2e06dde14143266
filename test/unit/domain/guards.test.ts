import { describe, expect, it } from 'vitest';
import {
  applyStockBuffer,
  decidePriceBudget,
  decidePriceGuard,
  type GuardContext,
  guardItems,
} from '../../../lambdas/domain/guards';

describe('stock buffer', () => {
  it('subtracts the safety stock and never goes below 0', () => {
    expect(applyStockBuffer({ barcode: 'A', quantity: 12 }, 5)).toEqual({ barcode: 'A', quantity: 7 });
    expect(applyStockBuffer({ barcode: 'A', quantity: 3 }, 5)).toEqual({ barcode: 'A', quantity: 0 });
    expect(applyStockBuffer({ barcode: 'A', salePrice: 100 }, 5)).toEqual({ barcode: 'A', salePrice: 100 });
    expect(applyStockBuffer({ barcode: 'A', quantity: 3 }, 0)).toEqual({ barcode: 'A', quantity: 3 });
  });
});

describe('price guard', () => {
  const guard = (salePrice: number | undefined, confirmedSalePrice: number | null, quantityAfter = 1) =>
    decidePriceGuard({ salePrice, quantityAfter, confirmedSalePrice, thresholdPercent: 50 });

  it('holds a 99 % drop and a 60 % rise from the confirmed price', () => {
    expect(guard(1000, 100_000)).toMatchObject({ held: true, reason: 'PRICE_JUMP' });
    expect(guard(16_000, 10_000)).toMatchObject({ held: true, reason: 'PRICE_JUMP' });
  });

  it('lets exactly 50 % through and holds one kuruş more (integer arithmetic)', () => {
    expect(guard(5_000, 10_000)).toEqual({ held: false });
    expect(guard(4_999, 10_000)).toMatchObject({ held: true });
    expect(guard(15_000, 10_000)).toEqual({ held: false });
    expect(guard(15_001, 10_000)).toMatchObject({ held: true });
  });

  it('holds a zero price while the barcode has stock, not when it has none', () => {
    expect(guard(0, null, 3)).toMatchObject({ held: true, reason: 'ZERO_PRICE' });
    expect(guard(0, null, 0)).toEqual({ held: false });
  });

  it('has no reference without a confirmed price (or a confirmed 0), and ignores stock-only items', () => {
    expect(guard(1, null)).toEqual({ held: false });
    expect(guard(99_999, 0)).toEqual({ held: false });
    expect(guard(undefined, 10_000)).toEqual({ held: false });
  });
});

describe('per-barcode price budget', () => {
  const now = 1_000_000;
  it('allows 30 price updates in a sliding minute and says when the 31st fits', () => {
    const sends = Array.from({ length: 30 }, (_, i) => now - 59_000 + i * 1000);
    const decision = decidePriceBudget(sends, now);
    expect(decision.allowed).toBe(false);
    expect(decision.retryAtMs).toBe(now - 59_000 + 60_000);
    expect(decidePriceBudget(sends.slice(1), now).allowed).toBe(true);
  });

  it('forgets sends older than the window', () => {
    const old = Array.from({ length: 30 }, (_, i) => now - 120_000 + i);
    expect(decidePriceBudget(old, now)).toEqual({ allowed: true, recent: [], retryAtMs: null });
  });
});

describe('guardItems', () => {
  const ctx = (over: Partial<GuardContext> = {}): GuardContext => ({
    confirmedSalePrice: new Map([['A', 100_000]]),
    quantityAfter: new Map([['A', 5]]),
    priceSends: new Map(),
    thresholdPercent: 50,
    nowMs: 0,
    skipPriceGuard: false,
    ...over,
  });

  it('holds the price of a typo but still sends its stock', () => {
    const result = guardItems([{ barcode: 'A', quantity: 5, salePrice: 1000 }], ctx());
    expect(result.send).toEqual([{ barcode: 'A', quantity: 5 }]);
    expect(result.held).toEqual([
      expect.objectContaining({
        barcode: 'A',
        salePrice: 1000,
        reason: 'PRICE_JUMP',
        referenceSalePrice: 100_000,
      }),
    ]);
  });

  it('sends nothing for a held barcode whose stock is already current', () => {
    const result = guardItems(
      [{ barcode: 'A', quantity: 5, salePrice: 1000 }],
      ctx({ stockUnchanged: new Set(['A']) }),
    );
    expect(result.send).toEqual([]);
    expect(result.held).toHaveLength(1);
  });

  it('an approval (or force) skips the price guard but never the budget', () => {
    const full = Array.from({ length: 30 }, (_, i) => -i * 100);
    const approved = guardItems([{ barcode: 'A', salePrice: 1000 }], ctx({ skipPriceGuard: true }));
    expect(approved.send).toEqual([{ barcode: 'A', salePrice: 1000 }]);
    const throttled = guardItems(
      [{ barcode: 'A', salePrice: 1000 }],
      ctx({ skipPriceGuard: true, priceSends: new Map([['A', full]]) }),
    );
    expect(throttled.send).toEqual([]);
    expect(throttled.deferred).toEqual([
      expect.objectContaining({ barcode: 'A', reason: 'PRICE_BUDGET', retryAtMs: -2900 + 60_000 }),
    ]);
  });

  it('stock-only items pass every price rule', () => {
    const full = Array.from({ length: 30 }, () => 0);
    const result = guardItems([{ barcode: 'A', quantity: 0 }], ctx({ priceSends: new Map([['A', full]]) }));
    expect(result).toEqual({ send: [{ barcode: 'A', quantity: 0 }], held: [], deferred: [] });
  });
});

describe('guardItems with stock already current', () => {
  it('a stock-only item is always sent (force=1 must reach Trendyol); only a held price drops its stock', () => {
    const ctx: GuardContext = {
      confirmedSalePrice: new Map(),
      quantityAfter: new Map(),
      priceSends: new Map(),
      stockUnchanged: new Set(['A']),
      thresholdPercent: 50,
      nowMs: 0,
      skipPriceGuard: false,
    };
    expect(guardItems([{ barcode: 'A', quantity: 4 }], ctx).send).toEqual([{ barcode: 'A', quantity: 4 }]);
  });
});
