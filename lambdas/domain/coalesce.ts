import type { InventoryItem } from './inventory-item';

/**
 * Merges duplicate barcodes, last occurrence wins (the caller's latest line is its intent).
 * Barcodes must already be normalised.
 */
export function coalesceItems(items: readonly InventoryItem[]): InventoryItem[] {
  const byBarcode = new Map<string, InventoryItem>();
  for (const item of items) {
    byBarcode.delete(item.barcode);
    byBarcode.set(item.barcode, item);
  }
  return [...byBarcode.values()];
}
