import { describe, expect, it } from 'vitest';
import { decideDrift } from '../../../lambdas/domain/drift';

const confirmed = { quantity: 10, salePrice: 10_000, listPrice: 12_000 };

describe('decideDrift', () => {
  it('a changed price is drift: corrected under "correct", reported under "report"', () => {
    const live = { ...confirmed, salePrice: 8_000 };
    expect(decideDrift(confirmed, live, 'correct')).toEqual({
      drift: true,
      kind: 'price',
      action: 'corrected',
    });
    expect(decideDrift(confirmed, live, 'report')).toEqual({
      drift: true,
      kind: 'price',
      action: 'reported',
    });
    expect(decideDrift(confirmed, { ...confirmed, listPrice: 12_001 }, 'correct')).toMatchObject({
      kind: 'price',
    });
  });

  it('stock lowered by orders is only ever reported', () => {
    expect(decideDrift(confirmed, { ...confirmed, quantity: 7 }, 'correct')).toEqual({
      drift: true,
      kind: 'stock',
      action: 'reported',
    });
  });

  it('equal values, or fields never confirmed, are no drift', () => {
    expect(decideDrift(confirmed, { ...confirmed }, 'correct')).toEqual({ drift: false });
    expect(
      decideDrift(
        { quantity: 5, salePrice: null, listPrice: null },
        { quantity: 5, salePrice: 1, listPrice: 2 },
        'correct',
      ),
    ).toEqual({ drift: false });
  });
});
