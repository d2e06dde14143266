import { describe, expect, it } from 'vitest';
import {
  diffItems,
  type IntentStatus,
  isUnchanged,
  type KnownValue,
  mergeWithKnown,
} from '../../../lambdas/domain/diff';
import type { InventoryItem } from '../../../lambdas/domain/inventory-item';

function known(overrides: Partial<KnownValue> = {}): KnownValue {
  return {
    barcode: 'A',
    quantity: 5,
    salePrice: 11285,
    listPrice: 11385,
    status: 'confirmed',
    jobId: 'job-1',
    ...overrides,
  };
}

const full: InventoryItem = { barcode: 'A', quantity: 5, salePrice: 11285, listPrice: 11385 };

describe('isUnchanged', () => {
  it.each<IntentStatus>(['confirmed', 'pending', 'sent'])('is unchanged when equal and %s', (status) => {
    expect(isUnchanged(full, known({ status }))).toBe(true);
  });

  it('is changed when the last send of the same value failed', () => {
    expect(isUnchanged(full, known({ status: 'failed' }))).toBe(false);
  });

  it('is changed for a barcode ECI has never seen', () => {
    expect(isUnchanged(full, undefined)).toBe(false);
  });

  it.each<[string, InventoryItem]>([
    ['quantity', { ...full, quantity: 6 }],
    ['salePrice', { ...full, salePrice: 11284 }],
    ['listPrice', { ...full, listPrice: 11386 }],
  ])('is changed when %s differs', (_field, item) => {
    expect(isUnchanged(item, known())).toBe(false);
  });

  it('is changed when a field the item carries is unknown (null) so far', () => {
    expect(isUnchanged({ barcode: 'A', quantity: 0 }, known({ quantity: null }))).toBe(false);
    expect(isUnchanged({ barcode: 'A', salePrice: 0 }, known({ salePrice: null }))).toBe(false);
    expect(isUnchanged({ barcode: 'A', listPrice: 0 }, known({ listPrice: null }))).toBe(false);
  });

  it('compares only the fields the item carries', () => {
    expect(isUnchanged({ barcode: 'A', quantity: 5 }, known({ salePrice: 1, listPrice: null }))).toBe(true);
    expect(isUnchanged({ barcode: 'A', salePrice: 11285 }, known({ quantity: 999 }))).toBe(true);
    expect(isUnchanged({ barcode: 'A', listPrice: 11385 }, known({ quantity: null, salePrice: null }))).toBe(
      true,
    );
  });

  it('treats a stock-only item as changed when only its stock differs', () => {
    expect(isUnchanged({ barcode: 'A', quantity: 0 }, known())).toBe(false);
  });
});

describe('diffItems', () => {
  it('splits items into changed and skipped, looking each up by barcode', () => {
    const items: InventoryItem[] = [
      { barcode: 'SAME', quantity: 5 },
      { barcode: 'NEW', quantity: 1 },
      { barcode: 'FAILED', quantity: 2 },
      { barcode: 'MOVED', salePrice: 200 },
      { barcode: 'INFLIGHT', salePrice: 100 },
    ];
    const map = new Map<string, KnownValue>([
      ['SAME', known({ barcode: 'SAME' })],
      ['FAILED', known({ barcode: 'FAILED', quantity: 2, status: 'failed' })],
      ['MOVED', known({ barcode: 'MOVED', salePrice: 100 })],
      ['INFLIGHT', known({ barcode: 'INFLIGHT', salePrice: 100, status: 'pending' })],
    ]);
    const result = diffItems(items, map);
    expect(result.changed.map((i) => i.barcode)).toEqual(['NEW', 'FAILED', 'MOVED']);
    expect(result.skipped.map((i) => i.barcode)).toEqual(['SAME', 'INFLIGHT']);
    expect(result.changed.length + result.skipped.length).toBe(items.length);
  });

  it('treats everything as changed with no known values', () => {
    const items: InventoryItem[] = [{ barcode: 'A', quantity: 1 }];
    expect(diffItems(items, new Map())).toEqual({ changed: items, skipped: [] });
  });

  it('returns two empty lists for no items', () => {
    expect(diffItems([], new Map())).toEqual({ changed: [], skipped: [] });
  });
});

describe('mergeWithKnown', () => {
  it('gives the item values over the known ones', () => {
    expect(mergeWithKnown(full, known({ quantity: 1, salePrice: 2, listPrice: 3 }))).toEqual({
      quantity: 5,
      salePrice: 11285,
      listPrice: 11385,
    });
  });

  it('keeps the known value for fields the item omits (price-only update)', () => {
    expect(mergeWithKnown({ barcode: 'A', salePrice: 12000 }, known())).toEqual({
      quantity: 5,
      salePrice: 12000,
      listPrice: 11385,
    });
  });

  it('lets a zero in the item override a non-zero known value', () => {
    expect(mergeWithKnown({ barcode: 'A', quantity: 0, salePrice: 0, listPrice: 0 }, known())).toEqual({
      quantity: 0,
      salePrice: 0,
      listPrice: 0,
    });
  });

  it('gives null for a field neither the item nor the known value has', () => {
    expect(mergeWithKnown({ barcode: 'A', quantity: 3 }, undefined)).toEqual({
      quantity: 3,
      salePrice: null,
      listPrice: null,
    });
    expect(mergeWithKnown({ barcode: 'A', listPrice: 10 }, known({ salePrice: null }))).toEqual({
      quantity: 5,
      salePrice: null,
      listPrice: 10,
    });
  });
});
