import type { InventoryItem } from './inventory-item';

/** A live value as Trendyol's read-back returns it (prices in kuruş). */
export interface LiveReading {
  barcode: string;
  quantity: number | null;
  salePrice: number | null;
  listPrice: number | null;
}

/** What a read-back proves about one sent item. */
export type ItemProof = 'live' | 'differs' | 'absent';

/**
 * Compares the fields an item carries with what Trendyol holds. `live`: every field the item sets is
 * the live value (the send landed, or something equal did); `differs`: some field is another value
 * (not applied yet, refused, or overwritten); `absent`: Trendyol did not return the barcode.
 * Integers only (kuruş, units): never a float comparison.
 */
export function proveItem(item: InventoryItem, live: LiveReading | undefined): ItemProof {
  if (!live) return 'absent';
  if (item.quantity !== undefined && live.quantity !== item.quantity) return 'differs';
  if (item.salePrice !== undefined && live.salePrice !== item.salePrice) return 'differs';
  if (item.listPrice !== undefined && live.listPrice !== item.listPrice) return 'differs';
  return 'live';
}

/** Splits items by what the read-back proves: those live, and those still to resolve. */
export function proveItems(
  items: readonly InventoryItem[],
  live: readonly LiveReading[],
): { live: InventoryItem[]; notLive: InventoryItem[] } {
  const byBarcode = new Map(live.map((v) => [v.barcode, v]));
  const out = { live: [] as InventoryItem[], notLive: [] as InventoryItem[] };
  for (const item of items) {
    (proveItem(item, byBarcode.get(item.barcode)) === 'live' ? out.live : out.notLive).push(item);
  }
  return out;
}
