import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MAX_ITEMS_PER_PUSH } from '../../../lambdas/domain/inventory-item';
import { parsePushRequest, toIssues } from '../../../lambdas/domain/push-request';
import { ValidationError, type ValidationIssue } from '../../../lambdas/domain/validation-error';

/** Runs the parser and returns the ValidationError it throws (fails the test if it does not throw one). */
function rejectionOf(body: unknown): ValidationError {
  try {
    parsePushRequest(body);
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected parsePushRequest to throw a ValidationError');
}

function issuesOf(body: unknown): ValidationIssue[] {
  return rejectionOf(body).details;
}

/** A body with a valid envelope around the given items. */
function push(...items: unknown[]): unknown {
  return { connectionId: 'conn-1', items };
}

describe('parsePushRequest: the envelope', () => {
  it.each([
    ['a string', 'hello', 'string'],
    ['null', null, 'null'],
    ['an array', [], 'array'],
    ['a number', 42, 'number'],
  ])('refuses a body that is %s, located at (body)', (_label, body, received) => {
    const error = rejectionOf(body);
    expect(error.message).toBe('The push request is invalid.');
    expect(error.name).toBe('ValidationError');
    expect(error.details).toEqual([
      { path: '(body)', message: `Invalid input: expected object, received ${received}` },
    ]);
  });

  it('reports a missing connectionId and missing items together', () => {
    expect(issuesOf({})).toEqual([
      { path: 'connectionId', message: 'must be a string' },
      { path: 'items', message: 'must be an array' },
    ]);
  });

  it('refuses a non-string connectionId', () => {
    expect(issuesOf({ connectionId: 7, items: [{ barcode: 'A', quantity: 1 }] })).toEqual([
      { path: 'connectionId', message: 'must be a string' },
    ]);
  });

  it('refuses a blank connectionId', () => {
    expect(issuesOf({ connectionId: '   ', items: [{ barcode: 'A', quantity: 1 }] })).toEqual([
      { path: 'connectionId', message: 'must not be blank' },
    ]);
  });

  it('refuses items that are not an array', () => {
    expect(issuesOf({ connectionId: 'c', items: { barcode: 'A', quantity: 1 } })).toEqual([
      { path: 'items', message: 'must be an array' },
    ]);
  });

  it('refuses an empty items array', () => {
    expect(issuesOf({ connectionId: 'c', items: [] })).toEqual([
      { path: 'items', message: 'must contain at least one item' },
    ]);
  });

  it('refuses more than 50,000 items', () => {
    const items = Array.from({ length: MAX_ITEMS_PER_PUSH + 1 }, (_, i) => ({
      barcode: `B${i}`,
      quantity: 1,
    }));
    expect(issuesOf({ connectionId: 'c', items })).toEqual([
      { path: 'items', message: 'must contain at most 50000 items' },
    ]);
  });

  it('accepts exactly 50,000 items', () => {
    const items = Array.from({ length: MAX_ITEMS_PER_PUSH }, (_, i) => ({ barcode: `B${i}`, quantity: 1 }));
    expect(parsePushRequest({ connectionId: 'c', items }).items).toHaveLength(MAX_ITEMS_PER_PUSH);
  });

  it('refuses a connectionId with spaces or characters no id has, instead of trimming it', () => {
    for (const connectionId of ['  conn-9 ', 'conn\u00009', 'conn/9']) {
      expect(issuesOf({ connectionId, items: [{ barcode: 'A', quantity: 1 }] })).toEqual([
        { path: 'connectionId', message: expect.stringMatching(/NUL|letters, digits/) },
      ]);
    }
  });

  it('refuses unknown fields on the envelope and on an item, each at its path', () => {
    expect(
      issuesOf({ connectionId: 'c', items: [{ barcode: 'A', salesPrice: 5, quantity: 1 }], dryRun: true }),
    ).toEqual([
      { path: 'dryRun', message: 'unknown field' },
      { path: 'items.0.salesPrice', message: 'unknown field' },
    ]);
  });
});

describe('parsePushRequest: items', () => {
  it('refuses an item that is not an object, at items.N', () => {
    expect(issuesOf(push({ barcode: 'A', quantity: 1 }, 5))).toEqual([
      { path: 'items.1', message: 'Invalid input: expected object, received number' },
    ]);
  });

  it.each([' ', '', '   '])('refuses the blank barcode %j', (barcode) => {
    expect(issuesOf(push({ barcode, quantity: 1 }))).toEqual([
      { path: 'items.0.barcode', message: 'must not be blank' },
    ]);
  });

  it.each([123, null, undefined])('refuses the non-string barcode %s', (barcode) => {
    expect(issuesOf(push({ barcode, quantity: 1 }))).toEqual([
      { path: 'items.0.barcode', message: 'must be a string' },
    ]);
  });

  it('refuses a barcode longer than 40 characters once normalised', () => {
    expect(issuesOf(push({ barcode: 'x'.repeat(41), quantity: 1 }))).toEqual([
      { path: 'items.0.barcode', message: 'must be at most 40 characters' },
    ]);
  });

  it('measures the 40-character limit after removing spaces', () => {
    const parsed = parsePushRequest(push({ barcode: `${'x'.repeat(20)}   ${'y'.repeat(20)}`, quantity: 1 }));
    expect(parsed.items[0]?.barcode).toHaveLength(40);
  });

  it.each([
    [1.5, 'must be an integer'],
    ['5', 'must be an integer'],
    [null, 'must be an integer'],
    [-1, 'must not be negative'],
    [20001, "must be at most 20000 (Trendyol's stock limit)"],
  ])('refuses quantity %j with %j', (quantity, message) => {
    expect(issuesOf(push({ barcode: 'A', quantity }))).toEqual([{ path: 'items.0.quantity', message }]);
  });

  it('accepts the quantity bounds 0 and 20,000', () => {
    const parsed = parsePushRequest(push({ barcode: 'A', quantity: 0 }, { barcode: 'B', quantity: 20000 }));
    expect(parsed.items).toEqual([
      { barcode: 'A', quantity: 0 },
      { barcode: 'B', quantity: 20000 },
    ]);
  });

  it.each([
    ['salePrice', -1, 'must not be negative'],
    ['salePrice', 112.855, 'must have at most 2 decimals'],
    ['salePrice', 'abc', 'must be a decimal number with at most 2 decimals'],
    ['salePrice', true, 'must be a number'],
    ['listPrice', -0.5, 'must not be negative'],
    ['listPrice', '1.001', 'must have at most 2 decimals'],
    ['listPrice', '12,50', 'must be a decimal number with at most 2 decimals'],
  ])('refuses %s = %j at items.0.<field> with %j', (field, value, message) => {
    expect(issuesOf(push({ barcode: 'A', [field]: value }))).toEqual([{ path: `items.0.${field}`, message }]);
  });

  it('refuses a price with 3 decimals with path items.0.salePrice', () => {
    expect(issuesOf(push({ barcode: 'A', salePrice: 1.239 }))).toEqual([
      { path: 'items.0.salePrice', message: 'must have at most 2 decimals' },
    ]);
  });

  it('refuses listPrice below salePrice on the same item, at items.N.listPrice', () => {
    expect(
      issuesOf(push({ barcode: 'A', quantity: 1 }, { barcode: 'B', salePrice: 100.01, listPrice: '100' })),
    ).toEqual([{ path: 'items.1.listPrice', message: 'must not be lower than salePrice' }]);
  });

  it('accepts listPrice equal to salePrice', () => {
    expect(parsePushRequest(push({ barcode: 'A', salePrice: 10, listPrice: '10.00' })).items).toEqual([
      { barcode: 'A', salePrice: 1000, listPrice: 1000 },
    ]);
  });

  it('refuses an item with nothing to update, at items.N', () => {
    expect(issuesOf(push({ barcode: 'A', currencyType: 'TRY' }))).toEqual([
      { path: 'items.0', message: 'nothing to update: give quantity, salePrice or listPrice' },
    ]);
  });

  it.each(['USD', 'try', 1])('refuses currencyType %j', (currencyType) => {
    expect(issuesOf(push({ barcode: 'A', quantity: 1, currencyType }))).toEqual([
      { path: 'items.0.currencyType', message: 'only "TRY" is supported' },
    ]);
  });

  it('accepts currencyType "TRY" and drops it from the item', () => {
    const parsed = parsePushRequest(push({ barcode: 'A', salePrice: 5, currencyType: 'TRY' }));
    expect(parsed.items).toEqual([{ barcode: 'A', salePrice: 500 }]);
    expect(parsed.items[0]).not.toHaveProperty('currencyType');
  });

  it('reports several errors at once, each with its item index', () => {
    const error = rejectionOf(
      push(
        { barcode: 'OK', quantity: 1 },
        { barcode: ' ', quantity: -3 },
        { barcode: 'C', salePrice: 1.005, currencyType: 'EUR' },
        { barcode: 'D', quantity: 2 },
        { barcode: 'E', salePrice: 20, listPrice: 19.99 },
      ),
    );
    expect(error.message).toBe('5 item field(s) are invalid.');
    expect(error.details).toEqual([
      { path: 'items.1.barcode', message: 'must not be blank' },
      { path: 'items.1.quantity', message: 'must not be negative' },
      { path: 'items.2.salePrice', message: 'must have at most 2 decimals' },
      { path: 'items.2.currencyType', message: 'only "TRY" is supported' },
      { path: 'items.4.listPrice', message: 'must not be lower than salePrice' },
    ]);
  });

  it('lists at most 100 issues but counts them all in the message', () => {
    const items = Array.from({ length: 150 }, (_, i) => ({ barcode: `B${i}`, quantity: -1 }));
    const error = rejectionOf({ connectionId: 'c', items });
    expect(error.message).toBe('150 item field(s) are invalid.');
    expect(error.details).toHaveLength(100);
    expect(error.details[99]).toEqual({ path: 'items.99.quantity', message: 'must not be negative' });
  });

  it('accepts nothing partially: one bad item rejects the whole push', () => {
    expect(() =>
      parsePushRequest(push({ barcode: 'A', quantity: 1 }, { barcode: 'B', quantity: 1.5 })),
    ).toThrow(ValidationError);
  });
});

describe('parsePushRequest: success', () => {
  it('normalises barcodes and turns prices into kuruş', () => {
    const parsed = parsePushRequest({
      connectionId: 'conn-1',
      items: [
        {
          barcode: ' 869 694  7006698 ',
          quantity: 3,
          salePrice: 112.85,
          listPrice: '113.85',
          currencyType: 'TRY',
        },
      ],
    });
    expect(parsed).toEqual({
      connectionId: 'conn-1',
      items: [{ barcode: '8696947006698', quantity: 3, salePrice: 11285, listPrice: 11385 }],
    });
  });

  it('keeps partial items partial: absent fields stay absent, zeros are kept', () => {
    const parsed = parsePushRequest(
      push({ barcode: 'Q', quantity: 0 }, { barcode: 'S', salePrice: 0 }, { barcode: 'L', listPrice: 0 }),
    );
    expect(parsed.items).toEqual([
      { barcode: 'Q', quantity: 0 },
      { barcode: 'S', salePrice: 0 },
      { barcode: 'L', listPrice: 0 },
    ]);
    expect(Object.keys(parsed.items[0] ?? {})).toEqual(['barcode', 'quantity']);
  });

  it('keeps duplicate barcodes (coalescing is a later step) in their order', () => {
    const parsed = parsePushRequest(push({ barcode: 'A', quantity: 1 }, { barcode: 'A ', quantity: 2 }));
    expect(parsed.items).toEqual([
      { barcode: 'A', quantity: 1 },
      { barcode: 'A', quantity: 2 },
    ]);
  });
});

describe('toIssues', () => {
  it('joins the prefix and the issue path with dots', () => {
    const result = z.object({ a: z.array(z.number()) }).safeParse({ a: [1, 'x'] });
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(toIssues(result.error, ['items', 3])).toEqual([
      { path: 'items.3.a.1', message: 'Invalid input: expected number, received string' },
    ]);
  });

  it('names an issue without any path (body)', () => {
    const result = z.string().safeParse(1);
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(toIssues(result.error)).toEqual([
      { path: '(body)', message: 'Invalid input: expected string, received number' },
    ]);
  });
});

describe('ValidationError', () => {
  it('is an Error carrying its details', () => {
    const error = new ValidationError('bad', [{ path: 'x', message: 'y' }]);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ValidationError');
    expect(error.message).toBe('bad');
    expect(error.details).toEqual([{ path: 'x', message: 'y' }]);
  });
});

describe('parsePushRequest: envelope and item errors together', () => {
  it('reports a blank connectionId and a bad item in one answer', () => {
    const error = rejectionOf({ connectionId: '', items: [{ barcode: 'A', quantity: -1 }] });
    expect(error.details).toEqual([
      { path: 'connectionId', message: 'must not be blank' },
      { path: 'items.0.quantity', message: 'must not be negative' },
    ]);
  });
});
