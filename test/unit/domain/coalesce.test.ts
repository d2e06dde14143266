import { describe, expect, it } from 'vitest';
import { coalesceItems } from '../../../lambdas/domain/coalesce';
import type { InventoryItem } from '../../../lambdas/domain/inventory-item';

describe('coalesceItems', () => {
  it('keeps distinct barcodes in the order given', () => {
    const items: InventoryItem[] = [
      { barcode: 'C', quantity: 1 },
      { barcode: 'A', quantity: 2 },
      { barcode: 'B', quantity: 3 },
    ];
    expect(coalesceItems(items)).toEqual(items);
  });

  it('lets the last occurrence of a barcode win, whole item (no field merge)', () => {
    const result = coalesceItems([
      { barcode: 'A', quantity: 1, salePrice: 500 },
      { barcode: 'A', listPrice: 900 },
    ]);
    expect(result).toEqual([{ barcode: 'A', listPrice: 900 }]);
  });

  it('places a repeated barcode where its last occurrence stands', () => {
    const result = coalesceItems([
      { barcode: 'A', quantity: 1 },
      { barcode: 'B', quantity: 2 },
      { barcode: 'A', quantity: 3 },
      { barcode: 'C', quantity: 4 },
    ]);
    expect(result).toEqual([
      { barcode: 'B', quantity: 2 },
      { barcode: 'A', quantity: 3 },
      { barcode: 'C', quantity: 4 },
    ]);
  });

  it('reduces originalCount to coalescedCount (1001 lines over 1000 barcodes → 1000)', () => {
    const items: InventoryItem[] = Array.from({ length: 1000 }, (_, i) => ({
      barcode: `B${i}`,
      quantity: i,
    }));
    items.push({ barcode: 'B7', quantity: 7000 });
    const result = coalesceItems(items);
    expect(items).toHaveLength(1001);
    expect(result).toHaveLength(1000);
    expect(result.at(-1)).toEqual({ barcode: 'B7', quantity: 7000 });
  });

  it('returns an empty list for no items and does not mutate its input', () => {
    expect(coalesceItems([])).toEqual([]);
    const items: InventoryItem[] = [
      { barcode: 'A', quantity: 1 },
      { barcode: 'A', quantity: 2 },
    ];
    coalesceItems(items);
    expect(items).toHaveLength(2);
  });
});
