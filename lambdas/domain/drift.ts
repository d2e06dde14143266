import type { DriftPolicy } from './connection-settings';
import type { Cents } from './money';

/** A barcode's values: what Trendyol confirmed, or what its read-back shows now (prices in kuruş). */
export interface BarcodeValues {
  quantity: number | null;
  salePrice: Cents | null;
  listPrice: Cents | null;
}

export type DriftDecision =
  | { drift: false }
  /**
   * `price`: a price differs (edited in the seller panel, changed by Trendyol, product locked);
   * corrected under the `correct` policy. `stock`: only the quantity differs, which orders do all day
   * (Trendyol lowers stock itself): always only reported, never "corrected" (that would re-inflate
   * stock and oversell).
   */
  | { drift: true; kind: 'price' | 'stock'; action: 'corrected' | 'reported' };

/**
 * Compares Trendyol's live value with the confirmed one. Fields never confirmed (null) are not
 * compared; integer kuruş only. A price drift decides the action by `policy`.
 */
export function decideDrift(
  confirmed: BarcodeValues,
  live: BarcodeValues,
  policy: DriftPolicy,
): DriftDecision {
  const priceDiffers =
    (confirmed.salePrice !== null && live.salePrice !== confirmed.salePrice) ||
    (confirmed.listPrice !== null && live.listPrice !== confirmed.listPrice);
  if (priceDiffers) {
    return { drift: true, kind: 'price', action: policy === 'correct' ? 'corrected' : 'reported' };
  }
  if (confirmed.quantity !== null && live.quantity !== confirmed.quantity) {
    return { drift: true, kind: 'stock', action: 'reported' };
  }
  return { drift: false };
}

/** Trendyol's read-back takes at most 50 barcodes per call (trendyol-contract.md, read-back). */
export const READ_BACK_BARCODES_PER_CALL = 50;
/**
 * The read group allows 1,000–2,000 requests per minute depending on the seller's tier; ECI assumes
 * the lowest, since integrators cannot see the tier (trendyol-contract.md, rate limits).
 */
export const READ_GROUP_PER_MINUTE = 1000;
