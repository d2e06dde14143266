import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, parseCatalogUpsert } from '../../../lambdas/domain/catalog';
import { ValidationError } from '../../../lambdas/domain/validation-error';

function issuesOf(body: unknown) {
  try {
    parseCatalogUpsert(body);
  } catch (error) {
    if (error instanceof ValidationError) return error.details;
    throw error;
  }
  throw new Error('expected a validation error');
}

describe('parseCatalogUpsert', () => {
  it('normalises like a push: barcode spaces removed, prices in kuruş, last duplicate wins', () => {
    const parsed = parseCatalogUpsert({
      connectionId: 'c1',
      variants: [
        { barcode: ' AB 12 ', quantity: 1, salePrice: '10.5', listPrice: 12 },
        { barcode: 'X', salePrice: 0.1 },
        { barcode: 'AB12', quantity: 2 },
      ],
    });
    expect(parsed).toEqual({
      connectionId: 'c1',
      variants: [
        { barcode: 'X', salePrice: 10 },
        { barcode: 'AB12', quantity: 2 },
      ],
      receivedCount: 3,
    });
  });

  it('reports unknown fields and the push rules with variants.N paths', () => {
    expect(
      issuesOf({
        connectionId: 'c1',
        variants: [{ barcode: 'A', quantity: 1.5, currency: 'TRY' }, { barcode: '' }],
        extra: 1,
      }).map((i) => i.path),
    ).toEqual(
      expect.arrayContaining(['extra', 'variants.0.currency', 'variants.0.quantity', 'variants.1.barcode']),
    );
  });

  it('refuses more than 50,000 variants and an empty list', () => {
    const many = Array.from({ length: 50_001 }, (_, i) => ({ barcode: `B${i}`, quantity: 1 }));
    expect(issuesOf({ connectionId: 'c1', variants: many }).map((i) => i.path)).toEqual(['variants']);
    expect(issuesOf({ connectionId: 'c1', variants: [] }).map((i) => i.path)).toEqual(['variants']);
  });
});

describe('cursor', () => {
  it('round-trips and refuses what it did not issue', () => {
    expect(decodeCursor(encodeCursor('CAT-0399'))).toBe('CAT-0399');
    expect(() => decodeCursor('nope')).toThrow(ValidationError);
    expect(() => decodeCursor(Buffer.from('{"x":1}').toString('base64url'))).toThrow(ValidationError);
  });
});
