import type { Cents } from './money';

/** One validated, normalised price/stock update. Absent fields are left unchanged on Trendyol. */
export interface InventoryItem {
  barcode: string;
  quantity?: number;
  salePrice?: Cents;
  listPrice?: Cents;
}

/** Trendyol's hard limits (trendyol-contract.md). */
export const MAX_QUANTITY = 20_000;
export const MAX_ITEMS_PER_PUSH = 50_000;
export const CHUNK_SIZE = 1000;
/** Trendyol refuses an identical body for 15 minutes. */
export const DEDUP_WINDOW_MS = 15 * 60 * 1000;
