import type { InventoryItem } from './inventory-item';

/** Where the latest value ECI accepted for a barcode stands. */
export type IntentStatus = 'pending' | 'sent' | 'confirmed' | 'failed';

/** The latest value ECI accepted for one barcode, with what became of it. */
export interface KnownValue {
  barcode: string;
  quantity: number | null;
  salePrice: number | null;
  listPrice: number | null;
  status: IntentStatus;
  jobId: string;
  /**
   * When ECI accepted this value (ISO-8601): tells a value a later push recorded apart from one that
   * predates a concurrent push's dedup claim. Absent in older callers: then any other job counts as later.
   */
  acceptedAt?: string;
}

export interface DiffResult {
  changed: InventoryItem[];
  skipped: InventoryItem[];
}

/**
 * An item is unchanged only when every field it carries equals the latest accepted value and that
 * value is confirmed by Trendyol or still on its way there. A value whose last send failed is sent
 * again, and an item ECI has never seen is always a change.
 */
export function isUnchanged(item: InventoryItem, known: KnownValue | undefined): boolean {
  if (!known || known.status === 'failed') return false;
  if (item.quantity !== undefined && item.quantity !== known.quantity) return false;
  if (item.salePrice !== undefined && item.salePrice !== known.salePrice) return false;
  if (item.listPrice !== undefined && item.listPrice !== known.listPrice) return false;
  return true;
}

export function diffItems(
  items: readonly InventoryItem[],
  known: ReadonlyMap<string, KnownValue>,
): DiffResult {
  const changed: InventoryItem[] = [];
  const skipped: InventoryItem[] = [];
  for (const item of items) (isUnchanged(item, known.get(item.barcode)) ? skipped : changed).push(item);
  return { changed, skipped };
}

/**
 * The value a barcode will have once this item lands: fields the item omits keep their known value.
 * Used to check listPrice ≥ salePrice across a price-only update and to record the intent.
 */
export function mergeWithKnown(item: InventoryItem, known: KnownValue | undefined) {
  return {
    quantity: item.quantity ?? known?.quantity ?? null,
    salePrice: item.salePrice ?? known?.salePrice ?? null,
    listPrice: item.listPrice ?? known?.listPrice ?? null,
  };
}
