import type { ProductVariant } from '../domain/catalog';
import type { ConnectionSettings } from '../domain/connection-settings';
import type { HeldValue, HoldReason } from '../domain/guards';
import type { InventoryItem } from '../domain/inventory-item';
import type { Cents } from '../domain/money';

/** A held or deferred price as stored: the guard's value plus when it was kept back. */
export interface StoredHold {
  barcode: string;
  salePrice: Cents | null;
  listPrice: Cents | null;
  reason: HoldReason;
  message: string;
  referenceSalePrice: Cents | null;
  /** ISO-8601; PRICE_BUDGET holds only. */
  retryAt: string | null;
  heldAt: string;
}

/** A live value that differs from what Trendyol confirmed, found by the reconciliation read-back. */
export interface DriftRecord {
  barcode: string;
  /** `price` (edited behind ECI's back, product locked…) or `stock` (orders lower it: only reported). */
  kind: 'price' | 'stock';
  confirmed: { quantity: number | null; salePrice: Cents | null; listPrice: Cents | null };
  live: { quantity: number | null; salePrice: Cents | null; listPrice: Cents | null };
  /** `corrected`: the seller's value was sent again; `reported`: listed only. */
  action: 'corrected' | 'reported';
  detectedAt: string;
}

/**
 * The seller's catalog and the state of the catalog guards, per connection. Lists of barcodes travel
 * as one JSON text parameter (the Data API takes no arrays).
 */
export interface CatalogRepository {
  /**
   * Bulk-upserts variants; a field a variant omits keeps its stored value. `updatedAt` moves only on
   * rows whose values changed. Returns how many rows were inserted or changed.
   */
  upsertVariants(connectionId: string, variants: readonly InventoryItem[], now: Date): Promise<number>;
  /** Variants in barcode order after `after` (exclusive), at most `limit`; `barcode` narrows to one. */
  listVariants(
    connectionId: string,
    options: { after: string | null; barcode?: string; limit: number },
  ): Promise<ProductVariant[]>;
  getVariants(connectionId: string, barcodes: readonly string[]): Promise<Map<string, ProductVariant>>;

  /** Stored settings merged over the defaults. */
  getSettings(connectionId: string): Promise<ConnectionSettings>;
  saveSettings(
    connectionId: string,
    patch: Partial<ConnectionSettings>,
    now: Date,
  ): Promise<ConnectionSettings>;

  /** Stores held/deferred prices (replacing the barcode's previous hold) and a history entry each. */
  saveHolds(connectionId: string, holds: readonly HeldValue[], pushId: string, now: Date): Promise<void>;
  /** Records in each barcode's history that its held price was approved (`approved`, job id = the push). */
  recordApprovals(
    connectionId: string,
    items: readonly InventoryItem[],
    pushId: string,
    now: Date,
  ): Promise<void>;
  /** Forgets holds of these barcodes (a newer value was sent or is unchanged). Returns how many. */
  clearHolds(connectionId: string, barcodes: readonly string[]): Promise<number>;
  countHolds(connectionId: string): Promise<number>;
  /** Holds in barcode order; `kind` `guard` = PRICE_JUMP/ZERO_PRICE, `budget` = PRICE_BUDGET. */
  listHolds(
    connectionId: string,
    options: { kind?: 'guard' | 'budget'; barcodes?: readonly string[]; after: string | null; limit: number },
  ): Promise<StoredHold[]>;

  /** Confirmed values in barcode order after `after` (the reconciliation's rotation). */
  listConfirmed(
    connectionId: string,
    after: string | null,
    limit: number,
  ): Promise<
    Array<{ barcode: string; quantity: number | null; salePrice: Cents | null; listPrice: Cents | null }>
  >;
  /** Where the reconciliation stopped last time (null = start over). */
  getReconcileCursor(connectionId: string): Promise<string | null>;
  setReconcileCursor(connectionId: string, after: string | null, now: Date): Promise<void>;
  /**
   * Replaces the drift rows of the barcodes checked: `found` are stored, the rest of `checked` cleared.
   * A drift that is new, or whose live value changed since it was last seen, also gets a `drift` entry
   * in the barcode's history (live values, with the kind and action as its reason).
   */
  saveDrift(connectionId: string, checked: readonly string[], found: readonly DriftRecord[]): Promise<void>;
  listDrift(connectionId: string, after: string | null, limit: number): Promise<DriftRecord[]>;
  /** Open drift of a connection, for its status. */
  driftSummary(
    connectionId: string,
  ): Promise<{ count: number; price: number; stock: number; lastDetectedAt: string | null }>;
}
